using System.Diagnostics;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Models;
using static TorchSharp.torch;

namespace MnistGen.Cli.Tests.Interop;

/// <summary>
/// Real PyTorch (Debian's python3-torch, run as /usr/bin/python3) writes random weights of the tutorial's
/// networks written by hand, and the outputs they give on one input batch; the tests import, export and
/// check against it. ./test.sh installs python3-torch.
/// </summary>
public sealed class TorchSide : IDisposable
{
    public const string Python = "/usr/bin/python3";
    public static string Script => Path.Combine(Repository.Root, "tests", "MnistGen.Cli.Tests", "Interop", "torch_side.py");

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "mnistgen-torch-" + Guid.NewGuid().ToString("N"));
    public string EvilMarker => Path.Combine(Directory, "pwned");

    public TorchSide()
    {
        System.IO.Directory.CreateDirectory(Directory);
        Run("save", Directory);
    }

    /// <summary>Runs the PyTorch side; a failure (no python3-torch, a load_state_dict that refuses) fails the test with its output.</summary>
    public string Run(params string[] args)
    {
        if (!File.Exists(Python))
            Assert.Fail($"{Python} is missing: the interop tests need Debian's python3-torch ('apt-get install python3-torch', which ./test.sh does).");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment["EVIL_MARKER"] = EvilMarker;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"python3 {string.Join(' ', args)} failed ({process.ExitCode}): {stderr}");
        return stdout.Result;
    }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public static float[] ReadFloats(string path)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}

