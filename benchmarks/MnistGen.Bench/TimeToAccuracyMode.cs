using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MnistGen.Core.Data;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Runtime;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using MnistGen.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistGen.Bench;

/// <summary>
/// Time to accuracy (issue 13): seconds of training until the test accuracy first reaches 98%, 99% and 99.5%, for
/// MnistGen and for the same recipe in PyTorch (benchmarks/pytorch/tta.py), each side in a fresh process, the order
/// alternating between repeats. Both evaluate the whole test set every K steps; evaluations are off the clock.
/// </summary>
internal static class TimeToAccuracyMode
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public static readonly double[] Targets = [0.98, 0.99, 0.995];

    /// <summary>tta's defaults: the fast spec, one repeat; --smoke takes seconds (fast, 20 steps, an evaluation every 10).</summary>
    public static Options ParseOptions(string[] args)
    {
        var o = Options.Parse(args);
        if (o.Smoke) return o with { Archs = ["fast"], Repeats = 1, MaxSteps = 20, EvalEvery = 10 };
        return o with
        {
            Archs = args.Contains("--archs") || args.Contains("--arch") ? o.Archs : ["fast"],
            Threads = args.Contains("--threads") ? o.Threads : [1],
            Repeats = args.Contains("--repeats") ? o.Repeats : 1,
        };
    }

    public static int Run(Options o)
    {
        var root = Orchestrator.RepositoryRoot();
        var python = Orchestrator.PythonStatus(o.Python);
        var notes = new List<string>();
        if (python is not null) notes.Add("PyTorch side not run: " + python);
        var records = new List<JsonObject>();
        var flip = false;
        foreach (var arch in o.Archs)
            for (var r = 0; r < o.Repeats; r++)
            {
                var jobs = new List<Func<JsonObject?>> { () => Self(o, arch, notes) };
                if (python is null) jobs.Add(() => Python(o, root, arch, notes));
                if (flip) jobs.Reverse();
                flip = !flip;
                foreach (var job in jobs)
                    if (job() is { } record) records.Add(record);
            }
        var report = Markdown(o, records, notes);
        var outPath = o.Out ?? Path.Combine(root, "benchmarks", "results", (o.Smoke ? "smoke-" : "") + "time-to-accuracy-" + DateTime.UtcNow.ToString("yyyy-MM-dd", Inv) + ".md");
        Report.Write(outPath, report, records);
        return records.Count(r => (string?)r["side"] == "mnistgen") == o.Archs.Length * o.Repeats ? 0 : 1;
    }

    private static string[] Common(Options o, string arch) =>
        ["--arch", arch, "--threads", o.Threads[0].ToString(Inv), "--eval-every", o.EvalEvery.ToString(Inv),
         .. (o.MaxSteps > 0 ? new[] { "--max-steps", o.MaxSteps.ToString(Inv) } : [])];

    private static JsonObject? Self(Options o, string arch, List<string> notes)
    {
        Console.Error.WriteLine($"mnistgen  time to accuracy {arch} threads={o.Threads[0]}");
        var record = Orchestrator.RunProcess(Orchestrator.SelfCommand(), ["tta-worker", .. Common(o, arch), "--data", o.Data], null, out var error);
        if (record is null) notes.Add($"mnistgen {arch} failed: {error}");
        return record;
    }

    private static JsonObject? Python(Options o, string root, string arch, List<string> notes)
    {
        Console.Error.WriteLine($"pytorch   time to accuracy {arch} threads={o.Threads[0]}");
        // As the side-by-side run's -passive baselines: OpenMP threads sleep when idle.
        var env = new Dictionary<string, string?> { ["OMP_WAIT_POLICY"] = "PASSIVE", ["GOMP_SPINCOUNT"] = null };
        var record = Orchestrator.RunProcess([o.Python, Path.Combine(root, "benchmarks", "pytorch", "tta.py")], [.. Common(o, arch), "--data", o.Data], env, out var error);
        if (record is null) notes.Add($"pytorch {arch} failed: {error}");
        return record;
    }

    /// <summary>
    /// The MnistGen side: the spec's recipe through the pieces `mnistgen train` uses (seeded build, optimizer, loss,
    /// per-step schedule, augmenter, shuffle, a step in its own dispose scope), evaluating every K steps under no_grad.
    /// </summary>
    public static int Worker(Options o)
    {
        var found = Architectures.Find(o.Archs[0]);
        if (!found.IsOk) throw new OptionsException(string.Join(" ", found.Errors));
        var spec = found.Value;
        var config = spec.Training;
        using var data = MnistGen.Bench.Worker.Load(config.Dataset, o.Data);
        var threads = TorchRuntime.Initialize(o.Threads[0]);
        if (!threads.IsOk) throw new OptionsException(string.Join(" ", threads.Errors));

        var n = data.Train.Count;
        var batchSize = Math.Min(config.BatchSize, n);
        var batches = (n + batchSize - 1) / batchSize;
        var total = (long)batches * config.Epochs;
        var steps = o.MaxSteps > 0 ? Math.Min(total, o.MaxSteps) : total;
        manual_seed(config.Seed);
        using var module = spec.Create();
        using var optimizer = Optimizers.Create(config.Optimizer, module.parameters());
        var lossFn = Losses.For(config.Loss);
        var augmenter = config.Augment is { } augment ? new Augmenter(augment, -data.Mean / data.Std) : null;
        var evals = new List<AccuracyPoint>();
        var cpuSeconds = new List<double>(); // the process's CPU time in training steps, beside each evaluation
        var clock = new Stopwatch();
        var cpu = TimeSpan.Zero;
        using var self = Process.GetCurrentProcess();
        long step = 0;
        for (var epoch = 1; step < steps; epoch++)
        {
            manual_seed(Shuffle.DeriveSeed(config.Seed, epoch, Shuffle.Stream.Torch));
            augmenter?.StartEpoch(config.Seed, epoch);
            module.train();
            using var permutation = tensor(Shuffle.Permutation(config.Seed, epoch, n));
            for (var b = 0; b < batches && step < steps; b++)
            {
                self.Refresh();
                var cpuBefore = self.TotalProcessorTime;
                clock.Start();
                Optimizers.SetLearningRate(optimizer, LearningRateSchedule.AtStep(config.Schedule, config.Optimizer.Lr, step, batches, config.Epochs));
                _ = Trainer.Step(module, optimizer, lossFn, augmenter, data.Train, permutation, b * batchSize, Math.Min(batchSize, n - b * batchSize));
                clock.Stop();
                self.Refresh();
                cpu += self.TotalProcessorTime - cpuBefore;
                step++;
                if (step % o.EvalEvery == 0 || step == steps)
                {
                    var summary = Evaluator.Summarize(module, data.Test, 1000, config.Loss)!.Value;
                    evals.Add(new AccuracyPoint(step, clock.Elapsed.TotalSeconds, summary.Accuracy));
                    cpuSeconds.Add(cpu.TotalSeconds);
                    Console.Error.WriteLine(string.Create(Inv, $"  step {step}/{steps}: {clock.Elapsed.TotalSeconds:0.00} s, test accuracy {summary.Accuracy:0.0000}"));
                }
            }
        }
        Console.WriteLine(Json.Line(new JsonObject
        {
            ["schema"] = "mnistgen.tta/1", ["side"] = "mnistgen", ["arch"] = spec.Id, ["threads"] = threads.Value, ["seed"] = config.Seed,
            ["steps"] = steps, ["steps_per_epoch"] = batches, ["eval_every"] = o.EvalEvery,
            ["evals"] = new JsonArray([.. evals.Select((e, i) => (JsonNode)new JsonArray(e.Step, Math.Round(e.TrainSeconds, 3), e.Accuracy, Math.Round(cpuSeconds[i], 3)))]),
            ["torchsharp_version"] = typeof(torch).Assembly.GetName().Version?.ToString(), ["cpu"] = Machine.Cpu(),
        }));
        return 0;
    }

    /// <summary>
    /// The evaluations of a worker's record, in order: [step, wall seconds, accuracy, CPU seconds]; with
    /// <paramref name="cpu"/> the time is the process's CPU seconds in training steps, which a loaded machine inflates less.
    /// </summary>
    public static AccuracyPoint[] Points(JsonObject record, bool cpu = false) =>
        [.. record["evals"]!.AsArray().Select(e => e!.AsArray()).Select(e => new AccuracyPoint(e[0]!.GetValue<long>(), e[cpu ? 3 : 1]!.GetValue<double>(), e[2]!.GetValue<double>()))];

    public static string Markdown(Options o, IReadOnlyList<JsonObject> records, IReadOnlyList<string> notes)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"# Time to accuracy, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Inv, $"- Machine: {Machine.Cpu()}, {Environment.ProcessorCount} cores available to the run; load average at the end {Machine.Load()}.");
        md.AppendLine(Inv, $"- Each side trains the spec's recipe in its own process at {o.Threads[0]} thread(s), evaluating the whole test set every {o.EvalEvery} steps{(o.MaxSteps > 0 ? $" (stopping after {o.MaxSteps} steps)" : "")}; seconds are training only (evaluations off the clock). '-' = not reached.");
        md.AppendLine("- PyTorch: benchmarks/pytorch/tta.py builds the model from the spec's YAML (same layers, init distributions, optimizer, per-step schedule, augmentation; its own random streams).");
        md.AppendLine();
        md.AppendLine("- Wall = training seconds by the clock; CPU = the process's CPU seconds in those steps (all its threads), which other load on the machine inflates less.");
        md.AppendLine();
        md.AppendLine("| spec | side | wall s to 98% | to 99% | to 99.5% | CPU s to 98% | to 99% | to 99.5% | final accuracy | steps | threads |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in records)
        {
            var (wall, cpu) = (Points(r), Points(r, cpu: true));
            string Cells(AccuracyPoint[] points) =>
                string.Join(" | ", Targets.Select(t => TimeToAccuracy.FirstReaching(points, t) is { } p ? p.TrainSeconds.ToString("0.00", Inv) : "-"));
            var final = wall.Length > 0 ? (wall[^1].Accuracy * 100).ToString("0.00", Inv) + "%" : "-";
            md.AppendLine(Inv, $"| {r["arch"]} | {r["side"]} | {Cells(wall)} | {Cells(cpu)} | {final} | {r["steps"]} | {r["threads"]} |");
        }
        foreach (var note in notes) md.AppendLine().AppendLine("- " + note);
        return md.ToString();
    }
}
