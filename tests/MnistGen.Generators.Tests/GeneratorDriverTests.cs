using Microsoft.CodeAnalysis;

namespace MnistGen.Generators.Tests;

public class GeneratorDriverTests
{
    private const string UserCode = """
        namespace MnistGen.Models
        {
            /// <summary>User code extends a generated class.</summary>
            public sealed partial class Mlp
            {
                /// <summary>Uses a generated field.</summary>
                public long HiddenUnits => this.fc1.weight!.shape[0];
            }
        }

        /// <summary>User code uses the registry and builds a model.</summary>
        public static class UserCode
        {
            /// <summary>How many architectures there are.</summary>
            public static int Count() => MnistGen.Models.Architectures.All.Length;

            /// <summary>Looks one up.</summary>
            public static MnistGen.Core.Functional.Result<MnistGen.Core.Specs.ArchitectureSpec> Find(string name) => MnistGen.Models.Architectures.Find(name);

            /// <summary>Builds one directly.</summary>
            public static TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Build() => new MnistGen.Models.Cnn5x5();
        }
        """;

    [Fact]
    public void Valid_specs_compile_together_with_user_code_without_a_single_warning()
    {
        var driver = DriverHarness.Driver(DriverHarness.RealSpec("mlp"), DriverHarness.RealSpec("cnn-3x3"), DriverHarness.RealSpec("cnn-5x5"), DriverHarness.AllKinds());

        driver = driver.RunGeneratorsAndUpdateCompilation(DriverHarness.Compilation(UserCode), out var output, out var generatorDiagnostics);

        Assert.Empty(generatorDiagnostics);
        Assert.Equal(
            ["AllKinds.g.cs", "Architectures.g.cs", "Cnn3x3.g.cs", "Cnn5x5.g.cs", "Mlp.g.cs"],
            driver.GetRunResult().GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order());
        var problems = output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
        using var assembly = new MemoryStream();
        Assert.True(output.Emit(assembly).Success);
    }

