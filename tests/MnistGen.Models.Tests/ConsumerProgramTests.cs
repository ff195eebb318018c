using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Training;
using MnistGen.Tests.Shared;

namespace MnistGen.Models.Tests;

/// <summary>
/// The program of src/MnistGen.Core/README.md, run as a consumer runs it: this project sees MnistGen.Core's public API
/// only (no InternalsVisibleTo), so a type or member the program needs going internal fails this build.
/// </summary>
public class ConsumerProgramTests
{
    private static readonly string ReadmePath = Path.Combine(TestRepository.Root, "src", "MnistGen.Core", "README.md");
    private static readonly string ThisFile = Path.Combine(TestRepository.Root, "tests", "MnistGen.Models.Tests", "ConsumerProgramTests.cs");

    [Fact]
    public void The_readme_program_trains_the_mlp_and_its_reloaded_checkpoint_scores_what_training_measured()
    {
        using var runs = new TempDirectory();
        var console = new StringWriter();

        // program:begin (the README's lines; only the data directory and the run options differ, marked)
        var spec = Mlp.Spec; // any class generated from specs/*.yaml, or Architectures.Find("mlp").Value
        using var data = DatasetLoader.LoadOrFetch(spec.Training.Dataset, DataDirectory(), notice: console.WriteLine).Value; // differs
        var progress = new TrainingCallbacks(OnEpoch: (epoch, _) =>
            console.WriteLine($"epoch {epoch.Epoch}: train loss {epoch.TrainLoss:F4}, test accuracy {epoch.TestAccuracy:P2}"));
        var run = Trainer.Train(spec, data, new RunOptions(Epochs: 1, OutRoot: runs.Path), progress).Value; // differs
        using var model = ModelLoader.Load(run, spec).Value;
        var result = Evaluator.Evaluate(model.Module, data.Test);
        console.WriteLine($"{spec.Name}: {result.Accuracy:P2} of {result.Count} test images; checkpoint in {run.Directory}");
        // program:end

        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal(10_000, result.Count);
        Assert.True(result.Accuracy > 0.85, $"one epoch of the MLP reached only {result.Accuracy:P2}");
        // The checkpoint read back scores exactly what the epoch's own test pass measured.
        Assert.Equal(run.Final!.TestAccuracy, result.Accuracy);
        Assert.StartsWith(runs.Path, run.Directory);
        var lines = console.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, l => l.StartsWith("epoch 1: train loss ", StringComparison.Ordinal));
        Assert.StartsWith("Mlp: ", lines[^1]);
    }

    [Fact]
    public void The_readme_shows_the_program_this_test_runs()
    {
        var readme = File.ReadAllText(ReadmePath);
        var start = readme.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        var shown = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)]
            .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !IsUsingDirective(l)).ToArray();

        var source = File.ReadAllText(ThisFile);
        var begin = source.IndexOf("// program:begin", StringComparison.Ordinal);
        var run = source[source.IndexOf('\n', begin)..source.IndexOf("// program:end", StringComparison.Ordinal)]
            .Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

        Assert.Equal(shown.Length, run.Length);
        foreach (var (readmeLine, testLine) in shown.Zip(run))
        {
            var tested = testLine.Replace("console.", "Console.", StringComparison.Ordinal);
            if (tested.EndsWith("// differs", StringComparison.Ordinal))
                // The same call; the test passes its own data directory and a one-epoch run into a temporary directory.
                Assert.Equal(readmeLine[..readmeLine.IndexOf('(')], tested[..tested.IndexOf('(')]);
            else
                Assert.Equal(readmeLine, tested);
        }
    }

    private static bool IsUsingDirective(string line) => line.StartsWith("using ", StringComparison.Ordinal) && !line.Contains('=');

    /// <summary>Where the test suite keeps MNIST: $MNISTGEN_DATA/mnist, else the repository's data/mnist (test.sh fetches it there).</summary>
    private static string DataDirectory() =>
        Path.Combine(Environment.GetEnvironmentVariable("MNISTGEN_DATA") is { Length: > 0 } root ? root : Path.Combine(TestRepository.Root, "data"), "mnist");

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("mnistgen-consumer-").FullName;

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
        }
    }
}
