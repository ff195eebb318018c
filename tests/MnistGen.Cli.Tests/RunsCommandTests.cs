using System.Globalization;
using System.Text.Json;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using SkiaSharp;

namespace MnistGen.Cli.Tests;

/// <summary>
/// Two short MLP runs, trained once through the real command: one epoch on Fashion-MNIST (<c>--dataset</c>), and
/// two epochs on MNIST holding out 1,000 training images (<c>--validation</c>).
/// </summary>
public sealed class TwoRunsFixture : IDisposable
{
    public TwoRunsFixture()
    {
        OutRoot = Directory.CreateTempSubdirectory("mnistgen-runs-").FullName;
        FashionTrain = CliRunner.Run("train", "mlp", "--dataset", "fashion-mnist", "--epochs", "1", "--threads", "1",
            "--data", Repository.FashionDirectory, "--out", Path.Combine(OutRoot, "fashion"));
        ValidatedTrain = CliRunner.Run("train", "mlp", "--epochs", "2", "--validation", "1000", "--threads", "1",
            "--data", Repository.MnistDirectory, "--out", Path.Combine(OutRoot, "validated"));
        Fashion = Directory.GetDirectories(Path.Combine(OutRoot, "fashion", "mlp")).Single();
        Validated = Directory.GetDirectories(Path.Combine(OutRoot, "validated", "mlp")).Single();
    }

    public string OutRoot { get; }
    public CliOutcome FashionTrain { get; }
    public CliOutcome ValidatedTrain { get; }
    public string Fashion { get; }
    public string Validated { get; }

    public TrainingRun Read(string dir) => RunStore.ReadRun(dir).Value;

    public void Dispose() => Directory.Delete(OutRoot, recursive: true);
}

