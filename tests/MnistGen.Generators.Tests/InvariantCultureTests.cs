using System.Xml.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace MnistGen.Generators.Tests;

/// <summary>
/// Numbers become text in the generator only through Invariant / CSharp (invariant culture): an interpolation
/// hole or a string concatenation with a number formats it with the current culture. Roslyn's semantic model
/// of the generator's own sources finds every such place.
/// </summary>
public class InvariantCultureTests
{
    private static readonly SpecialType[] Numeric =
    [
        SpecialType.System_Byte, SpecialType.System_SByte, SpecialType.System_Int16, SpecialType.System_UInt16,
        SpecialType.System_Int32, SpecialType.System_UInt32, SpecialType.System_Int64, SpecialType.System_UInt64,
        SpecialType.System_Single, SpecialType.System_Double, SpecialType.System_Decimal,
    ];

    [Fact]
    public void No_number_is_formatted_with_the_current_culture_in_the_generator()
    {
        var compilation = GeneratorCompilation();
        var offenders = new List<string>();
        foreach (var tree in compilation.SyntaxTrees)
        {
            var model = compilation.GetSemanticModel(tree);
            var root = tree.GetRoot();
            var numbersInText = root.DescendantNodes().OfType<InterpolationSyntax>().Select(i => i.Expression)
                .Concat(root.DescendantNodes().OfType<BinaryExpressionSyntax>()
                    .Where(b => b.IsKind(SyntaxKind.AddExpression) && model.GetTypeInfo(b).Type?.SpecialType == SpecialType.System_String)
                    .SelectMany(b => new[] { b.Left, b.Right }));
            foreach (var expression in numbersInText)
            {
                var type = model.GetTypeInfo(expression).Type;
                if (type is not null && IsNumber(type))
                {
                    var line = expression.GetLocation().GetLineSpan();
                    offenders.Add($"{Path.GetFileName(line.Path)}({line.StartLinePosition.Line + 1}): {expression}");
                }
            }
        }

        Assert.True(offenders.Count == 0, "Numbers formatted with the current culture:\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void The_check_sees_the_generators_types()
    {
        // Guards the test above: if the sources did not bind, every type would be an error type and nothing would be found.
        var compilation = GeneratorCompilation();

        Assert.NotNull(compilation.GetTypeByMetadataName("MnistGen.Generators.Layers.LayerKinds"));
        Assert.Empty(compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).Take(5));
    }

    private static bool IsNumber(ITypeSymbol type) =>
        Numeric.Contains(type.SpecialType)
        || (type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } nullable && Numeric.Contains(nullable.TypeArguments[0].SpecialType));

    /// <summary>The generator's sources, with the files its project links in, against this process's framework, Roslyn and YamlDotNet.</summary>
    private static CSharpCompilation GeneratorCompilation()
    {
        var project = Path.Combine(TestSpecs.RepoRoot, "generators", "MnistGen.Generators");
        var own = Directory.EnumerateFiles(project, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"));
        var linked = XDocument.Load(Path.Combine(project, "MnistGen.Generators.csproj")).Descendants("Compile")
            .Select(c => (string?)c.Attribute("Include")).OfType<string>()
            .Select(include => Path.GetFullPath(Path.Combine(project, include)));
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = own.Concat(linked).Select(p => CSharpSyntaxTree.ParseText(File.ReadAllText(p), parseOptions, path: p));
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == framework
                        || Path.GetFileName(p).StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
                        || Path.GetFileName(p) == "YamlDotNet.dll")
            .Select(p => MetadataReference.CreateFromFile(p));
        return CSharpCompilation.Create("GeneratorSources", trees, references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
    }
}
