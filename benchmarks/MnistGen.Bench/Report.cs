using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MnistGen.Core.Runtime;

namespace MnistGen.Bench;

/// <summary>Turns the run's records into the results page: machine, raw numbers, ratios and the targets of issue 5.</summary>
internal static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Markdown(Options o, List<JsonObject> records, Dictionary<int, double> peaks, List<string> notes)
    {
        var md = new StringBuilder();
        var py = records.FirstOrDefault(r => (string?)r["side"] == "pytorch");
        md.AppendLine(Inv, $"# MnistGen benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(MachineLine());
        md.AppendLine(Inv, $"- MnistGen: .NET {Environment.Version}, TorchSharp {typeof(TorchSharp.torch).Assembly.GetName().Version} (LibTorch 2.10 CPU), OMP_WAIT_POLICY={Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") ?? "(unset)"} and GOMP_SPINCOUNT={Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") ?? "(unset)"} set by mnistgen.");
        if (py is not null) md.AppendLine(Inv, $"- PyTorch: {py["torch_version"]} from Debian, Python {py["python_version"]}; (a) `tutorial` = the tutorial's recipe (torchvision MNIST + DataLoader), (b) `fast` = preloaded tensors, randperm batches, no per-step sync; `-reference` = Debian's reference BLAS, `-openblas` = OpenBLAS loaded per process; `-passive` = OMP_WAIT_POLICY=PASSIVE, `-spin` = that and GOMP_SPINCOUNT as mnistgen sets it.");
        md.AppendLine(Inv, $"- Training: {o.Steps} steps per timed slice, median of {o.Repeats} slices after one warm-up slice, scaled to an epoch of 60,000 images; each side and thread count in its own process, alternating order; threads = intra-op threads.");
        md.AppendLine(Inv, $"- Compute floor = forward MACs x 3 (forward + backward) x 2 flops x 60,000 / the compute peak measured in this run at the same thread count.");
        md.AppendLine();

        md.AppendLine("## Compute peak (best of a 2048x2048 float32 GEMM, a 1x1 convolution and a 5x5 channels-last convolution, measured in this run, at the start and at the end)");
        md.AppendLine();
        md.AppendLine("| threads | GFLOP/s |");
        md.AppendLine("|---:|---:|");
        foreach (var (t, g) in peaks.OrderBy(p => p.Key)) md.AppendLine(Inv, $"| {t} | {g:0} |");
        md.AppendLine();

        var baselines = records.Where(r => (string?)r["side"] == "pytorch").Select(r => (string)r["baseline_id"]!).Distinct().ToArray();
        md.AppendLine("## Training: seconds per epoch (ratio MnistGen / other in brackets)");
        md.AppendLine();
        md.AppendLine("| arch | threads | MnistGen | " + string.Concat(baselines.Select(b => "PyTorch " + b + " | ")) + "floor | MnistGen / floor |");
        md.AppendLine("|---|---:|---:|" + string.Concat(baselines.Select(_ => "---:|")) + "---:|---:|");
        foreach (var arch in o.Archs)
            foreach (var t in o.Threads)
            {
                var mine = Find(records, "mnistgen", arch, t);
                var m = Epoch(mine);
                var floor = Floor(arch, peaks.GetValueOrDefault(t, double.NaN));
                var cells = baselines.Select(b => Epoch(Find(records, b, arch, t)) is var p && double.IsNaN(p) ? "-" : $"{p:0.00} ({m / p:0.00}x)");
                md.AppendLine(Inv, $"| {arch} | {t} | {m:0.00} | {string.Concat(cells.Select(c => c + " | "))}{floor:0.00} | {m / floor:0.00}x |");
            }
        md.AppendLine();

        md.AppendLine("## Best against best (each side at its best thread setting) and the targets");
        md.AppendLine();
        md.AppendLine("| arch | MnistGen best | strongest PyTorch | ratio | target | MnistGen / floor (its threads) | target |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        var checks = new List<string>();
        foreach (var arch in o.Archs)
        {
            var mine = Best(records.Where(r => (string?)r["side"] == "mnistgen" && (string?)r["arch"] == arch));
            var theirs = Best(records.Where(r => (string?)r["side"] == "pytorch" && (string?)r["arch"] == arch));
            if (mine is null) continue;
            var m = Epoch(mine);
            var mt = (int)mine["threads"]!;
            var ratioFloor = m / Floor(arch, peaks.GetValueOrDefault(mt, double.NaN));
            var (ratioTarget, floorTarget) = arch == "mlp" ? (0.7, double.NaN) : (0.5, 2.5);
            var theirsText = theirs is null ? "-" : $"{Epoch(theirs):0.00} s ({theirs["baseline_id"]}, {theirs["threads"]}t)";
            var ratio = theirs is null ? double.NaN : m / Epoch(theirs);
            md.AppendLine(Inv, $"| {arch} | {m:0.00} s ({mt}t) | {theirsText} | {(double.IsNaN(ratio) ? "-" : $"{ratio:0.00}x")} | <= {ratioTarget}x | {ratioFloor:0.00}x | {(double.IsNaN(floorTarget) ? "-" : $"<= {floorTarget}x")} |");
            if (!double.IsNaN(ratio)) checks.Add(Check($"{arch}: training epoch vs strongest PyTorch", ratio, ratioTarget, "x"));
            if (!double.IsNaN(floorTarget)) checks.Add(Check($"{arch}: training epoch vs compute floor ({mt} threads)", ratioFloor, floorTarget, "x"));
            if (arch == "mlp" && Best(records.Where(r => (string?)r["baseline_id"] == "tutorial-reference" && (string?)r["arch"] == arch)) is { } tutorial)
                checks.Add(Check("mlp: training epoch vs the tutorial recipe as Debian ships it", m / Epoch(tutorial), 0.1, "x"));
        }
        md.AppendLine();

        md.AppendLine("## Evaluation, predict latency, memory");
        md.AppendLine();
        md.AppendLine("| arch | threads | side | eval 10k (s) | predict p50 (us) | predict p90 (us) | peak RSS (MB) |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|");
        foreach (var r in records.OrderBy(r => (string?)r["arch"]).ThenBy(r => (int)r["threads"]!).ThenBy(r => (string?)r["side"]))
        {
            md.AppendLine(Inv, $"| {r["arch"]} | {r["threads"]} | {(string?)r["baseline_id"] ?? "MnistGen"} | {Num(r, "eval_seconds"):0.000} | {Num(r, "predict_p50_us"):0.0} | {Num(r, "predict_p90_us"):0.0} | {Num(r, "peak_rss_mb"):0} |");
            // The same module exported to ONNX, run by ONNX Runtime in the MnistGen worker (its RSS is the worker's, so not shown).
            if (r["onnx_eval_seconds"] is not null)
                md.AppendLine(Inv, $"| {r["arch"]} | {r["threads"]} | ONNX Runtime (export) | {Num(r, "onnx_eval_seconds"):0.000} | {Num(r, "onnx_predict_p50_us"):0.0} | {Num(r, "onnx_predict_p90_us"):0.0} | - |");
        }
        md.AppendLine();
        foreach (var arch in o.Archs)
        {
            var mine = records.Where(r => (string?)r["side"] == "mnistgen" && (string?)r["arch"] == arch).ToArray();
            if (mine.Length == 0) continue;
            checks.Add(Check($"{arch}: evaluation of the 10k test images", mine.Min(r => Num(r, "eval_seconds")), 1.0, " s"));
            if (arch == "mlp") checks.Add(Check("mlp: single-image predict p50", mine.Min(r => Num(r, "predict_p50_us")), 20, " us"));
            if (arch == "cnn-5x5") checks.Add(Check("cnn-5x5: single-image predict p50", mine.Min(r => Num(r, "predict_p50_us")), 200, " us"));
            checks.Add(Check($"{arch}: peak RSS of a training process", mine.Max(r => Num(r, "peak_rss_mb")), 1024, " MB"));
        }

        md.AppendLine("## Targets (issue 5)");
        md.AppendLine();
        foreach (var c in checks) md.AppendLine("- " + c);
        md.AppendLine("- The full tutorial recipes end to end and RSS flatness across epochs: see the reproduction file (`reproduce` mode).");
        return Footer(md, notes);
    }

    /// <summary>The results files' machine line: <see cref="MachineFacts.Describe"/> (model, ISA, cores, threads per core, VM), memory, OS, load.</summary>
    public static string MachineLine() => string.Create(Inv,
        $"- Machine: {MachineFacts.Current.Describe()}, {Machine.MemoryGb():0} GiB; {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; load average at the end {Machine.Load()}.");

    /// <summary>Writes a results file and its raw records (the .jsonl beside it), and prints the report.</summary>
    public static void Write(string outPath, string report, IEnumerable<System.Text.Json.Nodes.JsonObject> records)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        File.WriteAllText(outPath, report);
        File.WriteAllLines(Path.ChangeExtension(outPath, ".jsonl"), records.Select(Json.Line));
        Console.WriteLine(report);
        Console.WriteLine($"Wrote {outPath} and {Path.ChangeExtension(outPath, ".jsonl")}.");
    }

    /// <summary>The end of every results file: the notes (what was not run, what failed) and where the raw records are.</summary>
    public static string Footer(StringBuilder md, IReadOnlyCollection<string> notes)
    {
        if (notes.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("## Notes");
            md.AppendLine();
            foreach (var n in notes) md.AppendLine("- " + n);
        }
        md.AppendLine();
        md.AppendLine("Raw records: the `.jsonl` file beside this one.");
        return md.ToString();
    }

    public static string Check(string what, double value, double limit, string unit) =>
        string.Create(Inv, $"{(value <= limit ? "met" : "MISSED")}: {what}: {value:0.###}{unit} (target <= {limit}{unit}{(value <= limit ? "" : $", off by {value / limit:0.00}x")})");

    private static JsonObject? Find(List<JsonObject> records, string side, string arch, int threads) =>
        records.FirstOrDefault(r => ((string?)r["baseline_id"] ?? (string?)r["side"]) == side && (string?)r["arch"] == arch && (int)r["threads"]! == threads);

    private static JsonObject? Best(IEnumerable<JsonObject> records) => records.MinBy(Epoch);

    private static double Epoch(JsonObject? r) => r is null ? double.NaN : Num(r, "train_epoch_seconds");

    public static double Num(JsonObject r, string key) => r[key] is JsonValue v && v.TryGetValue<double>(out var d) ? d : double.NaN;

    public static double Floor(string arch, double gflops) => Orchestrator.ForwardMacs(arch) * 3.0 * 2 * 60000 / (gflops * 1e9);
}

internal static class Machine
{
    public static string Cpu() => File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

    public static double MemoryGb() => File.Exists("/proc/meminfo")
        ? double.Parse(File.ReadLines("/proc/meminfo").First().Split(':')[1].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024 / 1024
        : double.NaN;

    public static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