/// <summary>Data sets and runs through the command line: --dataset, compare, --validation with --weights best.</summary>
public sealed class RunsCommandTests(TwoRunsFixture runs) : IClassFixture<TwoRunsFixture>, IDisposable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly string _scratch = Directory.CreateTempSubdirectory("mnistgen-runs-scratch-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private static string Percent(double fraction) => (fraction * 100).ToString("0.00", Inv) + "%";

    [Fact]
    public void Train_dataset_fashion_mnist_records_it_and_eval_predict_and_export_use_it()
    {
        Assert.Equal(0, runs.FashionTrain.ExitCode);
        runs.FashionTrain.AssertNoStackTrace();
        Assert.Contains("on fashion-mnist", runs.FashionTrain.OutLines[0]);
        // The spec's 97.4% is MNIST's: nothing to compare a Fashion-MNIST run with.
        Assert.DoesNotContain("the spec expects", runs.FashionTrain.Out);
        var run = runs.Read(runs.Fashion);
        Assert.Equal(DatasetKind.FashionMnist, run.Config.Dataset);
        Assert.Contains("\"dataset\": \"fashion-mnist\"", File.ReadAllText(Path.Combine(runs.Fashion, "run.json")));
        var accuracy = run.Final!.TestAccuracy;
        // Fashion-MNIST after one epoch of the MLP: far from MNIST's 97%, far above chance.
        Assert.InRange(accuracy, 0.70, 0.92);

        // eval reads the data set from the run: the same accuracy as training's last test pass, clothing names per class.
        var eval = CliRunner.Run("eval", runs.Fashion, "--data", Repository.FashionDirectory, "--out", _scratch);
        Assert.Equal(0, eval.ExitCode);
        Assert.Matches($@"^mlp \(.*model\.bin\): test accuracy {Percent(accuracy)} \(\d+ of 10000\) on Fashion-MNIST, ", eval.OutLines[0]);
        foreach (var name in new[] { "0 (T-shirt/top)", "5 (Sandal)", "9 (Ankle boot)" }) Assert.Contains(name, eval.Out);
        using (var confusion = SKBitmap.Decode(Path.Combine(_scratch, "confusion.png"))) Assert.NotNull(confusion);

        // Test image 0 of Fashion-MNIST is an ankle boot.
        var predict = CliRunner.Run("predict", runs.Fashion, "--test-index", "0", "--data", Repository.FashionDirectory, "--out", _scratch);
        Assert.Equal(0, predict.ExitCode);
        Assert.Contains("test image #0 (label 9, Ankle boot): predicted", predict.Out);

        // The export says which normalisation the weights expect: Fashion-MNIST's.
        var target = Path.Combine(_scratch, "fashion.safetensors");
        Assert.Equal(0, CliRunner.Run("export", runs.Fashion, "--format", "safetensors", "--out", target).ExitCode);
        var header = File.ReadAllBytes(target);
        var length = (int)BitConverter.ToInt64(header, 0);
        using var json = JsonDocument.Parse(header.AsMemory(8, length));
        var metadata = json.RootElement.GetProperty("__metadata__");
        Assert.Equal("fashion-mnist", metadata.GetProperty("mnistgen.dataset").GetString());
        Assert.Equal("0.286", metadata.GetProperty("mnistgen.normalize_mean").GetString());
    }

    [Fact]
    public void Compare_prints_each_runs_numbers_and_draws_both_runs_curves_in_one_figure()
    {
        var figure = Path.Combine(_scratch, "cmp.png");
        var outcome = CliRunner.Run("compare", runs.Fashion, runs.Validated, "--out", figure);
        Assert.Equal(0, outcome.ExitCode);
        outcome.AssertNoStackTrace();

        foreach (var (dir, dataset, epochs) in new[] { (runs.Fashion, "fashion-mnist", "1"), (runs.Validated, "mnist", "2") })
        {
            var run = runs.Read(dir);
            var name = "mlp/" + Path.GetFileName(dir);
            var row = outcome.OutLines.Single(l => l.Contains(name, StringComparison.Ordinal));
            var cells = row.Split('│', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal([name, "mlp", dataset, epochs,
                $"{Percent(run.Final!.BestTestAccuracy)} ({run.Final.BestEpoch})", Percent(run.Final.TestAccuracy),
                run.Final.TotalSeconds.ToString("0.0", Inv) + " s", "109,386"], cells);
        }
        Assert.Contains($"Wrote {figure} (2 runs", outcome.Out);

        // One PNG, two panels; each run's colour is drawn (the first two of the palette).
        using var png = SKBitmap.Decode(figure);
        Assert.Equal(Plots.Figures.CompareWidth, png.Width);
        var palette = new ScottPlot.Palettes.Category10();
        foreach (var i in new[] { 0, 1 })
        {
            var colour = palette.GetColor(i).ToSKColor();
            var left = CountPixels(png, colour, 0, png.Width / 2);
            var right = CountPixels(png, colour, png.Width / 2, png.Width);
            Assert.True(left > 20 && right > 20, $"run {i}'s colour {colour}: {left} pixels in the accuracy panel, {right} in the loss panel");
        }
    }

    private static int CountPixels(SKBitmap png, SKColor colour, int fromX, int toX)
    {
        var n = 0;
        for (var y = 0; y < png.Height; y++)
            for (var x = fromX; x < toX; x++)
                if (png.GetPixel(x, y) == colour) n++;
        return n;
    }

    [Fact]
    public void Compare_names_every_path_that_is_not_a_run_exit_2_and_writes_nothing()
    {
        var missing = Path.Combine(_scratch, "nope");
        var notARun = Directory.CreateDirectory(Path.Combine(_scratch, "empty")).FullName;
        var figure = Path.Combine(_scratch, "cmp.png");
        var outcome = CliRunner.Run("compare", runs.Fashion, missing, notARun, "--out", figure);
        Assert.Equal(2, outcome.ExitCode);
        outcome.AssertNoStackTrace();
        Assert.Equal(2, outcome.ErrLines.Length);
        Assert.StartsWith($"error: {missing} does not exist", outcome.ErrLines[0]);
        Assert.StartsWith($"error: {Path.Combine(notARun, "run.json")} is missing", outcome.ErrLines[1]);
        Assert.False(File.Exists(figure));
    }

    [Fact]
    public void Validation_runs_record_validation_per_epoch_and_weights_best_loads_best_bin()
    {
        Assert.Equal(0, runs.ValidatedTrain.ExitCode);
        var run = runs.Read(runs.Validated);
        Assert.Equal(1000, run.ValidationCount);
        Assert.All(run.History, h => Assert.NotNull(h.ValidationAccuracy));
        var best = run.Best!;
        Assert.Equal(run.History.Max(h => h.ValidationAccuracy!.Value), best.ValidationAccuracy);
        Assert.Contains($"Best validation accuracy {Percent(best.ValidationAccuracy)} at epoch {best.Epoch}", runs.ValidatedTrain.Out);
        Assert.True(File.Exists(Path.Combine(runs.Validated, "best.bin")));

        var eval = CliRunner.Run("eval", runs.Validated, "--weights", "best", "--data", Repository.MnistDirectory, "--out", _scratch);
        Assert.Equal(0, eval.ExitCode);
        Assert.Contains($"({Path.Combine(runs.Validated, "best.bin")}): test accuracy {Percent(run.History[best.Epoch - 1].TestAccuracy)} (", eval.Out);
        var predict = CliRunner.Run("predict", runs.Validated, "--weights", "best", "--test-index", "0", "--data", Repository.MnistDirectory, "--out", _scratch);
        Assert.Equal(0, predict.ExitCode);
        Assert.Contains("test image #0 (label 7): predicted 7", predict.Out);
    }

    [Fact]
    public void Weights_best_of_a_run_without_validation_is_one_line_naming_the_run()
    {
        foreach (var args in new[]
                 {
                     new[] { "eval", runs.Fashion, "--weights", "best", "--data", Repository.FashionDirectory },
                     ["export", runs.Fashion, "--format", "pytorch", "--weights", "best", "--out", Path.Combine(_scratch, "m.pt")],
                 })
        {
            var outcome = CliRunner.Run(args);
            outcome.AssertOneLineBadInput($"{runs.Fashion} has no best.bin: it was trained without --validation");
        }
        Assert.False(File.Exists(Path.Combine(_scratch, "m.pt")));
    }
}
