using System.Text.RegularExpressions;
using MnistGen.Generators.Language;
using MnistGen.Generators.Layers;

namespace MnistGen.Generators.Tests;

/// <summary>
/// The layer-kind registry is the one place that knows kinds: every descriptor is registered, the key table
/// and the every-kind spec follow it, and no other generator or library code names a kind.
/// </summary>
public class LayerKindTests
{
    private static readonly string[] RegisteredNames = LayerKinds.All.Select(k => k.Name).ToArray();

    [Fact]
    public void Every_descriptor_type_is_registered_once()
    {
        var descriptorTypes = typeof(ILayerKind).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(ILayerKind).IsAssignableFrom(t))
            .Select(t => t.Name)
            .Order();

        Assert.Equal(descriptorTypes, LayerKinds.All.Select(k => k.GetType().Name).Order());
        Assert.Equal(RegisteredNames.Distinct(), RegisteredNames);
    }

    [Fact]
    public void The_key_table_lists_the_registered_kinds_in_registry_order() =>
        Assert.Equal(RegisteredNames, SpecLanguage.Layer.Names);

    [Fact]
    public void The_every_kind_spec_uses_every_registered_kind()
    {
        var model = TestSpecs.Compile(new Parsing.SpecFile("/x/specs/all-kinds.yaml", File.ReadAllText("TestData/all-kinds.yaml"))).Model!;

        Assert.Equal(RegisteredNames.Order(), model.Layers.Select(l => l.Kind).Distinct().Order());
    }

    [Fact]
    public void Each_descriptor_binds_to_its_own_model_type()
    {
        var model = TestSpecs.Compile(new Parsing.SpecFile("/x/specs/all-kinds.yaml", File.ReadAllText("TestData/all-kinds.yaml"))).Model!;

        // Every kind's display, fields and forward code accept what its Bind produced (a wrong type would throw).
        Assert.All(model.Layers, layer =>
        {
            var kind = LayerKinds.Of(layer);
            Assert.NotEmpty(kind.DisplayKind(layer));
            Assert.NotEmpty(kind.Forward(layer, "t"));
            _ = kind.Fields(layer).ToList();
        });
    }

    [Fact]
    public void No_code_outside_the_descriptors_names_a_layer_kind()
    {
        var root = TestSpecs.RepoRoot;
        var literal = new Regex("\"(" + string.Join("|", RegisteredNames.Select(Regex.Escape)) + ")\"", RegexOptions.CultureInvariant);
        var offenders = new[] { "generators", "src" }
            .SelectMany(dir => Directory.EnumerateFiles(Path.Combine(root, dir), "*.cs", SearchOption.AllDirectories))
            .Where(path => !IsBuildOutput(path) && !Path.GetRelativePath(root, path).Replace('\\', '/').StartsWith("generators/MnistGen.Generators/Layers/", StringComparison.Ordinal))
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, number: i + 1)))
            .Where(l => literal.IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(root, l.path)}({l.number}): {l.line.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Layer kinds named outside generators/.../Layers/:\n" + string.Join("\n", offenders));
    }

    private static bool IsBuildOutput(string path) =>
        path.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj");
}
