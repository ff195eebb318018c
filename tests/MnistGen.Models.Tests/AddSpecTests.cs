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
        var project = Path.Combine(_scratch, "src", "MnistGen.Models", "MnistGen.Models.csproj");
        var specs = Path.Combine(_scratch, "specs");
        Directory.CreateDirectory(Path.GetDirectoryName(project)!);
        Directory.CreateDirectory(specs);
        File.Copy(Path.Combine(MnistGen.Tests.Shared.TestRepository.Root, "src", "MnistGen.Models", "MnistGen.Models.csproj"), project);
        // The same build settings as the repository (warnings as errors, central package versions, ...).
        foreach (var file in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
        {
            File.Copy(Path.Combine(MnistGen.Tests.Shared.TestRepository.Root, file), Path.Combine(_scratch, file));
        }
        Directory.CreateDirectory(Path.Combine(_scratch, "build"));
        foreach (var file in Directory.GetFiles(Path.Combine(MnistGen.Tests.Shared.TestRepository.Root, "build"))) File.Copy(file, Path.Combine(_scratch, "build", Path.GetFileName(file)));
        File.Copy(Path.Combine(MnistGen.Tests.Shared.TestRepository.Root, "specs", "mlp.yaml"), Path.Combine(specs, "mlp.yaml"));
        var newSpec = Path.Combine(specs, "all-kinds.yaml");
        File.Copy(Path.Combine(MnistGen.Tests.Shared.TestRepository.Root, "tests", "MnistGen.Generators.Tests", "TestData", "all-kinds.yaml"), newSpec);

        Build(project, restore: true);
        var withSpec = Registry(project);
        Assert.Equal(["all-kinds", "mlp"], withSpec.Select(a => a.Id));

        var allKinds = withSpec[0];
        Assert.Equal(("AllKinds", 7850L, 84256L), (allKinds.Name, allKinds.Summary.TotalParameters, allKinds.Summary.TotalMacs));
        RunForwardAndBackward(allKinds);

        File.Delete(newSpec);
        Build(project, restore: false);
        Assert.Equal(["mlp"], Registry(project).Select(a => a.Id));
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

    private void Build(string project, bool restore)
    {
        // No build servers: nothing may outlive the test. The repository's own projects (Core, the generator)
        // are referenced in place and are already built, so only the scratch project compiles.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = _scratch,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "build", project, "-nologo", "-v:q", "-nodeReuse:false", "-p:UseSharedCompilation=false",
                     $"-p:MnistGenRoot={MnistGen.Tests.Shared.TestRepository.Root}/", restore ? "-restore" : "--no-restore",
                 })
        {
            start.ArgumentList.Add(argument);
        }
        // The test host's MSBuild variables would point the child build at the wrong SDK pieces.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(5)), "dotnet build took longer than 5 minutes");
        Assert.True(process.ExitCode == 0, $"dotnet build failed ({process.ExitCode}):\n{output.Result}\n{errors.Result}");
    }
}
