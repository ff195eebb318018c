using System.Globalization;

namespace MnistGen.Bench;

internal sealed class OptionsException(string message) : Exception(message);

/// <summary>The benchmark's command line: --name value pairs, all optional.</summary>
internal sealed record Options(
    string[] Archs,
    int[] Threads,
    int Steps,
    int Repeats,
    int PredictCalls,
    string Python,
    string[] Baselines,
    string? Out,
    string Data,
    bool Smoke,
    int EvalEvery = 50,
    int MaxSteps = 0)
{
    /// <summary>
    /// script-BLAS[-passive|-spin]: -passive runs PyTorch with OMP_WAIT_POLICY=PASSIVE; -spin adds
    /// GOMP_SPINCOUNT=TorchRuntime.SpinCount, the OpenMP setting mnistgen runs LibTorch with.
    /// </summary>
    public static readonly string[] AllBaselines =
        ["fast-openblas", "fast-openblas-passive", "fast-openblas-spin", "fast-reference", "tutorial-reference", "tutorial-openblas",
         "tutorial-openblas-passive"];

    public static Options Parse(string[] args)
    {
        var o = new Options(["mlp", "cnn-3x3", "cnn-5x5"], [1, 2], 200, 3, 1000, "/usr/bin/python3",
            ["fast-openblas", "fast-openblas-passive", "fast-openblas-spin", "fast-reference", "tutorial-reference"], null, Path.Combine("data", MnistGen.Core.Data.DatasetInfo.Mnist.Name), false);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new OptionsException($"{args[i]} needs a value.");
            int Int(string v) => int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n : throw new OptionsException($"'{v}' is not a positive whole number.");
            o = args[i] switch
            {
                "--archs" or "--arch" => o with { Archs = Value().Split(',') },
                "--threads" => o with { Threads = [.. Value().Split(',').Select(Int)] },
                "--steps" => o with { Steps = Int(Value()) },
                "--repeats" => o with { Repeats = Int(Value()) },
                "--predict-calls" => o with { PredictCalls = Int(Value()) },
                "--python" => o with { Python = Value() },
                "--baselines" => o with { Baselines = Value() is var v && v == "all" ? AllBaselines : v.Split(',') },
                "--out" => o with { Out = Value() },
                "--data" => o with { Data = Value() },
                "--eval-every" => o with { EvalEvery = Int(Value()) },
                "--max-steps" => o with { MaxSteps = Int(Value()) },
                "--smoke" => o with { Archs = ["mlp"], Threads = [1], Steps = 10, Repeats = 1, PredictCalls = 50, Baselines = ["fast-openblas-passive"], Smoke = true },
                _ => throw new OptionsException($"unknown option '{args[i]}' (see --help)."),
            };
        }
        foreach (var b in o.Baselines)
            if (!AllBaselines.Contains(b)) throw new OptionsException($"unknown baseline '{b}'; known: {string.Join(", ", AllBaselines)}, all.");
        return o;
    }

    public static int Help()
    {
        Console.WriteLine("""
            dotnet run -c Release --project benchmarks/MnistGen.Bench -- [options]          side-by-side run, writes benchmarks/results/<date>-<machine kind>.md
            dotnet run -c Release --project benchmarks/MnistGen.Bench -- reproduce [options] full tutorial recipes with per-epoch RSS
              --archs mlp,cnn-3x3,cnn-5x5   --threads 1,2   --steps 200 (per timed slice)   --repeats 3
              --predict-calls 1000   --baselines fast-openblas,fast-openblas-passive,fast-openblas-spin,fast-reference,tutorial-reference[,tutorial-openblas[-passive]] | all
              --python /usr/bin/python3   --data data/mnist   --out FILE   --smoke (seconds: mlp, 1 thread, 10 steps)
            dotnet run -c Release --project benchmarks/MnistGen.Bench -- whole [options]       whole processes, writes benchmarks/results/whole-<date>-<machine kind>.md
              --archs mlp,cnn-3x3,cnn-5x5   --repeats 3   --threads 1,2 (PyTorch's; default = torch's own)   --blas openblas,reference
              --precision fp32[,bf16] (each its own MnistGen side; fp32 passes no flag)
              --mnistgen PATH (default: publish Release ReadyToRun into benchmarks/.deps/mnistgen)   --data data/mnist   --out FILE
              --smoke (seconds: mlp once, PyTorch reference BLAS at 1 thread, the Debug build of the CLI)
            dotnet run -c Release --project benchmarks/MnistGen.Bench -- whole --recipes [options]  the tutorial's full recipes as whole processes,
                                                                                         writes benchmarks/results/recipes-<date>-<machine kind>.md
              `mnistgen train ARCH` (the spec's epochs) against `tutorial.py --recipe` (the tutorial's own code), final accuracies beside wall times
              --archs mlp,cnn-3x3,cnn-5x5   --repeats 1   --threads default (torch's own; or e.g. default,1,2)   --blas openblas (or reference, both)
              --precision fp32[,bf16]   --epochs N (both sides, instead of the spec's)   --mnistgen PATH   --data data/mnist   --out FILE
              --smoke (under a minute: mlp, --epochs 1 on both sides, reference BLAS, the Debug build of the CLI)
            dotnet run -c Release --project benchmarks/MnistGen.Bench -- serve-load [options]  mnistgen serve on loopback, writes benchmarks/results/serve-<date>.md
              --run DIR (repeatable; default: one epoch of mlp and cnn-5x5 trained first)   --clients 1,8,64   --workers 2 (or 1,2)
              --requests 5000 --seconds 15 (per level, whichever ends first)   --rss-requests 10000   --body json|png   --out FILE
              --smoke (seconds: one MLP epoch, 1 and 8 clients, 300 requests each; exit 1 on any failed request)
            dotnet run -c Release --project benchmarks/MnistGen.Bench -- tta [options]  time to 98/99/99.5% test accuracy, MnistGen beside PyTorch
              --archs fast   --threads 1   --eval-every 50 (steps)   --max-steps N (default: the spec's epochs)   --repeats 1
              --python /usr/bin/python3   --data data/mnist   --out FILE   --smoke (seconds: fast, 20 steps, evaluations every 10)
            """);
        return 0;
    }
}
