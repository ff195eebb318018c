using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MnistGen.Core.Data;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Interop;
using MnistGen.Core.Runtime;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;
using Tensor = TorchSharp.torch.Tensor;
using RunOptions = MnistGen.Core.Training.RunOptions;

namespace MnistGen.Bench;

/// <summary>What one worker process measures for one architecture at one thread count (MnistGen's side).</summary>
internal static class Measurements
{
    /// <summary>
    /// Training seconds per epoch from timed slices of the real pipeline: the trainer runs on a training split cut
    /// to <paramref name="steps"/> batches, so each of its epochs is one slice (shuffle, dispose scopes, optimizer
    /// step and all); the first slice warms up and is dropped. The test split is cut to one batch so the per-epoch
    /// evaluation the trainer does costs next to nothing.
    /// </summary>
    public static JsonObject Measure(ArchitectureSpec spec, Dataset data, int threads, int steps, int repeats, int predictCalls)
    {
        var record = new JsonObject
        {
            ["schema"] = "mnistgen.bench/1",
            ["side"] = "mnistgen",
            ["arch"] = spec.Id,
            ["threads"] = threads,
            ["batch_size"] = spec.Training.BatchSize,
        };
        var batch = spec.Training.BatchSize;
        var sliceImages = Math.Min(steps * batch, data.Train.Count);
        using var trainImages = data.Train.Images.narrow(0, 0, sliceImages);
        using var trainLabels = data.Train.Labels.narrow(0, 0, sliceImages);
        using var testImages = data.Test.Images.narrow(0, 0, batch);
        using var testLabels = data.Test.Labels.narrow(0, 0, batch);
        var sliced = new Dataset(data.Kind, new DataSplit(trainImages, trainLabels), new DataSplit(testImages, testLabels), data.Mean, data.Std);

        var cpu = new List<double>();
        var lastCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var rss = new List<double>();
        var run = Trainer.Train(spec, sliced, new RunOptions(Epochs: repeats + 1, Threads: threads, Device: DeviceRequest.Cpu, Persist: false),
            new TrainingCallbacks(OnEpoch: (_, _) =>
            {
                var now = Process.GetCurrentProcess().TotalProcessorTime;
                cpu.Add((now - lastCpu).TotalSeconds);
                lastCpu = now;
                rss.Add(Rss.CurrentMb());
            }));
        if (!run.IsOk) throw new InvalidOperationException(string.Join(" ", run.Errors));
        var stepsPerEpoch = (int)Math.Ceiling(data.Train.Count / (double)batch);
        var slices = run.Value.History.Skip(1).Select(r => r.Seconds).ToArray();
        var scale = stepsPerEpoch / (double)Math.Ceiling(sliceImages / (double)batch);
        record["steps_per_slice"] = (int)Math.Ceiling(sliceImages / (double)batch);
        record["slice_seconds"] = Json.Array(slices);
        record["train_epoch_seconds"] = Stats.Median(slices) * scale;
        record["train_epoch_seconds_min"] = slices.Min() * scale;
        record["train_epoch_cpu_seconds"] = Stats.Median(cpu.Skip(1).ToArray()) * scale;
        record["rss_after_slice_mb"] = Json.Array(rss.ToArray());

        // A trained-for-a-moment model for evaluation and predict (timings do not depend on the weights).
        using var module = spec.Create();
        module.eval();
        var evalSeconds = new List<double>();
        foreach (var evalBatch in new[] { 256 })
            for (var r = 0; r < repeats; r++)
            {
                var clock = Stopwatch.StartNew();
                var result = Evaluator.Evaluate(module, data.Test, evalBatch, spec.Training.Loss, worstCount: 0);
                evalSeconds.Add(clock.Elapsed.TotalSeconds);
                GC.KeepAlive(result);
            }
        record["eval_seconds"] = Stats.Median([.. evalSeconds]);
        record["eval_batch_size"] = 256;

        using var image = data.Test.Images[0].unsqueeze(0);
        for (var i = 0; i < 50; i++) _ = Predictor.Predict(module, image);
        var latencies = new double[predictCalls];
        for (var i = 0; i < predictCalls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            var p = Predictor.Predict(module, image);
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1000;
            if (!p.IsOk) throw new InvalidOperationException(string.Join(" ", p.Errors));
        }
        Array.Sort(latencies);
        record["predict_p50_us"] = Stats.Percentile(latencies, 0.5);
        record["predict_p90_us"] = Stats.Percentile(latencies, 0.9);
        record["predict_calls"] = predictCalls;
        // Before ONNX Runtime loads: the peak of training and TorchSharp's evaluation alone.
        record["peak_rss_mb"] = Rss.PeakMb();
        MeasureOnnxRuntime(record, spec, module, data, threads, repeats, predictCalls);
        return record;
    }

