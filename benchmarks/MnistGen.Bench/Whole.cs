using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Runtime;

namespace MnistGen.Bench;

/// <summary>
/// Speed as the user times it (issue 15): whole processes, started fresh for every run and timed from launch to
/// exit. MnistGen is its published binary running <c>mnistgen train ARCH --epochs 1</c> (start-up, data load and
/// verification, the epoch, the test evaluation, the checkpoint and the loss figure all included; its start-up
/// phases come from <c>MNISTGEN_TRACE=startup</c>); PyTorch is <c>fast.py --epochs 1 --whole</c> (load the data,
/// train, evaluate, exit) under each BLAS and thread count asked for, so the strongest peer is the strongest
/// here. The sides alternate, run by run. Also times <c>mnistgen list</c> and <c>mnistgen --version</c>.
/// With <c>--recipes</c> the same runs are the tutorial's full recipes: <c>mnistgen train ARCH</c> with the spec's
/// epochs against the tutorial's own code (<c>tutorial.py --recipe</c>: DataLoader pipeline, evaluation after every
/// epoch) at torch's default threads, each side's final test accuracy beside its wall time. <c>--precision fp32,bf16</c>
/// makes each precision its own MnistGen side (<c>mnistgen train ARCH --precision bf16</c>; fp32 passes no flag).
/// </summary>
internal static class Whole
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The options; <paramref name="TorchThreads"/> 0 = torch's own default; <paramref name="Epochs"/> null = the spec's.</summary>
    public sealed record Options(string[] Archs, int Repeats, int[] TorchThreads, string[] Blas, string? Mnistgen, string Python, string Data, string? Out, bool Smoke,
        bool Recipes, int? Epochs, string[] Precisions);

    public static readonly string[] KnownPrecisions = ["fp32", "bf16"];

    public static Options Parse(string[] args)
    {
        // One epoch against fast.py at 1 and 2 threads under both BLAS; the recipes against the tutorial's code as it
        // runs when nobody sets threads, under OpenBLAS (the reference BLAS with --blas reference).
        var recipes = args.Contains("--recipes");
        var o = new Options(["mlp", "cnn-3x3", "cnn-5x5"], recipes ? 1 : 3, recipes ? [0] : [1, 2], recipes ? ["openblas"] : ["openblas", "reference"], null, "/usr/bin/python3",
            Path.Combine("data", MnistGen.Core.Data.DatasetInfo.Mnist.Name), null, false, recipes, recipes ? null : 1, ["fp32"]);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new OptionsException($"{args[i]} needs a value.");
            int Int(string v) => int.TryParse(v, NumberStyles.None, Inv, out var n) && n > 0 ? n : throw new OptionsException($"'{v}' is not a positive whole number.");
            int Threads(string v) => v is "default" or "0" ? 0 : Int(v);
            o = args[i] switch
            {
                "--archs" or "--arch" => o with { Archs = Value().Split(',') },
                "--repeats" => o with { Repeats = Int(Value()) },
                "--threads" => o with { TorchThreads = [.. Value().Split(',').Select(Threads)] },
                "--recipes" => o,
                "--epochs" => recipes ? o with { Epochs = Int(Value()) } : throw new OptionsException("--epochs goes with --recipes (the whole-process mode trains one epoch)."),
                "--precision" => o with { Precisions = Value().Split(',') },
                "--blas" => o with { Blas = Value().Split(',') },
                "--mnistgen" => o with { Mnistgen = Value() },
                "--python" => o with { Python = Value() },
                "--data" => o with { Data = Value() },
                "--out" => o with { Out = Value() },
                "--smoke" => o with { Archs = ["mlp"], Repeats = 1, TorchThreads = [recipes ? 0 : 1], Blas = ["reference"], Smoke = true, Epochs = 1 },
                _ => throw new OptionsException($"unknown option '{args[i]}' (see --help)."),
            };
        }
        foreach (var b in o.Blas)
            if (b is not ("openblas" or "reference")) throw new OptionsException($"unknown BLAS '{b}'; known: openblas, reference.");
        foreach (var p in o.Precisions)
            if (!KnownPrecisions.Contains(p)) throw new OptionsException($"unknown precision '{p}'; known: {string.Join(", ", KnownPrecisions)}.");
        return o;
    }

    public static int Run(Options o)
    {
        var root = Orchestrator.RepositoryRoot();
        var machine = MachineFacts.Current;
        var notes = new List<string>();
        var mnistgen = o.Mnistgen ?? Publish(root, o.Smoke);
        if (!File.Exists(mnistgen)) throw new OptionsException($"{mnistgen} does not exist (give --mnistgen PATH, the published binary).");
        var openblas = Path.Combine(root, "benchmarks", ".deps", "root", "usr", "lib", "x86_64-linux-gnu", "openblas-pthread");
        var python = File.Exists(o.Python) ? null : $"{o.Python} not found";
        var blas = o.Blas.Where(b => b != "openblas" || Directory.Exists(openblas)).ToArray();
        if (blas.Length < o.Blas.Length) notes.Add($"OpenBLAS runs left out: {openblas} is missing (run `sh benchmarks/pytorch/setup.sh`).");
        if (python is not null) notes.Add("PyTorch runs left out: " + python);
        var runsRoot = Directory.CreateTempSubdirectory("mnistgen-whole-").FullName;
        var data = Path.GetFullPath(o.Data);

        var records = new List<JsonObject>();
        // Start-up of the commands that load nothing: list (the generated registry, no LibTorch) and --version.
        foreach (var (name, args) in o.Recipes ? [] : new[] { ("list", new[] { "list" }), ("version", new[] { "--version" }) })
        {
            var times = new List<double>();
            for (var i = 0; i < (o.Smoke ? 2 : 10); i++)
                times.Add(Time([mnistgen, .. args], null, runsRoot, out _, out _).Seconds);
            times.Sort();
            records.Add(new JsonObject { ["kind"] = "command", ["command"] = name, ["seconds"] = Json.Array([.. times]), ["median"] = Math.Round(times[times.Count / 2], 4) });
            Console.Error.WriteLine(string.Create(Inv, $"mnistgen {name}: median {times[times.Count / 2]:0.000} s"));
        }

        var flip = false;
        foreach (var arch in o.Archs)
            for (var r = 0; r < o.Repeats; r++)
            {
                var jobs = o.Precisions.Select(p => (Func<JsonObject?>)(() => Self(o, mnistgen, arch, p, data, runsRoot, notes))).ToList();
                if (python is null)
                    foreach (var b in blas)
                        foreach (var t in o.TorchThreads)
                            jobs.Add(() => Torch(o, root, openblas, b, t, arch, data, notes));
                if (flip) jobs.Reverse();
                flip = !flip;
                foreach (var job in jobs)
                    if (job() is { } record) { record["repeat"] = r + 1; records.Add(record); }
            }
        try { Directory.Delete(runsRoot, recursive: true); } catch (IOException) { }

        var report = o.Recipes ? RecipesMarkdown(o, mnistgen, records, notes) : Markdown(o, mnistgen, records, notes);
        var outPath = o.Out ?? Path.Combine(root, "benchmarks", "results", $"{(o.Recipes ? "recipes" : "whole")}-{DateTime.UtcNow.ToString("yyyy-MM-dd", Inv)}-{machine.Kind}.md");
        Report.Write(outPath, report, records);
        return records.Count(r => (string?)r["side"] == "mnistgen") == o.Archs.Length * o.Repeats * o.Precisions.Length ? 0 : 1;
    }

    /// <summary>Publishes the CLI as a user would (Release, ReadyToRun) into benchmarks/.deps/mnistgen; smoke runs take the Debug build test.sh made.</summary>
    private static string Publish(string root, bool smoke)
    {
        if (smoke)
        {
            var debug = Path.Combine(root, "src", "MnistGen.Cli", "bin", "Debug", "net10.0", "mnistgen");
            if (File.Exists(debug)) return debug;
        }
        var dir = Path.Combine(root, "benchmarks", ".deps", "mnistgen");
        var rid = System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier;
        Console.Error.WriteLine($"publishing mnistgen (Release, {rid}, ReadyToRun) into {dir}");
        var (_, code) = Time(["dotnet", "publish", Path.Combine(root, "src", "MnistGen.Cli"), "-c", "Release", "-r", rid, "--self-contained", "false", "-o", dir, "-v", "q", "-nologo"], null, root, out _, out var err);
        if (code != 0) throw new OptionsException("dotnet publish failed: " + err);
        return Path.Combine(dir, "mnistgen");
    }

    private static JsonObject? Self(Options o, string mnistgen, string arch, string precision, string data, string runsRoot, List<string> notes)
    {
        // fp32 is the CLI's default: no flag, so this runs on a binary that has no --precision option.
        string[] args = ["train", arch, .. o.Epochs is { } e ? ["--epochs", e.ToString(Inv)] : Array.Empty<string>(),
            .. precision == "fp32" ? Array.Empty<string>() : ["--precision", precision]];
        Console.Error.WriteLine("mnistgen  " + string.Join(' ', args));
        var env = new Dictionary<string, string?> { [StartupTrace.Variable] = StartupTrace.Value, ["NO_COLOR"] = "1" };
        var (seconds, code) = Time([mnistgen, .. args, "--data", data, "--out", runsRoot], env, runsRoot, out var stdout, out var stderr);
        if (code != 0) { notes.Add($"mnistgen {string.Join(' ', args)} failed (exit {code}): {LastLine(stderr)}"); return null; }
        var record = new JsonObject { ["kind"] = "train", ["side"] = "mnistgen", ["arch"] = arch, ["precision"] = precision, ["wall_seconds"] = Math.Round(seconds, 3) };
        var startup = stderr.Split('\n').LastOrDefault(l => l.StartsWith(StartupTrace.Prefix, StringComparison.Ordinal));
        if (startup is not null && JsonNode.Parse(startup[StartupTrace.Prefix.Length..]) is JsonObject phases) record["phases"] = phases;
        var (accuracy, epochs) = ParseAccuracy(stdout);
        record["accuracy"] = accuracy;
        record["epochs"] = epochs;
        if (EpochSeconds(stdout) is { } perEpoch) record["epoch_seconds"] = new JsonArray([.. perEpoch.Select(x => (JsonNode?)JsonValue.Create(x))]);
        return record;
    }

    /// <summary>Each epoch's seconds from the run's record (the directory named by the CLI's "Wrote DIR: ..." line), read before the runs are deleted.</summary>
    private static double[]? EpochSeconds(string stdout)
    {
        var wrote = stdout.Split('\n').LastOrDefault(l => l.StartsWith("Wrote ", StringComparison.Ordinal));
        var colon = wrote?.IndexOf(": ", StringComparison.Ordinal) ?? -1;
        if (wrote is null || colon < 0) return null;
        return RunStore.ReadRun(wrote["Wrote ".Length..colon]) is { IsOk: true } run ? [.. run.Value.History.Select(h => h.Seconds)] : null;
    }

    /// <summary>One PyTorch process: fast.py's one epoch, or with --recipes the tutorial's code running its recipe. Threads 0 = torch's default.</summary>
    private static JsonObject? Torch(Options o, string root, string openblas, string blas, int threads, string arch, string data, List<string> notes)
    {
        string[] script = o.Recipes
            ? ["tutorial.py", "--arch", arch, "--recipe", .. o.Epochs is { } e ? ["--epochs", e.ToString(Inv)] : Array.Empty<string>()]
            : ["fast.py", "--arch", arch, "--epochs", "1", "--whole"];
        var requested = threads == 0 ? "default" : $"{threads}t";
        Console.Error.WriteLine($"pytorch   {string.Join(' ', script)} {blas} {requested}");
        // The child inherits mnistgen's OpenMP settings (made through libc at start-up) and whatever thread counts this shell has:
        // cleared, so each script sets what --threads asks for, and 0 leaves torch and OpenBLAS at their own defaults.
        var env = new Dictionary<string, string?>
        {
            ["LD_LIBRARY_PATH"] = blas == "openblas" ? openblas : null, ["OMP_WAIT_POLICY"] = null, ["GOMP_SPINCOUNT"] = null,
            ["OMP_NUM_THREADS"] = null, ["OPENBLAS_NUM_THREADS"] = null, ["MKL_NUM_THREADS"] = null,
        };
        var (seconds, code) = Time([o.Python, Path.Combine(root, "benchmarks", "pytorch", script[0]), .. script[1..],
            "--threads", threads.ToString(Inv), "--data", data], env, root, out var stdout, out var stderr);
        if (code != 0) { notes.Add($"pytorch {string.Join(' ', script)} {blas} {requested} failed (exit {code}): {LastLine(stderr)}"); return null; }
        var json = stdout.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        var inner = json is null ? null : JsonNode.Parse(json) as JsonObject;
        var used = inner?["threads"]?.GetValue<int>();
        return new JsonObject
        {
            ["kind"] = "train", ["side"] = "pytorch", ["script"] = script[0], ["arch"] = arch, ["blas"] = blas, ["threads"] = threads, ["torch_threads"] = used,
            ["setting"] = threads == 0 ? $"{blas} default ({used}t)" : $"{blas} {threads}t",
            ["wall_seconds"] = Math.Round(seconds, 3),
            ["train_seconds"] = inner?["train_epoch_seconds"]?.DeepClone(),
            ["epoch_seconds"] = inner?["epoch_seconds"]?.DeepClone(),
            ["epochs"] = inner?["epochs_run"]?.DeepClone(),
            ["accuracy"] = inner?["test_accuracy"]?.DeepClone(),
        };
    }

    /// <summary>From train's "Test accuracy 97.81% after epoch 15 (...)": the accuracy as a fraction and the epochs run.</summary>
    private static (double? Accuracy, int? Epochs) ParseAccuracy(string stdout)
    {
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("Test accuracy ", StringComparison.Ordinal));
        if (line is null) return (null, null);
        var words = line["Test accuracy ".Length..].Split(' ');
        var accuracy = double.TryParse(words[0].TrimEnd('%'), NumberStyles.Float, Inv, out var v) ? v / 100 : (double?)null;
        var epochs = words.Length > 3 && words[1] == "after" && int.TryParse(words[3], NumberStyles.None, Inv, out var n) ? n : (int?)null;
        return (accuracy, epochs);
    }

    private static string LastLine(string text) => text.Trim().Split('\n').LastOrDefault() ?? "";

    /// <summary>Runs a command to its end; the wall time from launch to exit.</summary>
    private static (double Seconds, int ExitCode) Time(string[] command, Dictionary<string, string?>? env, string cwd, out string stdout, out string stderr)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = cwd };
        foreach (var a in command.Skip(1)) start.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) { if (v is null) start.Environment.Remove(k); else start.Environment[k] = v; }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var err = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (err) err.AppendLine(e.Data); };
        process.BeginErrorReadLine();
        stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        lock (err) stderr = err.ToString();
        return (seconds, process.ExitCode);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static double MedianOf(IEnumerable<JsonObject> runs, Func<JsonObject, double> value) => Median(runs.Select(value).Where(v => !double.IsNaN(v)));

    private static List<JsonObject> Mine(List<JsonObject> trains, string arch, string precision) =>
        [.. trains.Where(r => (string?)r["side"] == "mnistgen" && (string?)r["arch"] == arch && ((string?)r["precision"] ?? "fp32") == precision)];

    /// <summary>PyTorch's settings (BLAS and threads) for an architecture, fastest first, with their median wall time and accuracy.</summary>
    private static List<(string Setting, double Wall, double Accuracy)> TorchSettings(List<JsonObject> trains, string arch) =>
        [.. trains.Where(r => (string?)r["side"] == "pytorch" && (string?)r["arch"] == arch).GroupBy(r => (string)r["setting"]!)
            .Select(g => (g.Key, MedianOf(g, r => Report.Num(r, "wall_seconds")), MedianOf(g, r => Report.Num(r, "accuracy")))).OrderBy(g => g.Item2)];

    private static (string Setting, double Wall, double Accuracy) Strongest(List<(string Setting, double Wall, double Accuracy)> settings) =>
        settings.Count > 0 ? settings[0] : ("-", double.NaN, double.NaN);

    private static string Label(string arch, string precision) => precision == "fp32" ? arch : $"{arch} ({precision})";

    private static string Cell(double value, string format, string unit = "") => double.IsNaN(value) ? "-" : value.ToString(format, Inv) + unit;

    private static string Accuracy(double fraction) => Cell(fraction * 100, "0.00", "%");

    private static string Binary(string mnistgen) => $"{Path.GetFileName(Path.GetDirectoryName(mnistgen))}/mnistgen";

    private static string Precisions(Options o) => o.Precisions is ["fp32"] ? ""
        : "; precisions " + string.Join(", ", o.Precisions.Select(p => p == "fp32" ? "fp32 (no flag)" : $"{p} (`--precision {p}`)")) + ", each its own runs";

    private static string Markdown(Options o, string mnistgen, List<JsonObject> records, List<string> notes)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"# Whole-process benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Report.MachineLine());
        md.AppendLine(Inv, $"- MnistGen: `{Binary(mnistgen)} train ARCH --epochs 1`{Precisions(o)}, a fresh process per run; its automatic thread choice. PyTorch: `fast.py --arch ARCH --epochs 1 --whole` (Debian's torch 1.13), a fresh process per run, per BLAS and thread count; OpenMP's default wait policy.");
        md.AppendLine(Inv, $"- {o.Repeats} run(s) of each, alternating sides; medians. Wall = launch to exit, as `time` shows it.");
        md.AppendLine();
        md.AppendLine("## Commands that load no model");
        md.AppendLine();
        md.AppendLine("| command | median (s) | target |");
        md.AppendLine("|---|---:|---:|");
        foreach (var c in records.Where(r => (string?)r["kind"] == "command"))
            md.AppendLine(Inv, $"| `mnistgen {((string?)c["command"] == "version" ? "--version" : c["command"])}` | {(double)c["median"]!:0.000} | {((string?)c["command"] == "list" ? "<= 0.2" : "-")} |");
        md.AppendLine();
        md.AppendLine("## One epoch, whole process (seconds; ratio = MnistGen / strongest PyTorch)");
        md.AppendLine();
        md.AppendLine("| arch | MnistGen wall | test accuracy | first step after start | first epoch ends | strongest PyTorch (setting) | its accuracy | ratio | target | every PyTorch setting (wall) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        var trains = records.Where(r => (string?)r["kind"] == "train").ToList();
        foreach (var arch in o.Archs)
        {
            var torch = TorchSettings(trains, arch);
            var best = Strongest(torch);
            var target = arch == "mlp" ? 0.8 : 0.6;
            foreach (var precision in o.Precisions)
            {
                var mine = Mine(trains, arch, precision);
                if (mine.Count == 0) { md.AppendLine(Inv, $"| {Label(arch, precision)} | failed | | | | | | | | |"); continue; }
                var wall = MedianOf(mine, r => Report.Num(r, "wall_seconds"));
                double Phase(string name) => MedianOf(mine, r => r["phases"]?[name]?.GetValue<double>() ?? double.NaN);
                md.AppendLine(Inv, $"| {Label(arch, precision)} | {wall:0.00} | {Accuracy(MedianOf(mine, r => Report.Num(r, "accuracy")))} | {Cell(Phase("first_step"), "0.00")} | {Cell(Phase("first_epoch"), "0.00")} | {(double.IsNaN(best.Wall) ? "-" : $"{best.Wall:0.00} ({best.Setting})")} | {Accuracy(best.Accuracy)} | {Cell(wall / best.Wall, "0.00", "x")} | <= {target:0.0}x | {string.Join("; ", torch.Select(t => $"{t.Setting} {t.Wall:0.00}"))} |");
            }
        }
        md.AppendLine();
        md.AppendLine("## MnistGen start-up, phase by phase (median seconds since the process started)");
        md.AppendLine();
        var phaseNames = trains.Where(r => r["phases"] is JsonObject).SelectMany(r => ((JsonObject)r["phases"]!).Select(p => p.Key)).Distinct().ToList();
        md.AppendLine("| arch | " + string.Join(" | ", phaseNames) + " |");
        md.AppendLine("|---|" + string.Concat(phaseNames.Select(_ => "---:|")));
        foreach (var arch in o.Archs)
            foreach (var precision in o.Precisions)
            {
                var mine = Mine(trains, arch, precision).Where(r => r["phases"] is JsonObject).ToList();
                if (mine.Count == 0) continue;
                var cells = phaseNames.Select(p => MedianOf(mine, r => r["phases"]?[p]?.GetValue<double>() ?? double.NaN).ToString("0.000", Inv));
                md.AppendLine("| " + Label(arch, precision) + " | " + string.Join(" | ", cells) + " |");
            }
        md.AppendLine();
        md.AppendLine("Phases: `main` = managed code starts; `libtorch_loaded` = LibTorch loaded (the data files are read and verified meanwhile, on a worker thread); `data_read` = that worker done; `data_loaded` = data set as tensors; `model_built` = the spec's module made and initialised; `records_written` = the optimizer made and the run's run.json and history.csv written; `first_step` = the first training step done; `first_epoch` = the epoch, its test evaluation, checkpoint and loss figure done.");
        return Report.Footer(md, notes);
    }

    /// <summary>The recipes page: per architecture each MnistGen precision and the fastest tutorial setting, wall time and final accuracy, then all three end to end.</summary>
    private static string RecipesMarkdown(Options o, string mnistgen, List<JsonObject> records, List<string> notes)
    {
        const double target = 0.3;
        var md = new StringBuilder();
        md.AppendLine(Inv, $"# The tutorial's full recipes, whole process, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Report.MachineLine());
        var epochs = o.Epochs is { } e ? $"`--epochs {e}` (not the spec's epochs)" : "the spec's epochs";
        md.AppendLine(Inv, $"- MnistGen: `{Binary(mnistgen)} train ARCH`, {epochs}{Precisions(o)}, a fresh process per run; its automatic thread choice; the test set evaluated after every epoch, a checkpoint and the loss figure written.");
        md.AppendLine(Inv, $"- Tutorial: `tutorial.py --arch ARCH --recipe`, the tutorial's own code with the spec's layers, optimizer, rate and batch size, {epochs}: torchvision's MNIST through `DataLoader(shuffle=True)` with ToTensor + Normalize, `loss.item()` every step, the test set evaluated after every epoch. Debian's torch 1.13, a fresh process per run, per BLAS and thread setting (`default` = torch's own, as the tutorial's code leaves it; the threads torch then used in brackets).");
        md.AppendLine(Inv, $"- {o.Repeats} run(s) of each, alternating sides; medians. Wall = launch to exit, as `time` shows it; accuracy = the final test accuracy.");
        md.AppendLine();
        md.AppendLine("## Each recipe (wall seconds; ratio = MnistGen / fastest tutorial setting)");
        md.AppendLine();
        var against = o.Precisions.Contains("fp32") ? o.Precisions.Where(p => p != "fp32").ToArray() : [];
        md.AppendLine("| arch | epochs | " + string.Concat(o.Precisions.Select(p => $"MnistGen {p} | {p} accuracy | ")) + string.Concat(against.Select(p => $"{p} - fp32 (points) | "))
            + "tutorial (setting) | tutorial accuracy | " + string.Concat(o.Precisions.Select(p => $"ratio {p} | ")) + "target | every tutorial setting (wall, accuracy) |");
        md.AppendLine("|---|---:|" + string.Concat(o.Precisions.Select(_ => "---:|---:|")) + string.Concat(against.Select(_ => "---:|")) + "---:|---:|" + string.Concat(o.Precisions.Select(_ => "---:|")) + "---:|---|");
        var trains = records.Where(r => (string?)r["kind"] == "train").ToList();
        var checks = new List<string>();
        var rows = o.Archs.Select(arch =>
        {
            var walls = o.Precisions.Select(p => MedianOf(Mine(trains, arch, p), r => Report.Num(r, "wall_seconds"))).ToArray();
            var accuracies = o.Precisions.ToDictionary(p => p, p => MedianOf(Mine(trains, arch, p), r => Report.Num(r, "accuracy")));
            var ran = trains.Where(r => (string?)r["arch"] == arch).Select(r => Cell(Report.Num(r, "epochs"), "0")).Where(c => c != "-").Distinct();
            return (Arch: arch, Epochs: string.Join(" / ", ran), Walls: walls, Accuracies: accuracies, Torch: TorchSettings(trains, arch));
        }).ToList();
        // accuracies null: the end-to-end row, which has none.
        string Row(string name, string epochCell, double[] walls, Dictionary<string, double>? accuracies, List<(string Setting, double Wall, double Accuracy)> torch)
        {
            var what = accuracies is null ? "the recipes one after another" : "the recipe as a whole process";
            var best = Strongest(torch);
            var cells = o.Precisions.Select((p, i) => $"{Cell(walls[i], "0.0")} | {(accuracies is null ? "" : Accuracy(accuracies[p]))} | ");
            var differences = against.Select(p => (accuracies is null ? "" : Cell((accuracies[p] - accuracies["fp32"]) * 100, "+0.00;-0.00;0.00")) + " | ");
            var ratios = walls.Select(w => Cell(w / best.Wall, "0.00", "x") + " | ");
            var every = string.Join("; ", torch.Select(t => $"{t.Setting} {Cell(t.Wall, "0.0")}" + (double.IsNaN(t.Accuracy) ? "" : $", {Accuracy(t.Accuracy)}")));
            for (var i = 0; i < walls.Length; i++)
                if (!double.IsNaN(walls[i] / best.Wall)) checks.Add(Report.Check($"{Label(name, o.Precisions[i])}: {what} vs the tutorial's code", walls[i] / best.Wall, target, "x"));
            return string.Create(Inv, $"| {name} | {epochCell} | {string.Concat(cells)}{string.Concat(differences)}{(double.IsNaN(best.Wall) ? "-" : $"{best.Wall:0.0} ({best.Setting})")} | {(accuracies is null ? "" : Accuracy(best.Accuracy))} | {string.Concat(ratios)}<= {target}x | {every} |");
        }
        foreach (var r in rows) md.AppendLine(Row(r.Arch, r.Epochs, r.Walls, r.Accuracies, r.Torch));
        // End to end: each side's recipes one after another (a failed recipe makes its total "-"); the tutorial at its fastest setting per recipe, and every setting's own total.
        var settings = rows.SelectMany(r => r.Torch.Select(t => t.Setting)).Distinct();
        var totals = settings.Select(s => (Setting: s, Wall: rows.Sum(r => r.Torch.Where(t => t.Setting == s).Select(t => t.Wall).DefaultIfEmpty(double.NaN).First()), Accuracy: double.NaN)).OrderBy(t => t.Wall).ToList();
        var fastest = rows.Sum(r => Strongest(r.Torch).Wall);
        md.AppendLine(Row("end to end: " + string.Join(" + ", o.Archs), "", [.. o.Precisions.Select((_, i) => rows.Sum(r => r.Walls[i]))], null,
            totals.Count == 1 ? totals : [("fastest per recipe", fastest, double.NaN), .. totals]));
        md.AppendLine();
        md.AppendLine("## Targets (issue 15)");
        md.AppendLine();
        foreach (var c in checks) md.AppendLine("- " + c);
        md.AppendLine();
        // The first epoch against the later ones (its kernel set-up, JIT and first evaluation): target within 10%.
        var firsts = trains.Where(r => r["epoch_seconds"] is JsonArray { Count: > 1 }).ToList();
        if (firsts.Count > 0)
        {
            md.AppendLine("## The first epoch against the later ones (seconds, epoch and its test evaluation)");
            md.AppendLine();
            md.AppendLine("| side | arch | first epoch | later epochs (mean) | first / later | target |");
            md.AppendLine("|---|---|---:|---:|---:|---:|");
            foreach (var r in firsts)
            {
                var seconds = ((JsonArray)r["epoch_seconds"]!).Select(x => x!.GetValue<double>()).ToArray();
                var later = seconds.Skip(1).Average();
                var side = (string?)r["side"] == "mnistgen" ? "MnistGen" + ((string?)r["precision"] is { } p && p != "fp32" ? $" {p}" : "") : $"tutorial ({(string?)r["setting"]})";
                md.AppendLine(Inv, $"| {side} | {(string?)r["arch"]} | {seconds[0]:0.00} | {later:0.00} | {seconds[0] / later:0.00}x | {((string?)r["side"] == "mnistgen" ? "<= 1.1x" : "-")} |");
            }
            md.AppendLine();
        }
        md.AppendLine("Every run's per-epoch times (`epoch_seconds`) and MnistGen's start-up phases are in the raw records.");
        return Report.Footer(md, notes);
    }
}
