using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;

namespace MnistGen.Generators.Tests;

/// <summary>Runs SpecGenerator through Roslyn's driver the way the compiler does, with step tracking on.</summary>
internal static class DriverHarness
{
    public static readonly string[] TrackingNames = typeof(SpecGenerator).Assembly.GetType("MnistGen.Generators.TrackingNames")!
        .GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToArray();

    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest, DocumentationMode.Diagnose);

    /// <summary>The shared framework plus MnistGen.Core and TorchSharp, as metadata (nothing is loaded or run).</summary>
    private static readonly ImmutableArray<MetadataReference> References = BuildReferences();

    public static CSharpCompilation Compilation(params string[] userSources) => CSharpCompilation.Create(
        "MnistGen.Models",
        userSources.Select((s, i) => CSharpSyntaxTree.ParseText(s, ParseOptions, path: $"User{i}.cs")),
        References,
        new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Driver(params AdditionalText[] specs) => CSharpGeneratorDriver.Create(
        [new SpecGenerator().AsSourceGenerator()],
        specs,
        ParseOptions,
        driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static AdditionalText Spec(string path, string text) => new InMemoryText(path, text);

    public static AdditionalText RealSpec(string id) => Spec(Path.Combine(TestSpecs.SpecsDirectory, id + ".yaml"), TestSpecs.Real(id).Text);

    public static AdditionalText AllKinds() => Spec("/repo/specs/all-kinds.yaml", File.ReadAllText("TestData/all-kinds.yaml"));

    /// <summary>Walks a step output's object graph; returns the first banned Roslyn object found, if any.</summary>
    public static object? FindBannedObject(object? root)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<object?>([root]);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (node is null || !visited.Add(node)) continue;
            if (node is Microsoft.CodeAnalysis.Compilation or ISymbol or SyntaxNode or SyntaxTree or Location or AdditionalText or SemanticModel) return node;
            var type = node.GetType();
            if (type.IsPrimitive || type.IsEnum || node is string) continue;
            if (node is IEnumerable items)
            {
                foreach (var item in items) pending.Push(item);
            }
            foreach (var field in type.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic))
            {
                pending.Push(field.GetValue(node));
            }
        }
        return null;
    }

    private static ImmutableArray<MetadataReference> BuildReferences()
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var frameworkAssemblies = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetDirectoryName(p) == framework);
        var project = new[] { "MnistGen.Core.dll", "TorchSharp.dll" }.Select(f => Path.Combine(AppContext.BaseDirectory, f));
        return [.. frameworkAssemblies.Concat(project).Select(p => MetadataReference.CreateFromFile(p))];
    }

    /// <summary>An additional file whose text cannot be read.</summary>
    public static AdditionalText Unreadable(string path) => new ThrowingText(path);

    private sealed class ThrowingText(string path) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => throw new IOException("disk on fire");
    }

    private sealed class InMemoryText(string path, string text) : AdditionalText
    {
        public override string Path => path;

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