    /// <summary>
    /// The same module exported to ONNX (what <c>mnistgen export --format onnx</c> writes) and run by ONNX Runtime on
    /// the same thread count: the 10k evaluation (batches of 256, argmax counted so nothing is skipped) and the
    /// single-image latency (Run and the output read back), the pixels already normalised as for TorchSharp.
    /// </summary>
    private static void MeasureOnnxRuntime(JsonObject record, ArchitectureSpec spec, nn.Module<Tensor, Tensor> module, Dataset data, int threads, int repeats, int predictCalls)
    {
        var onnx = ModelInterop.ToOnnx(spec, module, new Dictionary<string, string>());
        if (!onnx.IsOk) throw new InvalidOperationException(string.Join(" ", onnx.Errors));
        using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        using var session = new InferenceSession(onnx.Value, options);
        var pixels = data.Test.Images.contiguous().data<float>().ToArray();
        var count = data.Test.Count;
        var size = pixels.Length / count;
        var shape = data.Test.Images.shape.Skip(1).Select(d => (int)d).ToArray();

        float[] Run(int start, int n)
        {
            var input = new DenseTensor<float>(pixels.AsMemory(start * size, n * size), [n, .. shape]);
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxGraphBuilder.InputName, input)]);
            return results.Single().AsEnumerable<float>().ToArray();
        }

        _ = Run(0, 256);
        var seconds = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            var clock = Stopwatch.StartNew();
            var argmax = 0L;
            for (var start = 0; start < count; start += 256)
            {
                var scores = Run(start, Math.Min(256, count - start));
                for (var i = 0; i < scores.Length; i += spec.Classes)
                {
                    var best = i;
                    for (var c = i + 1; c < i + spec.Classes; c++) if (scores[c] > scores[best]) best = c;
                    argmax += best - i;
                }
            }
            seconds.Add(clock.Elapsed.TotalSeconds);
            GC.KeepAlive(argmax);
        }
        record["onnx_eval_seconds"] = Stats.Median([.. seconds]);

        for (var i = 0; i < 50; i++) _ = Run(0, 1);
        var latencies = new double[predictCalls];
        for (var i = 0; i < predictCalls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            GC.KeepAlive(Run(0, 1));
            latencies[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1000;
        }
        Array.Sort(latencies);
        record["onnx_predict_p50_us"] = Stats.Percentile(latencies, 0.5);
        record["onnx_predict_p90_us"] = Stats.Percentile(latencies, 0.9);
    }

    /// <summary>
    /// The machine's compute peak at this thread count, measured now, in GFLOP/s: the best of a large float32
    /// matrix product (LibTorch's GEMM, MKL), a 1x1 convolution and a 5x5 channels-last convolution (oneDNN,
    /// which uses AVX-512 where MKL does not), whichever is fastest.
    /// </summary>
    public static (double Gflops, string Kernel) PeakGflops(int threads)
    {
        set_num_threads(threads);
        const int n = 2048;
        using var a = randn(n, n);
        using var b = randn(n, n);
        var gemm = Best(() => { using var c = a.mm(b); }, 2.0 * n * n * n);
        using var x = randn(32, 256, 28, 28);
        using var w = randn(256, 256, 1, 1);
        var conv = Best(() => { using var y = nn.functional.conv2d(x, w); }, 2.0 * 32 * 28 * 28 * 256 * 256);
        // oneDNN's channels-last direct convolutions reach more than either of the above here (a cnn-5x5 conv2
        // forward ran at 213 GFLOP/s on two threads where the GEMM gave 183), so the floor counts with the best.
        using var nchw = randn(64, 64, 20, 20);
        using var nhwc = TensorLayout.ChannelsLast(nchw);
        using var w5 = randn(64, 64, 5, 5);
        var direct = Best(() => { using var y = nn.functional.conv2d(nhwc, w5); }, 2.0 * 64 * 16 * 16 * 64 * 64 * 25);
        return new[] { (gemm, "2048x2048 GEMM"), (conv, "1x1 convolution, 256 to 256 channels, 32x28x28"),
            (direct, "5x5 channels-last convolution, 64 to 64 channels, 64x20x20") }.MaxBy(k => k.Item1);
    }

    private static double Best(Action work, double flops)
    {
        using var _ = no_grad();
        var best = 0.0;
        for (var i = 0; i < 8; i++)
        {
            var clock = Stopwatch.StartNew();
            work();
            best = Math.Max(best, flops / clock.Elapsed.TotalSeconds / 1e9);
        }
        return best;
    }
}

internal static class Stats
{
    public static double Median(double[] values)
    {
        if (values.Length == 0) return double.NaN;
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <param name="sorted">Ascending.</param>
    public static double Percentile(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
}

internal static class Rss
{
    public static double CurrentMb() => Read("VmRSS:");
    public static double PeakMb() => Read("VmHWM:");

    private static double Read(string key)
    {
        if (!File.Exists("/proc/self/status")) return double.NaN;
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? double.NaN : double.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
    }
}

internal static class Json
{
    public static JsonArray Array(double[] values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(Math.Round(v, 4)))]);
    public static string Line(JsonObject o) => o.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
