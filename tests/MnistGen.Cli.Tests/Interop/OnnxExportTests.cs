using System.Globalization;
using System.IO.Compression;
using System.Text.RegularExpressions;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Interop;
using MnistGen.Models;
using MnistGen.Tests.Shared;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace MnistGen.Cli.Tests.Interop;

/// <summary>
/// <c>mnistgen export RUN --format onnx</c>, judged from outside: onnx.checker (python3-onnx) accepts every file,
/// ONNX Runtime gives TorchSharp's outputs within 1e-5 at batch 1 and 64, and an app that has only ONNX Runtime
/// (plus Core's pure-C# preprocessing) predicts what <c>mnistgen predict</c> does. Runs come from <c>mnistgen
/// import</c> of a safetensors file of freshly initialised weights (no training) and from the one-epoch MLP.
/// </summary>
public sealed class OnnxExportTests(TrainedMlpFixture trained) : IClassFixture<TrainedMlpFixture>, IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("mnistgen-onnx-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    /// <summary>A run directory of <paramref name="arch"/> with seeded random weights, made the way a user imports weights.</summary>
    private string RandomRun(string arch)
    {
        var spec = Architectures.Find(arch).Value;
        manual_seed(3);
        using var module = spec.Create();
        var file = Path.Combine(_scratch, arch + ".safetensors");
        File.WriteAllBytes(file, SafeTensors.Write(StateDict.Extract(module), new Dictionary<string, string>()));
        var outcome = CliRunner.Run("import", arch, file, "--out", _scratch);
        Assert.True(outcome.ExitCode == 0, outcome.Err);
        return Directory.GetDirectories(Path.Combine(_scratch, arch)).Single();
    }

    private string ExportOnnx(string run, string name)
    {
        var file = Path.Combine(_scratch, name + ".onnx");
        var outcome = CliRunner.Run("export", run, "--format", "onnx", "--out", file);
        Assert.True(outcome.ExitCode == 0, outcome.Err);
        Assert.StartsWith($"Wrote {file} (onnx, opset 13: input 'input' [N, 1, 28, 28], output 'log_probabilities' [N, 10]; ", outcome.OutLines.Single());
        return file;
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn-3x3")]
    [InlineData("cnn-5x5")]
    public void Onnx_runtime_gives_torchsharps_outputs_and_the_checker_accepts_the_file(string arch)
    {
        var run = RandomRun(arch);
        var file = ExportOnnx(run, arch);

        OnnxCheck.AssertCheckerPasses(file);
        using var model = ModelLoader.Load(run, Architectures.Find).Value;
        OnnxCheck.AssertSameOutputs(file, model.Spec, model.Module, OnnxCheck.SeededInputs());

        using var session = new InferenceSession(file);
        var metadata = session.ModelMetadata.CustomMetadataMap;
        Assert.Equal((arch, model.Spec.SpecHash, "mnist", "0.1307", "0.3081"),
            (metadata["mnistgen.spec"], metadata["mnistgen.spec_hash"], metadata["mnistgen.dataset"], metadata["mnistgen.normalize_mean"], metadata["mnistgen.normalize_std"]));
        Assert.False(metadata.ContainsKey("format"));
        Assert.False(metadata.ContainsKey("mnistgen.test_accuracy")); // an imported run was never evaluated
    }

    [Fact]
    public void A_trained_run_records_its_test_accuracy_and_gives_the_same_test_accuracy_in_onnx_runtime()
    {
        var file = ExportOnnx(trained.RunDirectory, "trained");
        OnnxCheck.AssertCheckerPasses(file);

        using var session = new InferenceSession(file);
        var accuracy = trained.Run.Final!.TestAccuracy;
        Assert.Equal(accuracy.ToString("R", CultureInfo.InvariantCulture), session.ModelMetadata.CustomMetadataMap["mnistgen.test_accuracy"]);

        // The whole test split through ONNX Runtime alone, preprocessed from the raw IDX bytes.
        var (images, labels) = MnistTest();
        var correct = 0;
        for (var start = 0; start < labels.Length; start += 500)
        {
            var batch = new float[500 * 784];
            for (var i = 0; i < batch.Length; i++) batch[i] = (float)((images[start * 784 + i] / 255.0 - 0.1307) / 0.3081);
            var scores = OnnxCheck.Run(session, batch, 500);
            for (var i = 0; i < 500; i++) if (ArgMax(scores.AsSpan(i * 10, 10)) == labels[start + i]) correct++;
        }
        Assert.InRange(correct / 10000.0, accuracy - 0.0002, accuracy + 0.0002); // identical weights: an argmax tie at most may differ
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(247)]
    public void An_app_with_onnx_runtime_alone_predicts_what_mnistgen_predict_does(int index)
    {
        var file = ExportOnnx(trained.RunDirectory, "app");
        var (images, _) = MnistTest();

        var (digit, probability) = OnnxDigitApp.Predict(file, images.AsSpan(index * 784, 784), 28, 28);

        var predict = CliRunner.Run("predict", trained.RunDirectory, "--test-index", index.ToString(CultureInfo.InvariantCulture),
            "--data", Repository.MnistDirectory, "--out", _scratch);
        Assert.True(predict.ExitCode == 0, predict.Err);
        var printed = Regex.Match(predict.Out, @"predicted (\d) with probability (\d\.\d{4})");
        Assert.True(printed.Success, predict.Out);
        Assert.Equal(printed.Groups[1].Value, digit.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(printed.Groups[2].Value, probability.ToString("0.0000", CultureInfo.InvariantCulture));
    }

    private static int ArgMax(ReadOnlySpan<float> scores)
    {
        var best = 0;
        for (var c = 1; c < scores.Length; c++) if (scores[c] > scores[best]) best = c;
        return best;
    }

    /// <summary>The MNIST test split's raw pixels (10000 x 784 bytes) and labels, straight from the IDX files.</summary>
    private static (byte[] Images, byte[] Labels) MnistTest()
    {
        static byte[] Read(string name, int header)
        {
            var plain = Path.Combine(Repository.MnistDirectory, name);
            if (File.Exists(plain)) return File.ReadAllBytes(plain)[header..];
            using var gzip = new GZipStream(File.OpenRead(plain + ".gz"), CompressionMode.Decompress);
            using var memory = new MemoryStream();
            gzip.CopyTo(memory);
            return memory.ToArray()[header..];
        }
        return (Read("t10k-images-idx3-ubyte", 16), Read("t10k-labels-idx1-ubyte", 8));
    }
}

/// <summary>
/// What an app ships instead of LibTorch: the exported model.onnx and Microsoft.ML.OnnxRuntime. Word for word the
/// snippet of docs/interop.md (DocsTests compares them); nothing here touches TorchSharp (ImagePreprocessor is pure C#).
/// </summary>
internal static class OnnxDigitApp
{
    public static (int Digit, float Probability) Predict(string modelPath, ReadOnlySpan<byte> grayscale, int width, int height)
    {
        using var session = new InferenceSession(modelPath);
        var meta = session.ModelMetadata.CustomMetadataMap;
        var mean = double.Parse(meta["mnistgen.normalize_mean"], CultureInfo.InvariantCulture);
        var std = double.Parse(meta["mnistgen.normalize_std"], CultureInfo.InvariantCulture);

        // Any size, white-on-black or black-on-white: scaled, fitted to 28x28 like MNIST, normalised.
        var image = ImagePreprocessor.FromGrayscale(grayscale, width, height, mean, std).Value;
        var input = new DenseTensor<float>(image.Pixels.ToArray(), [1, 1, 28, 28]);

        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        var output = results.Single(); // log_probabilities, probabilities or logits: see its name
        var scores = output.AsEnumerable<float>().ToArray();
        var probabilities = output.Name switch
        {
            "log_probabilities" => scores.Select(MathF.Exp).ToArray(),
            "probabilities" => scores,
            _ => Softmax(scores),
        };
        var digit = Array.IndexOf(probabilities, probabilities.Max());
        return (digit, probabilities[digit]);
    }

    private static float[] Softmax(float[] logits)
    {
        var max = logits.Max();
        var exp = logits.Select(l => MathF.Exp(l - max)).ToArray();
        var sum = exp.Sum();
        return [.. exp.Select(e => e / sum)];
    }
}
