using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using MnistGen.Core.Runtime;
using MnistGen.Models;

namespace MnistGen.Bench;

/// <summary>
/// The side-by-side run: for each architecture and thread count, a MnistGen worker and the PyTorch baselines
/// run one after another (alternating which goes first), each in a fresh process, on the same machine within
/// minutes of each other; the compute peak is measured in the same run. Writes raw records and ratios.
/// </summary>
internal static class Orchestrator
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(Options o)
    {
        var root = RepositoryRoot();
        var records = new List<JsonObject>();
        var notes = new List<string>();
        var python = PythonStatus(o.Python);
        if (python is not null) notes.Add("PyTorch baselines not run: " + python);
        var openblas = Path.Combine(root, "benchmarks", ".deps", "root", "usr", "lib", "x86_64-linux-gnu", "openblas-pthread");
        var baselines = o.Baselines.Where(b => python is null && (!b.Contains("-openblas", StringComparison.Ordinal) || Directory.Exists(openblas))).ToArray();
        if (python is null && baselines.Length < o.Baselines.Length)
            notes.Add($"OpenBLAS baselines not run: {openblas} is missing (run `sh benchmarks/pytorch/setup.sh`).");

        var peaks = o.Threads.ToDictionary(t => t, t => Peak(t));
        var flip = false;
        foreach (var arch in o.Archs)
            foreach (var threads in o.Threads)
            {
                var jobs = new List<Func<JsonObject?>> { () => Self(o, arch, threads) };
                jobs.AddRange(baselines.Select(b => (Func<JsonObject?>)(() => Python(o, root, openblas, b, arch, threads, notes))));
                if (flip) jobs.Reverse();
                flip = !flip;
                foreach (var job in jobs)
                    if (job() is { } record) records.Add(record);
            }
        foreach (var t in o.Threads) peaks[t] = Math.Max(peaks[t], Peak(t)); // again at the end: the best of both

        var report = Report.Markdown(o, records, peaks, notes);
        // One results file per kind of machine (like whole-<date>-<kind>.md): numbers from different CPUs are never mixed.
        var outPath = o.Out ?? Path.Combine(root, "benchmarks", "results", $"{(o.Smoke ? "smoke-" : "")}{DateTime.UtcNow.ToString("yyyy-MM-dd", Inv)}-{MachineFacts.Current.Kind}.md");
        Report.Write(outPath, report, records);
        var mnistgenRuns = records.Count(r => (string?)r["side"] == "mnistgen");
        return mnistgenRuns == o.Archs.Length * o.Threads.Length ? 0 : 1;
    }

    private static double Peak(int threads)
    {
        var line = RunProcess(SelfCommand(), ["peak", "--threads", threads.ToString(Inv)], null, out _);
        return line?["gflops"]?.GetValue<double>() ?? double.NaN;
    }

    private static JsonObject? Self(Options o, string arch, int threads)
    {
        Console.Error.WriteLine($"mnistgen  {arch} threads={threads}");
        return RunProcess(SelfCommand(), ["worker", "--arch", arch, "--threads", threads.ToString(Inv), "--steps", o.Steps.ToString(Inv),
            "--repeats", o.Repeats.ToString(Inv), "--predict-calls", o.PredictCalls.ToString(Inv), "--data", o.Data], null, out _);
    }

    private static JsonObject? Python(Options o, string root, string openblas, string baseline, string arch, int threads, List<string> notes)
    {
        var parts = baseline.Split('-');
        var (script, blas, wait) = (parts[0], parts[1], parts.Length > 2 ? parts[2] : "");
        Console.Error.WriteLine($"pytorch   {arch} threads={threads} {baseline}");
        var env = new Dictionary<string, string?>();
        if (blas == "openblas") env["LD_LIBRARY_PATH"] = openblas;
        // The child inherits mnistgen's own settings (made through libc at start-up): set them explicitly either way.
        // -passive: threads sleep at once; -spin: as mnistgen runs LibTorch (passive after a short spin).
        env["OMP_WAIT_POLICY"] = wait is "passive" or "spin" ? "PASSIVE" : null;
        env["GOMP_SPINCOUNT"] = wait == "spin" ? TorchRuntime.SpinCount.ToString(Inv) : null;
        var record = RunProcess([o.Python, Path.Combine(root, "benchmarks", "pytorch", script + ".py")],
            ["--arch", arch, "--threads", threads.ToString(Inv), "--steps", o.Steps.ToString(Inv), "--repeats", o.Repeats.ToString(Inv),
             "--predict-calls", o.PredictCalls.ToString(Inv), "--data", o.Data], env, out var error);
        if (record is null) notes.Add($"{baseline} {arch} threads={threads} failed: {error}");
        else
        {
            record["side"] = "pytorch";
            record["baseline_id"] = baseline;
        }
        return record;
    }

    internal static string[] SelfCommand()
    {
        var host = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, typeof(Orchestrator).Assembly.Location] : [host];
    }

    /// <summary>Runs a command and returns the last JSON line it printed on stdout (stderr passes through).</summary>
    internal static JsonObject? RunProcess(string[] command, string[] args, Dictionary<string, string?>? env, out string error)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in command.Skip(1).Concat(args)) start.ArgumentList.Add(a);
        if (env is not null) foreach (var (k, v) in env) { if (v is null) start.Environment.Remove(k); else start.Environment[k] = v; }
        using var process = Process.Start(start)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { stderr.AppendLine(e.Data); } };
        process.BeginErrorReadLine();
        var lines = process.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        process.WaitForExit();
        error = stderr.ToString().Trim().Split('\n').LastOrDefault() ?? "";
        if (process.ExitCode != 0) { error = $"exit code {process.ExitCode}: {error}"; return null; }
        var json = lines.LastOrDefault(l => l.TrimStart().StartsWith('{'));
        return json is null ? null : JsonNode.Parse(json) as JsonObject;
    }

    internal static string? PythonStatus(string python)
    {
        if (!File.Exists(python)) return $"{python} not found.";
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "import torch, torchvision" }) start.ArgumentList.Add(a);
        using var p = Process.Start(start)!;
        p.WaitForExit();
        return p.ExitCode == 0 ? null : "PyTorch is not installed for " + python + " (run `sh benchmarks/pytorch/setup.sh`).";
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MnistGen.sln"))) return dir.FullName;
        throw new OptionsException("run the benchmark from inside the repository (no MnistGen.sln above the current directory).");
    }

    public static long ForwardMacs(string arch) => Architectures.Find(arch).Value.Summary.TotalMacs;
}