    [Fact]
    public void A_second_run_on_unchanged_input_is_entirely_cached_and_holds_no_Roslyn_objects()
    {
        var compilation = DriverHarness.Compilation(UserCode);
        var driver = DriverHarness.Driver(DriverHarness.RealSpec("mlp"), DriverHarness.RealSpec("cnn-3x3"), DriverHarness.Spec("/repo/specs/bad.yaml", "name: bad\n"));

        driver = driver.RunGenerators(compilation);
        var first = driver.GetRunResult().Results.Single();
        var second = driver.RunGenerators(compilation.Clone()).GetRunResult().Results.Single();

        Assert.Equal(DriverHarness.TrackingNames.Order(), first.TrackedSteps.Keys.Where(DriverHarness.TrackingNames.Contains).Order());
        foreach (var name in DriverHarness.TrackingNames)
        {
            var (steps1, steps2) = (first.TrackedSteps[name], second.TrackedSteps[name]);
            Assert.Equal(steps1.Length, steps2.Length);
            for (var i = 0; i < steps1.Length; i++)
            {
                Assert.Equal(steps1[i].Outputs.Select(o => o.Value), steps2[i].Outputs.Select(o => o.Value));
                Assert.All(steps2[i].Outputs, o => Assert.True(
                    o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
                Assert.All(steps1[i].Outputs, o => Assert.Null(DriverHarness.FindBannedObject(o.Value)));
            }
        }
        Assert.All(second.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_one_spec_recompiles_only_that_spec()
    {
        var mlp = DriverHarness.RealSpec("mlp");
        var cnn = DriverHarness.RealSpec("cnn-3x3");
        var compilation = DriverHarness.Compilation();
        var driver = DriverHarness.Driver(mlp, cnn).RunGenerators(compilation);

        var edited = DriverHarness.Spec(mlp.Path, TestSpecs.Real("mlp").Text.Replace("epochs: 15", "epochs: 16"));
        var result = driver.ReplaceAdditionalText(mlp, edited).RunGenerators(compilation).GetRunResult().Results.Single();

        var bound = result.TrackedSteps["Bound"].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(
            [IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached],
            bound.Select(o => o.Reason).Order());
        Assert.Contains("Epochs: 16,", result.GeneratedSources.Single(s => s.HintName == "Mlp.g.cs").SourceText.ToString());
    }

    [Fact]
    public void A_bad_spec_beside_good_ones_reports_located_errors_and_the_good_ones_still_generate()
    {
        var bad = DriverHarness.Spec("/repo/specs/bad.yaml", TestSpecs.Valid.Replace("name: Small", "name: Bad").Replace("batch_size: 32", "batch_sise: 32").Replace("  - relu\n", "  - rleu\n"));
        var driver = DriverHarness.Driver(DriverHarness.RealSpec("mlp"), bad, DriverHarness.RealSpec("cnn-5x5"));

        driver = driver.RunGeneratorsAndUpdateCompilation(DriverHarness.Compilation(), out var output, out var diagnostics);

        Assert.Equal(
            ["/repo/specs/bad.yaml(15,3): error MNG0002", "/repo/specs/bad.yaml(6,5): error MNG0003"],
            diagnostics.Select(d => $"{d.Location.GetLineSpan().Path}({d.Location.GetLineSpan().StartLinePosition.Line + 1},{d.Location.GetLineSpan().StartLinePosition.Character + 1}): error {d.Id}").Order());
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Equal(["Architectures.g.cs", "Cnn5x5.g.cs", "Mlp.g.cs"], driver.GetRunResult().GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void MNG0010_two_specs_with_one_class_name()
    {
        var first = DriverHarness.Spec("/repo/specs/a.yaml", TestSpecs.Valid);
        var second = DriverHarness.Spec("/repo/specs/b.yaml", TestSpecs.Valid.Replace("name: Small", "name: SMALL"));
        var driver = DriverHarness.Driver(second, first);

        driver = driver.RunGeneratorsAndUpdateCompilation(DriverHarness.Compilation(), out var output, out var diagnostics);

        var error = Assert.Single(diagnostics);
        Assert.Equal("MNG0010", error.Id);
        Assert.Equal("Class name 'SMALL' is already used by specs/a.yaml; class names must be unique across specs (ignoring case).", error.GetMessage());
        Assert.Equal(("/repo/specs/b.yaml", 0, 6), (error.Location.GetLineSpan().Path, error.Location.GetLineSpan().StartLinePosition.Line, error.Location.GetLineSpan().StartLinePosition.Character));
        Assert.Equal(["Architectures.g.cs", "Small.g.cs"], driver.GetRunResult().GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void MNG0017_a_spec_that_cannot_be_read_is_reported_and_the_others_still_generate()
    {
        var driver = DriverHarness.Driver(DriverHarness.Unreadable("/repo/specs/locked.yaml"), DriverHarness.RealSpec("mlp"));

        driver = driver.RunGeneratorsAndUpdateCompilation(DriverHarness.Compilation(), out _, out var diagnostics);

        var error = Assert.Single(diagnostics);
        Assert.Equal(("MNG0017", "The spec file could not be read: IOException: disk on fire.", "/repo/specs/locked.yaml"),
            (error.Id, error.GetMessage(), error.Location.GetLineSpan().Path));
        Assert.Equal(["Architectures.g.cs", "Mlp.g.cs"], driver.GetRunResult().GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order());
    }

    [Fact]
    public void Only_yaml_files_in_a_specs_folder_are_specs()
    {
        var driver = DriverHarness.Driver(
            DriverHarness.Spec("/repo/specs/notes.txt", "not yaml"),
            DriverHarness.Spec("/repo/other/mlp.yaml", "name: [broken"),
            DriverHarness.Spec("/repo/specs/mlp.yml", TestSpecs.Real("mlp").Text));

        driver = driver.RunGeneratorsAndUpdateCompilation(DriverHarness.Compilation(), out _, out var diagnostics);

        Assert.Empty(diagnostics);
        Assert.Equal(["Architectures.g.cs", "Mlp.g.cs"], driver.GetRunResult().GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order());
    }

    [Fact]
    public void Removing_a_spec_removes_its_class_and_registry_entry()
    {
        var mlp = DriverHarness.RealSpec("mlp");
        var cnn = DriverHarness.RealSpec("cnn-3x3");
        var compilation = DriverHarness.Compilation();
        var driver = DriverHarness.Driver(mlp, cnn).RunGenerators(compilation);

        var result = driver.RemoveAdditionalTexts([cnn]).RunGenerators(compilation).GetRunResult();

        Assert.Equal(["Architectures.g.cs", "Mlp.g.cs"], result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).Order());
        Assert.DoesNotContain("Cnn3x3", result.Results.Single().GeneratedSources.Single(s => s.HintName == "Architectures.g.cs").SourceText.ToString());
    }

    [Fact]
    public void With_no_specs_the_registry_is_empty_but_present()
    {
        var driver = DriverHarness.Driver();

        driver = driver.RunGeneratorsAndUpdateCompilation(DriverHarness.Compilation(UserCode.Replace("new MnistGen.Models.Cnn5x5()", "null!").Replace(
            "public sealed partial class Mlp", "public sealed partial class NotGenerated").Replace("this.fc1.weight!.shape[0]", "0")), out var output, out _);

        Assert.Equal(["Architectures.g.cs"], driver.GetRunResult().GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)));
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }
}
