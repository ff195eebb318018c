using System.Diagnostics;
using System.Reflection;
using System.Runtime.Loader;
using MnistGen.Core.Specs;
using static TorchSharp.torch;

namespace MnistGen.Models.Tests;

/// <summary>
/// "Adding an architecture is one file": a scratch copy of the models project gets a new spec, is built
/// with the real generator, and the new class appears in the registry and runs; deleting the spec and
/// building again (incrementally) removes it. The new spec uses every layer kind, so this also runs the
/// generated code for kinds the tutorial specs do not use.
/// </summary>
public sealed class AddSpecTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("mnistgen-add-spec-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void A_new_spec_file_becomes_a_registered_runnable_class_and_deleting_it_removes_the_class()
    {
        var project = ScratchModelsProject();
        var specs = Path.Combine(_scratch, "specs");
        File.Copy(Path.Combine(MnistGen.Tests.Shared.TestRepository.Root, "specs", "mlp.yaml"), Path.Combine(specs, "mlp.yaml"));
        var newSpec = Path.Combine(specs, "all-kinds.yaml");
        File.Copy(Path.Combine(MnistGen.Tests.Shared.TestRepository.Root, "tests", "MnistGen.Generators.Tests", "TestData", "all-kinds.yaml"), newSpec);

        Build(project, restore: true);
        var withSpec = Registry(project);
        Assert.Equal(["all-kinds", "mlp"], withSpec.Select(a => a.Id));

        var allKinds = withSpec[0];
        Assert.Equal(("AllKinds", 7850L, 84256L), (allKinds.Name, allKinds.Summary.TotalParameters, allKinds.Summary.TotalMacs));
        RunForwardAndBackward(allKinds);
        ExportsToOnnxLikeTorchSharp(allKinds);

        File.Delete(newSpec);
        Build(project, restore: false);
        Assert.Equal(["mlp"], Registry(project).Select(a => a.Id));
    }

    /// <summary>
    /// The walk-through of CONTRIBUTING.md, "Adding a layer kind", done on a scratch copy of the generator: one
    /// new file under Layers/ and one registration line make a spec using the new kind build, register and
    /// train like any other; the same file without its forward code does not compile.
    /// </summary>
    [Fact]
    public void A_new_layer_kind_is_one_new_file_and_one_registration_line()
    {
        var project = ScratchModelsProject();
        var generator = CopyGenerator();
        var registry = Path.Combine(Path.GetDirectoryName(generator)!, "Layers", "LayerKinds.cs");
        var before = File.ReadAllLines(registry);
        File.WriteAllLines(registry, before.SelectMany(line => line.Trim() == "new SoftmaxKind(),"
            ? new[] { line, line.Replace("new SoftmaxKind(),", "new SiluKind(),") }
            : new[] { line }));
        Assert.Single(File.ReadAllLines(registry).Except(before));
        var newKind = Path.Combine(Path.GetDirectoryName(generator)!, "Layers", "Silu.cs");
        File.WriteAllText(newKind, SiluKind);
        File.WriteAllText(Path.Combine(_scratch, "specs", "swish.yaml"), """
            name: Swish
            input: [1, 28, 28]
            layers:
              - conv2d: { out: 4, kernel: 3 }
              - silu
              - max_pool2d: 2
              - flatten
              - linear: 10
              - log_softmax
            training: { loss: nll, optimizer: adam }
            """);

        Build(project, restore: true, $"-p:MnistGenGenerator={generator}");
        var swish = Assert.Single(Registry(project));
        Assert.Equal(["conv1", "silu_1", "max_pool2d_1", "flatten_1", "fc1", "log_softmax_1"], swish.Summary.Layers.Select(l => l.Name));
        Assert.Equal(("silu", 4 * 13 * 13 * 10 + 10 + 4 * 9 + 4L), (swish.Summary.Layers[1].Kind, swish.Summary.TotalParameters));
        RunForwardAndBackward(swish);
        ExportsToOnnxLikeTorchSharp(swish);

        File.WriteAllText(newKind, SiluKind.Replace("    public override string Forward(PlainLayer layer, string x) => $\"{x}.silu()\";\n", ""));
        var (exitCode, output) = Run(_scratch, "build", generator, "-nologo", "-v:q", "-nodeReuse:false", "-p:UseSharedCompilation=false", "--no-restore");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("error CS0534", output); // 'SiluKind' does not implement inherited abstract member ... Forward
        Assert.Contains("Forward", output);
    }

    /// <summary>What a contributor writes for SiLU (x * sigmoid(x)), word for word as CONTRIBUTING.md shows it.</summary>
    private const string SiluKind = """
        using MnistGen.Generators.Emitting;
        using MnistGen.Generators.Language;

        namespace MnistGen.Generators.Layers;

        /// <summary>SiLU (swish): x * sigmoid(x).</summary>
        internal sealed class SiluKind : ElementwiseKind
        {
            public override Variant Entry { get; } = new("silu", "SiLU", "x * sigmoid(x) (torch.nn.functional.silu).", null);

            public override string Forward(PlainLayer layer, string x) => $"{x}.silu()";

            // ONNX opset 13 has no SiLU operator: Mul(x, Sigmoid(x)).
            public override string Onnx(PlainLayer layer, string b, string x) =>
                $"{b}.Mul({CSharp.String(layer.Name)}, {x}, {b}.Sigmoid({CSharp.String(layer.Name + "/sigmoid")}, {x}))";
        }

        """;

    /// <summary>A scratch copy of the models project with the repository's build settings and an empty specs folder.</summary>
    private string ScratchModelsProject()
    {
        var root = MnistGen.Tests.Shared.TestRepository.Root;
        var project = Path.Combine(_scratch, "src", "MnistGen.Models", "MnistGen.Models.csproj");
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        Directory.CreateDirectory(Path.Combine(_scratch, "specs"));
        File.Copy(Path.Combine(root, "src", "MnistGen.Models", "MnistGen.Models.csproj"), project);
        // The same build settings as the repository (warnings as errors, central package versions, ...).
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(root, file), Path.Combine(_scratch, file));
        }
        Directory.CreateDirectory(Path.Combine(_scratch, "build"));
        foreach (var file in Directory.GetFiles(Path.Combine(root, "build"))) File.Copy(file, Path.Combine(_scratch, "build", Path.GetFileName(file)));
        return project;
    }

    /// <summary>The generator's sources (no build output) and the files its project links in, at the same relative places.</summary>
    private string CopyGenerator()
    {
        var root = MnistGen.Tests.Shared.TestRepository.Root;
        var source = Path.Combine(root, "generators", "MnistGen.Generators");
        var target = Path.Combine(_scratch, "generators", "MnistGen.Generators");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(source, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj") continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
        var csproj = Path.Combine(target, "MnistGen.Generators.csproj");
        foreach (var include in System.Xml.Linq.XDocument.Load(csproj).Descendants("Compile").Select(c => (string?)c.Attribute("Include")).OfType<string>())
        {
            var linked = Path.GetRelativePath(root, Path.GetFullPath(Path.Combine(source, include)));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(_scratch, linked))!);
            File.Copy(Path.Combine(root, linked), Path.Combine(_scratch, linked));
        }
        return csproj;
    }

    private static void RunForwardAndBackward(ArchitectureSpec spec)
    {
        using var scope = NewDisposeScope();
        using var model = spec.Create();
        Assert.Equal(spec.Summary.TotalParameters, model.parameters().Sum(p => p.numel()));
        model.train();
        var output = model.forward(rand(8, 1, 28, 28));
        Assert.Equal([8L, 10L], output.shape);
        nn.functional.cross_entropy(output, randint(0, 10, [8], dtype: ScalarType.Int64)).backward();
        Assert.All(model.parameters(), p => Assert.NotNull(p.grad));
        model.eval();
        using (no_grad()) Assert.Equal([8L, 10L], model.forward(rand(8, 1, 28, 28)).shape);
    }

    /// <summary>
    /// The scratch build's module written to ONNX passes onnx.checker and gives TorchSharp's outputs in ONNX Runtime
    /// (64 seeded inputs, batches of 64 and of 1). Every weight and batch-norm statistic is moved off its initial
    /// value first, so eval-mode batch norm and every bias really count.
    /// </summary>
    private void ExportsToOnnxLikeTorchSharp(ArchitectureSpec spec)
    {
        manual_seed(7);
        using var model = spec.Create();
        using (no_grad())
        {
            foreach (var (name, tensor) in model.state_dict())
            {
                if (!tensor.is_floating_point()) continue;
                if (name.EndsWith(".running_var", StringComparison.Ordinal)) tensor.copy_(rand_like(tensor) + 0.5);
                else tensor.add_(randn_like(tensor) * 0.1);
            }
        }
        var onnx = MnistGen.Core.Interop.ModelInterop.ToOnnx(spec, model, new Dictionary<string, string> { ["mnistgen.spec"] = spec.Id });
        Assert.True(onnx.IsOk, string.Join("; ", onnx.Errors));
        var file = Path.Combine(_scratch, spec.Id + ".onnx");
        File.WriteAllBytes(file, onnx.Value);
        MnistGen.Tests.Shared.OnnxCheck.AssertCheckerPasses(file);
        MnistGen.Tests.Shared.OnnxCheck.AssertSameOutputs(file, spec, model, MnistGen.Tests.Shared.OnnxCheck.SeededInputs());
    }

    /// <summary>Architectures.All of the scratch build, loaded from a copy of its bytes in an isolated context.</summary>
    private static List<ArchitectureSpec> Registry(string project)
    {
        var dll = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug", "net10.0", "MnistGen.Models.dll");
        // MnistGen.Core and TorchSharp resolve to this process's copies, so ArchitectureSpec is the same type.
        var context = new AssemblyLoadContext("scratch-models", isCollectible: true);
        var assembly = context.LoadFromStream(new MemoryStream(File.ReadAllBytes(dll)));
        var all = assembly.GetType("MnistGen.Models.Architectures", throwOnError: true)!
            .GetProperty("All", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
        return ((IEnumerable<ArchitectureSpec>)all).ToList();
    }

    private void Build(string project, bool restore, params string[] properties)
    {
        // No build servers: nothing may outlive the test. The repository's own projects (Core, the generator)
        // are referenced in place and are already built, so only the scratch project compiles.
        var (exitCode, output) = Run(_scratch, [
            "build", project, "-nologo", "-v:q", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            $"-p:MnistGenRoot={MnistGen.Tests.Shared.TestRepository.Root}/", restore ? "-restore" : "--no-restore", .. properties]);
        Assert.True(exitCode == 0, $"dotnet build failed ({exitCode}):\n{output}");
    }

    private static (int ExitCode, string Output) Run(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The test host's MSBuild variables would point the child build at the wrong SDK pieces.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "dotnet build took longer than 5 minutes");
        return (process.ExitCode, output.Result + "\n" + errors.Result);
    }
}
