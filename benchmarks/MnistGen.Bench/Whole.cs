using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MnistGen.Core.Runtime;

namespace MnistGen.Bench;

/// <summary>
/// Speed as the user times it (issue 15): whole processes, started fresh for every run and timed from launch to
/// exit. MnistGen is its published binary running <c>mnistgen train ARCH --epochs 1</c> (start-up, data load and
/// verification, the epoch, the test evaluation, the checkpoint and the loss figure all included; its start-up
/// phases come from <c>MNISTGEN_TRACE=startup</c>); PyTorch is <c>fast.py --epochs 1 --whole</c> (load the data,
/// train, evaluate, exit) under each BLAS and thread count asked for, so the strongest peer is the strongest
/// here. The sides alternate, run by run. Also times <c>mnistgen list</c> and <c>mnistgen --version</c>.
/// </summary>
internal static class Whole
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record Options(string[] Archs, int Repeats, int[] TorchThreads, string[] Blas, string? Mnistgen, string Python, string Data, string? Out, bool Smoke);

    public static Options Parse(string[] args)
    {
        var o = new Options(["mlp", "cnn-3x3", "cnn-5x5"], 3, [1, 2], ["openblas", "reference"], null, "/usr/bin/python3",
            Path.Combine("data", MnistGen.Core.Data.DatasetInfo.Mnist.Name), null, false);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new OptionsException($"{args[i]} needs a value.");
            int Int(string v) => int.TryParse(v, NumberStyles.None, Inv, out var n) && n > 0 ? n : throw new OptionsException($"'{v}' is not a positive whole number.");
            o = args[i] switch
            {
                "--archs" or "--arch" => o with { Archs = Value().Split(',') },
                "--repeats" => o with { Repeats = Int(Value()) },
                "--threads" => o with { TorchThreads = [.. Value().Split(',').Select(Int)] },
                "--blas" => o with { Blas = Value().Split(',') },
                "--mnistgen" => o with { Mnistgen = Value() },
                "--python" => o with { Python = Value() },
                "--data" => o with { Data = Value() },
                "--out" => o with { Out = Value() },
                "--smoke" => o with { Archs = ["mlp"], Repeats = 1, TorchThreads = [1], Blas = ["reference"], Smoke = true },
                _ => throw new OptionsException($"unknown option '{args[i]}' (see --help)."),
            };
        }
        foreach (var b in o.Blas)
            if (b is not ("openblas" or "reference")) throw new OptionsException($"unknown BLAS '{b}'; known: openblas, reference.");
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
        foreach (var (name, args) in new[] { ("list", new[] { "list" }), ("version", new[] { "--version" }) })
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
                var jobs = new List<Func<JsonObject?>> { () => Self(mnistgen, arch, data, runsRoot, notes) };
                if (python is null)
                    foreach (var b in blas)
                        foreach (var t in o.TorchThreads)
                            jobs.Add(() => Torch(o.Python, root, openblas, b, t, arch, data, notes));
                if (flip) jobs.Reverse();
                flip = !flip;
                foreach (var job in jobs)
                    if (job() is { } record) { record["repeat"] = r + 1; records.Add(record); }
            }
        try { Directory.Delete(runsRoot, recursive: true); } catch (IOException) { }

        var report = Markdown(o, machine, mnistgen, records, notes);
        var outPath = o.Out ?? Path.Combine(root, "benchmarks", "results", $"whole-{DateTime.UtcNow.ToString("yyyy-MM-dd", Inv)}-{machine.Kind}.md");
        Report.Write(outPath, report, records);
        return records.Count(r => (string?)r["side"] == "mnistgen") == o.Archs.Length * o.Repeats ? 0 : 1;
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

    private static JsonObject? Self(string mnistgen, string arch, string data, string runsRoot, List<string> notes)
    {
        Console.Error.WriteLine($"mnistgen  {arch} train --epochs 1");
        var env = new Dictionary<string, string?> { [StartupTrace.Variable] = StartupTrace.Value, ["NO_COLOR"] = "1" };
        var (seconds, code) = Time([mnistgen, "train", arch, "--epochs", "1", "--data", data, "--out", runsRoot], env, runsRoot, out var stdout, out var stderr);
        if (code != 0) { notes.Add($"mnistgen {arch} failed (exit {code}): {LastLine(stderr)}"); return null; }
        var record = new JsonObject { ["kind"] = "train", ["side"] = "mnistgen", ["arch"] = arch, ["wall_seconds"] = Math.Round(seconds, 3) };
        var startup = stderr.Split('\n').LastOrDefault(l => l.StartsWith(StartupTrace.Prefix, StringComparison.Ordinal));
        if (startup is not null && JsonNode.Parse(startup[StartupTrace.Prefix.Length..]) is JsonObject phases) record["phases"] = phases;
        record["accuracy"] = ParseAccuracy(stdout);
        return record;
    }

    private static JsonObject? Torch(string python, string root, string openblas, string blas, int threads, string arch, string data, List<string> notes)
    {
        Console.Error.WriteLine($"pytorch   {arch} fast.py --epochs 1 --whole {blas} {threads}t");
        var env = new Dictionary<string, string?> { ["LD_LIBRARY_PATH"] = blas == "openblas" ? openblas : null, ["OMP_WAIT_POLICY"] = null, ["GOMP_SPINCOUNT"] = null };
        var (seconds, code) = Time([python, Path.Combine(root, "benchmarks", "pytorch", "fast.py"), "--arch", arch, "--epochs", "1", "--whole",
            "--threads", threads.ToString(Inv), "--data", data], env, root, out var stdout, out var stderr);
        if (code != 0) { notes.Add($"pytorch {arch} {blas} {threads}t failed (exit {code}): {LastLine(stderr)}"); return null; }
        var json = stdout.Split('\n').LastOrDefault(l => l.TrimStart().StartsWith('{'));
        var inner = json is null ? null : JsonNode.Parse(json) as JsonObject;
        return new JsonObject
        {
            ["kind"] = "train", ["side"] = "pytorch", ["arch"] = arch, ["blas"] = blas, ["threads"] = threads,
            ["wall_seconds"] = Math.Round(seconds, 3),
            ["train_seconds"] = inner?["train_epoch_seconds"]?.DeepClone(),
            ["accuracy"] = inner?["test_accuracy"]?.DeepClone(),
        };
    }

    private static double? ParseAccuracy(string stdout)
    {
        var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("Test accuracy ", StringComparison.Ordinal));
        if (line is null) return null;
        var number = line["Test accuracy ".Length..].Split('%')[0];
        return double.TryParse(number, NumberStyles.Float, Inv, out var v) ? v / 100 : null;
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

    private static string Markdown(Options o, MachineFacts machine, string mnistgen, List<JsonObject> records, List<string> notes)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"# Whole-process benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Inv, $"- Machine: {machine.Describe()}, {Machine.MemoryGb():0} GiB; load average at the end {Machine.Load()}.");
        md.AppendLine(Inv, $"- MnistGen: `{Path.GetFileName(Path.GetDirectoryName(mnistgen))}/mnistgen train ARCH --epochs 1`, a fresh process per run; its automatic thread choice. PyTorch: `fast.py --arch ARCH --epochs 1 --whole` (Debian's torch 1.13), a fresh process per run, per BLAS and thread count; OpenMP's default wait policy.");
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
        md.AppendLine("| arch | MnistGen wall | first step after start | first epoch ends | strongest PyTorch (setting) | ratio | target | every PyTorch setting (wall) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|");
        var trains = records.Where(r => (string?)r["kind"] == "train").ToList();
        foreach (var arch in o.Archs)
        {
            var mine = trains.Where(r => (string?)r["side"] == "mnistgen" && (string?)r["arch"] == arch).ToList();
            if (mine.Count == 0) { md.AppendLine(Inv, $"| {arch} | failed | | | | | | |"); continue; }
            var wall = Median(mine.Select(r => (double)r["wall_seconds"]!));
            double Phase(string name) => Median(mine.Select(r => r["phases"]?[name]?.GetValue<double>() ?? double.NaN).Where(v => !double.IsNaN(v)));
            var torch = trains.Where(r => (string?)r["side"] == "pytorch" && (string?)r["arch"] == arch)
                .GroupBy(r => $"{r["blas"]} {r["threads"]}t").Select(g => (Setting: g.Key, Wall: Median(g.Select(r => (double)r["wall_seconds"]!)))).OrderBy(g => g.Wall).ToList();
            var target = arch == "mlp" ? 0.8 : 0.6;
            var best = torch.Count > 0 ? torch[0] : (Setting: "-", Wall: double.NaN);
            var ratio = wall / best.Wall;
            md.AppendLine(Inv, $"| {arch} | {wall:0.00} | {Phase("first_step"):0.00} | {Phase("first_epoch"):0.00} | {(double.IsNaN(best.Wall) ? "-" : $"{best.Wall:0.00} ({best.Setting})")} | {(double.IsNaN(ratio) ? "-" : $"{ratio:0.00}x")} | <= {target:0.0}x | {string.Join("; ", torch.Select(t => $"{t.Setting} {t.Wall:0.00}"))} |");
        }
        md.AppendLine();
        md.AppendLine("## MnistGen start-up, phase by phase (median seconds since the process started)");
        md.AppendLine();
        var phaseNames = trains.Where(r => r["phases"] is JsonObject).SelectMany(r => ((JsonObject)r["phases"]!).Select(p => p.Key)).Distinct().ToList();
        md.AppendLine("| arch | " + string.Join(" | ", phaseNames) + " |");
        md.AppendLine("|---|" + string.Concat(phaseNames.Select(_ => "---:|")));
        foreach (var arch in o.Archs)
        {
            var mine = trains.Where(r => (string?)r["side"] == "mnistgen" && (string?)r["arch"] == arch && r["phases"] is JsonObject).ToList();
            if (mine.Count == 0) continue;
            var cells = phaseNames.Select(p => Median(mine.Select(r => r["phases"]?[p]?.GetValue<double>() ?? double.NaN).Where(v => !double.IsNaN(v))).ToString("0.000", Inv));
            md.AppendLine("| " + arch + " | " + string.Join(" | ", cells) + " |");
        }
        md.AppendLine();
        md.AppendLine("Phases: `main` = managed code starts; `libtorch_loaded` = LibTorch loaded (the data files are read and verified meanwhile, on a worker thread); `data_read` = that worker done; `data_loaded` = data set as tensors; `model_built` = the spec's module made and initialised; `first_step` = the first training step done; `first_epoch` = the epoch, its test evaluation, checkpoint and loss figure done.");
        return Report.Footer(md, notes);
    }
}
