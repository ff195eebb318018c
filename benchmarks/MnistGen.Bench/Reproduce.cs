using System.Diagnostics;
using System.Globalization;
using System.Text;
using MnistGen.Core.Training;
using MnistGen.Models;

namespace MnistGen.Bench;

/// <summary>
/// The tutorial's three recipes in full (their own epochs and hyper-parameters, evaluation after every epoch),
/// through the same pipeline as `mnistgen train`, recording wall time and RSS after every epoch.
/// </summary>
internal static class Reproduce
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(Options o)
    {
        var root = Orchestrator.RepositoryRoot();
        var md = new StringBuilder();
        md.AppendLine(Inv, $"# Reproduction of the tutorial, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Inv, $"{Machine.Cpu()}, {Environment.ProcessorCount} cores; threads: {(o.Threads.Length == 1 ? o.Threads[0].ToString(Inv) : "automatic (every core, the per-spec choice is in brackets)")}; one process for all three, so peak RSS is the process's high-water mark so far; runs written to runs/.");
        md.AppendLine();
        md.AppendLine("| spec | epochs | final test accuracy | best (epoch) | tutorial | wall time | s / epoch | peak RSS | RSS growth after epoch 2 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        var total = Stopwatch.StartNew();
        foreach (var arch in o.Archs)
        {
            var spec = Architectures.Find(arch).Value;
            using var data = Worker.Load(spec.Training.Dataset, o.Data);
            var rss = new List<double>();
            var clock = Stopwatch.StartNew();
            // One --threads value is used as given; otherwise the automatic choice, as `mnistgen train` makes it.
            var run = Trainer.Train(spec, data, new RunOptions(Threads: o.Threads.Length == 1 ? o.Threads[0] : 0, Device: DeviceRequest.Cpu, OutRoot: Path.Combine(root, "runs")),
                new TrainingCallbacks(OnEpoch: (r, _) =>
                {
                    rss.Add(Rss.CurrentMb());
                    Console.Error.WriteLine(string.Create(Inv, $"{arch} epoch {r.Epoch}: test accuracy {r.TestAccuracy:P2}, {r.Seconds:0.0} s, RSS {rss[^1]:0} MB"));
                }));
            var wall = clock.Elapsed.TotalSeconds;
            if (!run.IsOk) throw new OptionsException(string.Join(" ", run.Errors));
            var final = run.Value.Final!;
            var growth = rss.Count > 2 ? (rss[^1] - rss[1]) / rss[1] : double.NaN;
            md.AppendLine(Inv, $"| {arch} ({run.Value.Environment.Threads}t) | {run.Value.EpochsCompleted} | {final.TestAccuracy * 100:0.00}% | {final.BestTestAccuracy * 100:0.00}% ({final.BestEpoch}) | {spec.ExpectedAccuracy * 100:0.0}% | {wall:0} s | {wall / run.Value.EpochsCompleted:0.0} s | {Rss.PeakMb():0} MB | {growth * 100:+0.0;-0.0}% |");
            md.AppendLine(Inv, $"<!-- {arch} RSS per epoch (MB): {string.Join(" ", rss.Select(v => v.ToString("0", Inv)))}; run: {Path.GetRelativePath(root, run.Value.Directory!)} -->");
        }
        md.AppendLine();
        md.AppendLine(Inv, $"All recipes end to end: {total.Elapsed.TotalSeconds:0} s ({total.Elapsed.TotalMinutes:0.0} min).");
        var outPath = o.Out ?? Path.Combine(root, "benchmarks", "results", "reproduction-" + DateTime.UtcNow.ToString("yyyy-MM-dd", Inv) + ".md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        File.WriteAllText(outPath, md.ToString());
        Console.WriteLine(md);
        Console.WriteLine($"Wrote {outPath}.");
        return 0;
    }
}
