using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace MnistGen.Generators.Tests;

/// <summary>
/// What a consuming project's build tells the generator (the package's props/targets): the namespace of the generated
/// code (MnistGenNamespace) and which additional files outside a specs folder are specs (MnistGenSpec metadata).
/// </summary>
public class ProjectOptionsTests
{
    [Fact]
    public void The_namespace_property_places_the_models_and_the_registry_and_the_code_compiles()
    {
        var (output, generated, diagnostics) = Run(new Options(new() { ["build_property.MnistGenNamespace"] = "Acme.Digits" }), DriverHarness.RealSpec("mlp"));
        Assert.Empty(diagnostics);
        Assert.All(generated, source => Assert.Contains("namespace Acme.Digits", source));
        Assert.Contains("global::Acme.Digits.Mlp.Spec,", generated.Single(s => s.Contains("class Architectures", StringComparison.Ordinal)));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.NotNull(output.GetTypeByMetadataName("Acme.Digits.Mlp"));
        Assert.NotNull(output.GetTypeByMetadataName("Acme.Digits.Architectures"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Without_the_property_the_namespace_is_MnistGen_Models(string? value)
    {
        var options = value is null ? new Options([]) : new Options(new() { ["build_property.MnistGenNamespace"] = value });
        var (output, _, _) = Run(options, DriverHarness.RealSpec("mlp"));
        Assert.NotNull(output.GetTypeByMetadataName("MnistGen.Models.Mlp"));
    }

    [Fact]
    public void A_namespace_that_is_not_one_fails_the_build_saying_why()
    {
        var (output, _, _) = Run(new Options(new() { ["build_property.MnistGenNamespace"] = "My Digits.class" }), DriverHarness.RealSpec("mlp"));
        var error = Assert.Single(output.GetDiagnostics(), d => d.Id == "CS1029");
        Assert.Contains("MnistGenNamespace 'My Digits.class' is not a C# namespace", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void A_yaml_file_outside_a_specs_folder_is_a_spec_only_when_marked()
    {
        var spec = DriverHarness.Spec("/home/me/models/tiny.yaml", TestSpecs.Real("mlp").Text.Replace("name: Mlp", "name: Tiny"));
        var (_, unmarked, _) = Run(new Options([]), spec);
        Assert.DoesNotContain(unmarked, s => s.Contains("class Tiny", StringComparison.Ordinal));

        var marked = new Options([], new() { ["/home/me/models/tiny.yaml"] = new() { ["build_metadata.AdditionalFiles.MnistGenSpec"] = "true" } });
        var (output, generated, _) = Run(marked, spec);
        Assert.Contains(generated, s => s.Contains("public sealed partial class Tiny", StringComparison.Ordinal));
        Assert.NotNull(output.GetTypeByMetadataName("MnistGen.Models.Tiny"));
    }

    [Fact]
    public void A_marked_spec_with_a_mistake_is_reported_at_its_own_path_line_and_column()
    {
        const string path = "/home/me/models/tiny.yaml";
        var text = TestSpecs.Real("mlp").Text.Replace("name: Mlp", "name: Tiny").Replace("{ name: fc1, out: 128 }", "{ name: fc1, out: 128, bais: false }");
        var marked = new Options([], new() { [path] = new() { ["build_metadata.AdditionalFiles.MnistGenSpec"] = "True" } });
        var (_, _, diagnostics) = Run(marked, DriverHarness.Spec(path, text));
        var error = Assert.Single(diagnostics);
        Assert.Equal("MNG0002", error.Id);
        var lines = text.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains("bais", StringComparison.Ordinal));
        var span = error.Location.GetLineSpan();
        Assert.Equal(path, span.Path);
        Assert.Equal((line, lines[line].IndexOf("bais", StringComparison.Ordinal)), (span.StartLinePosition.Line, span.StartLinePosition.Character));
    }

    private static (Compilation Output, List<string> Generated, ImmutableArray<Diagnostic> Diagnostics) Run(Options options, params AdditionalText[] specs)
    {
        GeneratorDriver driver = CSharpGeneratorDriver.Create([new SpecGenerator().AsSourceGenerator()], specs, DriverHarness.ParseOptions, options);
        driver = driver.RunGeneratorsAndUpdateCompilation(DriverHarness.Compilation(), out var output, out var diagnostics);
        return (output, driver.GetRunResult().GeneratedTrees.Select(t => t.ToString()).ToList(), diagnostics);
    }

    private sealed class Options(Dictionary<string, string> global, Dictionary<string, Dictionary<string, string>>? perFile = null) : AnalyzerConfigOptionsProvider
    {
        public override AnalyzerConfigOptions GlobalOptions { get; } = new Values(global);

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values([]);

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            new Values(perFile is not null && perFile.TryGetValue(textFile.Path, out var values) ? values : []);
    }

    private sealed class Values(Dictionary<string, string> values) : AnalyzerConfigOptions
    {
        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