public sealed class InteropTests(TorchSide torch, TrainedMlpFixture trained) : IClassFixture<TorchSide>, IClassFixture<TrainedMlpFixture>, IDisposable
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), "mnistgen-interop-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
    }

    private string Import(string arch, string file)
    {
        var outcome = CliRunner.Run("import", arch, file, "--out", _scratch);
        Assert.True(outcome.ExitCode == 0, outcome.Err);
        return Directory.GetDirectories(Path.Combine(_scratch, arch)).Single();
    }

    /// <summary>TorchSharp's log-probabilities for the shared input batch.</summary>
    private float[] TorchSharpOutputs(string runDirectory)
    {
        using var model = ModelLoader.Load(runDirectory, Architectures.Find).Value;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var input = tensor(TorchSide.ReadFloats(torch.PathOf("input.f32")), [64, 1, 28, 28]);
        return model.Module.forward(input).contiguous().data<float>().ToArray();
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5, $"{what}: largest difference {worst}");
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn-3x3")]
    [InlineData("cnn-5x5")]
    public void Weights_saved_by_pytorch_import_and_export_back_to_the_same_outputs(string arch)
    {
        var run = Import(arch, torch.PathOf(arch + ".pt"));
        var ours = TorchSharpOutputs(run);
        AssertClose(TorchSide.ReadFloats(torch.PathOf(arch + ".out.f32")), ours, $"{arch}: TorchSharp after import vs PyTorch");

        foreach (var format in new[] { "pytorch", "safetensors" })
        {
            var file = Path.Combine(_scratch, $"{arch}.{format}" + (format == "pytorch" ? ".pt" : ".safetensors"));
            var export = CliRunner.Run("export", run, "--format", format, "--out", file);
            Assert.True(export.ExitCode == 0, export.Err);
            var printed = torch.Run("check", torch.Directory, arch, file);
            AssertClose(ours, TorchSide.ReadFloats(file + ".out.f32"), $"{arch}: PyTorch's load_state_dict of the {format} export vs TorchSharp");
            if (format == "safetensors")
            {
                Assert.Contains($"\"mnistgen.spec\": \"{arch}\"", printed);
                Assert.Contains("\"mnistgen.normalize_mean\": \"0.1307\"", printed);
                Assert.Contains("\"mnistgen.normalize_std\": \"0.3081\"", printed);
            }
        }
    }

    [Fact]
    public void A_trained_run_exported_to_pytorch_has_the_same_test_accuracy_there()
    {
        var file = Path.Combine(_scratch, "trained.pt");
        Directory.CreateDirectory(_scratch);
        Assert.Equal(0, CliRunner.Run("export", trained.RunDirectory, "--format", "pytorch", "--out", file).ExitCode);

        var correct = int.Parse(torch.Run("accuracy", "mlp", file, Repository.MnistDirectory).Trim(), System.Globalization.CultureInfo.InvariantCulture);

        var eval = CliRunner.Run("eval", trained.RunDirectory, "--data", Repository.MnistDirectory, "--out", _scratch);
        var ours = int.Parse(System.Text.RegularExpressions.Regex.Match(eval.Out, @"\((\d+) of 10000\)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(correct > 9000, $"PyTorch counts {correct} correct");
        Assert.InRange(correct, ours - 1, ours + 1); // identical weights; at most one argmax tie may fall the other way
    }

    [Fact]
    public void An_imported_run_evaluates_like_any_run_but_cannot_be_resumed()
    {
        var run = Import("mlp", torch.PathOf("mlp.pt"));

        var eval = CliRunner.Run("eval", run, "--data", Repository.MnistDirectory, "--out", _scratch);
        Assert.True(eval.ExitCode == 0, eval.Err);
        Assert.Matches(@"^mlp \(.*model\.bin\): test accuracy \d+\.\d\d% \(\d+ of 10000\)", eval.OutLines[0]);

        CliRunner.Run("train", "--resume", run, "--data", Repository.MnistDirectory).AssertOneLineBadInput(
            $"{run} was imported from {torch.PathOf("mlp.pt")}: it has weights but no training history or optimizer state to resume");
    }

    [Fact]
    public void Weights_pytorch_saved_channels_last_are_read_by_their_strides()
    {
        var run = Import("cnn-5x5", torch.PathOf("cnn-5x5-channels-last.pt"));
        AssertClose(TorchSide.ReadFloats(torch.PathOf("cnn-5x5.out.f32")), TorchSharpOutputs(run), "channels-last import");
    }

    [Fact]
    public void A_pickle_that_would_run_a_command_is_refused_and_never_run()
    {
        var outcome = CliRunner.Run("import", "mlp", torch.PathOf("evil.pt"), "--out", _scratch);

        outcome.AssertOneLineBadInput($"{torch.PathOf("evil.pt")} is not a PyTorch state_dict file: its pickle calls posix.system, which is refused and never run");
        Assert.False(File.Exists(torch.EvilMarker), "the pickle's command ran");
        Assert.False(Directory.Exists(_scratch));
    }

    [Fact]
    public void Weights_of_another_architecture_are_refused_listing_every_mismatch()
    {
        var outcome = CliRunner.Run("import", "mlp", torch.PathOf("cnn-3x3.pt"), "--out", _scratch);

        outcome.AssertOneLineBadInput($"{torch.PathOf("cnn-3x3.pt")} does not fit architecture 'mlp' (specs/mlp.yaml): fc1.weight has shape [128, 1600], expected [128, 784]; ");
        foreach (var part in new[] { "missing key fc3.weight (F32 [10, 64])", "missing key fc3.bias (F32 [10])", "unexpected key conv1.weight (F32 [32, 1, 3, 3])", "unexpected key conv2.bias (F32 [64])" })
            Assert.Contains(part, outcome.Err);
        Assert.False(Directory.Exists(_scratch));
    }

    [Fact]
    public void Float64_weights_are_refused_saying_how_to_convert_them()
    {
        var outcome = CliRunner.Run("import", "mlp", torch.PathOf("mlp-f64.pt"), "--out", _scratch);
        outcome.AssertOneLineBadInput("'fc1.bias' (DoubleStorage), 'fc1.weight' (DoubleStorage), 'fc2.bias' (DoubleStorage)");
        Assert.Contains("are not float32, which MnistGen models hold (convert with model.float() before saving)", outcome.Err);
    }

    [Theory]
    [InlineData("empty.pt", 0, "is not a PyTorch state_dict file: it is empty")]
    [InlineData("truncated.pt", 4000, "is not a PyTorch state_dict file: it is damaged or truncated")]
    [InlineData("empty.safetensors", 0, "is not a valid safetensors file: it is 0 bytes long")]
    [InlineData("truncated.safetensors", 300, "is not a valid safetensors file: its header claims")]
    public void Empty_and_truncated_files_are_one_line_exit_2(string name, int keep, string expected)
    {
        Directory.CreateDirectory(_scratch);
        var source = name.EndsWith(".pt", StringComparison.Ordinal) ? torch.PathOf("mlp.pt") : ExportSafetensors();
        var file = Path.Combine(_scratch, name);
        File.WriteAllBytes(file, File.ReadAllBytes(source)[..keep]);
        var before = Directory.GetFileSystemEntries(_scratch).Length;

        var outcome = CliRunner.Run("import", "mlp", file, "--out", _scratch);

        outcome.AssertOneLineBadInput(file + " " + expected);
        Assert.Equal(before, Directory.GetFileSystemEntries(_scratch).Length);
    }

    [Fact]
    public void A_file_in_neither_format_is_named_as_such()
    {
        Directory.CreateDirectory(_scratch);
        var onnx = Path.Combine(_scratch, "model.onnx");
        File.WriteAllBytes(onnx, [8, 7, 18, 4, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

        CliRunner.Run("import", "mlp", onnx, "--out", _scratch).AssertOneLineBadInput(
            $"{onnx} is neither a PyTorch state_dict (.pt or .pth, as torch.save(model.state_dict(), path) writes it) nor a .safetensors file, the two formats import reads.");
        Assert.Single(Directory.GetFileSystemEntries(_scratch));
    }

    private string ExportSafetensors()
    {
        var file = Path.Combine(_scratch, "whole.safetensors");
        Assert.Equal(0, CliRunner.Run("export", trained.RunDirectory, "--format", "safetensors", "--out", file).ExitCode);
        return file;
    }

    [Fact]
    public void Export_refuses_an_unknown_format() =>
        CliRunner.Run("export", trained.RunDirectory, "--format", "keras").AssertOneLineBadInput("Unknown export format 'keras'; the formats are: pytorch, safetensors, onnx.");

    [Theory]
    [InlineData("pytorch")]
    [InlineData("safetensors")]
    [InlineData("onnx")]
    public void Export_refuses_a_missing_directory_and_a_run_without_a_completed_epoch(string format)
    {
        var missing = Path.Combine(_scratch, "no", "such", "dir", "m.out");
        CliRunner.Run("export", trained.RunDirectory, "--format", format, "--out", missing)
            .AssertOneLineBadInput($"{Path.Combine(_scratch, "no", "such", "dir")} does not exist");
        Assert.False(Directory.Exists(Path.Combine(_scratch, "no")));

        var fresh = Path.Combine(_scratch, "fresh");
        Directory.CreateDirectory(fresh);
        var run = RunStore.ReadRun(trained.RunDirectory).Value with { Checkpoint = null, History = [] };
        File.WriteAllBytes(Path.Combine(fresh, "run.json"), System.Text.Encoding.UTF8.GetBytes(RunJson.Serialize(run)));
        CliRunner.Run("export", fresh, "--format", format).AssertOneLineBadInput("has no checkpoint yet: no epoch of that run completed");
        Assert.Single(Directory.GetFiles(fresh));
    }
}
