using System.Reflection;
using MnistGen.Generators.Binding;
using static TorchSharp.torch;

namespace MnistGen.Generators.Tests;

public class ReservedNamesTests
{
    [Fact]
    public void Every_member_a_layer_field_could_hide_is_reserved()
    {
        // A generated field with the name of an inherited member hides it (CS0108, an error with warnings as
        // errors), so the binder must refuse such layer names. Reflection keeps the list honest across TorchSharp updates.
        const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.FlattenHierarchy;
        var inheritable = new List<string>();
        for (var type = typeof(nn.Module<Tensor, Tensor>); type is not null; type = type.BaseType)
        {
            inheritable.AddRange(type.GetMembers(all)
                .Where(m => m switch
                {
                    MethodBase method => (method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly) && !method.IsSpecialName && !method.IsConstructor,
                    FieldInfo field => field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly,
                    PropertyInfo property => property.GetMethod is { } get && (get.IsPublic || get.IsFamily || get.IsFamilyOrAssembly),
                    EventInfo => true,
                    Type nested => nested.IsNestedPublic || nested.IsNestedFamily,
                    _ => false,
                })
                .Select(m => m.Name)
                .Where(SyntaxIdentifier));
        }

        var missing = inheritable.Distinct().Where(n => !Names.ReservedMemberNames.Contains(n)).Order().ToList();
        Assert.True(missing.Count == 0, "Not reserved: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("conv1", null)]
    [InlineData("head", null)]
    [InlineData("forward", "the generated field would hide a member of TorchSharp's Module")]
    [InlineData("Spec", "the generated field would hide a member of TorchSharp's Module")]
    [InlineData("Net", "it is the class's own name")]
    [InlineData("class", "it is a C# keyword")]
    [InlineData("1x", "a layer name is a C# identifier: it starts with a letter or '_' and contains only letters, digits and '_'")]
    [InlineData("__slope_x", "names starting with '__' are reserved for generated members")]
    public void Layer_name_rules(string name, string? problem) => Assert.Equal(problem, Names.LayerNameProblem(name, "Net"));

    [Theory]
    [InlineData("Cnn5x5", null)]
    [InlineData("cnn5x5", "a class name starts with a capital letter (e.g. 'Cnn5x5')")]
    [InlineData("Architectures", "the generator already emits a class of that name")]
    [InlineData("Cnn-5x5", "a C# identifier starts with a letter or '_' and contains only letters, digits and '_'")]
    public void Class_name_rules(string name, string? problem) => Assert.Equal(problem, Names.ClassNameProblem(name));

    private static bool SyntaxIdentifier(string name) => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.IsValidIdentifier(name);
}
