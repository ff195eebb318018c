using System.Globalization;
using MnistGen.Bench;
using MnistGen.Core.Runtime;

// mnistgen benchmark (issue 5). Modes:
//   (default)   the side-by-side run: MnistGen workers and PyTorch baselines alternately, one process each,
//               then benchmarks/results/<date>-<machine kind>.md with raw numbers and ratios
//   worker      one MnistGen measurement (an architecture at a thread count), one JSON line on stdout
//   peak        the GEMM peak in GFLOP/s at a thread count, one JSON line
//   reproduce   the full tutorial recipes with per-epoch RSS, for README's reproduction table
//   whole       whole processes as the user times them: `mnistgen train ARCH --epochs 1` from the published
//               binary against PyTorch's fast recipe, alternating, with MnistGen's start-up phases (issue 15);
//               `whole --recipes`: the tutorial's full recipes the same way, `mnistgen train ARCH` (the spec's epochs)
//               against the tutorial's own code (tutorial.py --recipe), wall times and final accuracies, all three end
//               to end; `--precision fp32,bf16` makes each precision its own MnistGen side in both
//   precision   bf16 (fp32 master weights) against fp32 training steps, alternating blocks in one process
//   tta         time to accuracy (issue 13): MnistGen and PyTorch train a spec, evaluating every K steps
//   tta-worker  the MnistGen side of one time-to-accuracy run, one JSON line on stdout
//   serve-load  mnistgen serve in a child process under loopback load (issue 11): req/s, p50/p99, RSS
TorchRuntime.PrepareProcess();
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
try
{
    return args.FirstOrDefault() switch
    {
        "worker" => Worker.Run(Options.Parse(args[1..])),
        "peak" => Worker.Peak(Options.Parse(args[1..])),
        "reproduce" => Reproduce.Run(Options.Parse(args[1..])),
        "serve-load" => ServeLoad.Run(args[1..]),
        "whole" => Whole.Run(Whole.Parse(args[1..])),
        "precision" => Precision.Run(Options.Parse(args[1..])),
        "tta" => TimeToAccuracyMode.Run(TimeToAccuracyMode.ParseOptions(args[1..])),
        "tta-worker" => TimeToAccuracyMode.Worker(Options.Parse(args[1..])),
        "--help" or "-h" => Options.Help(),
        _ => Orchestrator.Run(Options.Parse(args)),
    };
}
catch (OptionsException e)
{
    Console.Error.WriteLine("error: " + e.Message);
    return 2;
}
