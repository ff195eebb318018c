using System.Diagnostics;
using MnistGen.Core.Specs;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Tensor = TorchSharp.torch.Tensor;
using static TorchSharp.torch;

namespace MnistGen.Tests.Shared;

/// <summary>
/// The two outside judges of an exported .onnx file: ONNX Runtime (its outputs against TorchSharp's) and the
/// reference checker, <c>onnx.checker.check_model</c> of Debian's python3-onnx run with /usr/bin/python3.
/// </summary>
public static class OnnxCheck
{
    public const string Python = "/usr/bin/python3";

    public const int Images = 64;

    /// <summary>64 seeded pseudo-random normalised images, [64, 1, 28, 28] row-major (a spread like MNIST's after normalisation).</summary>
    public static float[] SeededInputs(int seed = 10)
    {
        var random = new Random(seed);
        var values = new float[Images * 28 * 28];
        for (var i = 0; i < values.Length; i++) values[i] = (float)(random.NextDouble() * 3.2 - 0.42);
        return values;
    }

    /// <summary>ONNX Runtime's output for <paramref name="inputs"/> ([batch, 1, 28, 28]).</summary>
    public static float[] Run(InferenceSession session, float[] inputs, int batch)
    {
        var tensor = new DenseTensor<float>(inputs, [batch, 1, 28, 28]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.Single(), tensor)]);
        return results.Single().AsEnumerable<float>().ToArray();
    }

    /// <summary>TorchSharp's output (eval mode, no grad) for the same inputs, in one batch.</summary>
    public static float[] Torch(nn.Module<Tensor, Tensor> module, float[] inputs)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        module.eval();
        return module.forward(tensor(inputs, [inputs.Length / 784, 1, 28, 28])).contiguous().data<float>().ToArray();
    }

    /// <summary>
    /// ONNX Runtime on the file equals TorchSharp's module within 1e-5, on 64 inputs run as one batch of 64 and as
    /// 64 batches of 1 (the batch dimension is dynamic); the output is named after what the spec ends in.
    /// </summary>
    public static void AssertSameOutputs(string onnxFile, ArchitectureSpec spec, nn.Module<Tensor, Tensor> module, float[] inputs)
    {
        var expected = Torch(module, inputs);
        using var session = new InferenceSession(onnxFile);
        var output = Assert.Single(session.OutputMetadata);
        Assert.Equal(spec.Output switch { OutputKind.LogProbabilities => "log_probabilities", OutputKind.Probabilities => "probabilities", _ => "logits" }, output.Key);
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal(("input", "N"), (input.Key, input.Value.SymbolicDimensions[0]));
        Assert.Equal([-1, 1, 28, 28], input.Value.Dimensions);

        AssertClose(expected, Run(session, inputs, Images), $"{spec.Id}: ONNX Runtime batch 64 vs TorchSharp");
        var oneByOne = new List<float>();
        for (var i = 0; i < Images; i++) oneByOne.AddRange(Run(session, inputs[(i * 784)..((i + 1) * 784)], 1));
        AssertClose(expected, [.. oneByOne], $"{spec.Id}: ONNX Runtime batch 1 vs TorchSharp");
    }

    public static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        var worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5, $"{what}: largest difference {worst}");
    }

    /// <summary>onnx.checker.check_model (full check, with shape inference) passes; prints the opset and node count.</summary>
    public static string AssertCheckerPasses(string onnxFile)
    {
        if (!File.Exists(Python))
            Assert.Fail($"{Python} is missing: the ONNX tests need Debian's python3-onnx ('apt-get install python3-onnx').");
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("""
            import sys
            try:
                import onnx
            except ImportError:
                sys.exit("python3-onnx is not installed: the ONNX tests need it ('apt-get install python3-onnx')")
            model = onnx.load(sys.argv[1])
            onnx.checker.check_model(model, full_check=True)
            print("ok opset", model.opset_import[0].version, "nodes", len(model.graph.node))
            """);
        start.ArgumentList.Add(onnxFile);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"onnx.checker.check_model refused {onnxFile} ({process.ExitCode}): {stderr}");
        Assert.StartsWith("ok opset 13 ", stdout.Result);
        return stdout.Result;
    }
}
