using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MnistGen.Core.Data;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using MnistGen.Models;
using SkiaSharp;

namespace MnistGen.Bench;

/// <summary>
/// <c>serve-load</c>: requests per second and latency of <c>mnistgen serve</c> (issue 11). The server runs in its
/// own process (so its RSS is its own), started on a free loopback port; the load comes from this process over
/// loopback only, in levels bounded by a request count and a time limit, after which the server is stopped.
/// </summary>
internal static class ServeLoad
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private sealed record LoadOptions(
        List<string> Runs, int[] Clients, int[] Workers, int Requests, double Seconds, int RssRequests, string Body, string? Out,
        string[] Train);

    /// <param name="ServerP50">The median of what the server reports as its own time (decode, preprocess, wait for a replica, forward pass).</param>
    private sealed record Level(string Model, int Workers, int Clients, string Body, int Requests, int Errors, double Seconds, double P50, double P99, double ServerP50)
    {
        public double Rps => Requests / Seconds;
    }

    public static int Run(string[] args)
    {
        var o = Parse(args);
        var root = Orchestrator.RepositoryRoot();
        var cli = Path.Combine(AppContext.BaseDirectory, "mnistgen.dll");
        if (!File.Exists(cli)) throw new OptionsException($"{cli} is missing: build the benchmark (it references the CLI).");
        var scratch = Directory.CreateTempSubdirectory("mnistgen-serve-load-").FullName;
        try
        {
            var dataDir = MnistDirectory(root);
            if (o.Runs.Count == 0) o.Runs.AddRange(TrainOneEpochEach(o.Train, dataDir, scratch));
            var images = Enumerable.Range(0, 100).Select(i => MnistTest(dataDir, i)).ToArray();
            var json = images.Select(p => Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { pixels = p }))).ToArray();
            var png = images.Select(Png280).ToArray();

            var levels = new List<Level>();
            var memory = new List<string>();
            foreach (var run in o.Runs)
                foreach (var workers in o.Workers)
                {
                    using var server = ServerProcess.Start(cli, run, workers);
                    var model = server.ModelId;
                    using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false })
                    {
                        BaseAddress = server.Url, Timeout = TimeSpan.FromSeconds(30),
                    };
                    var bodies = o.Body == "png" ? png : json;
                    var type = o.Body == "png" ? "image/png" : "application/json";
                    Load(client, bodies, type, clients: 1, requests: 300, seconds: 10); // warm-up: JIT, first allocations
                    foreach (var clients in o.Clients)
                    {
                        var level = Load(client, bodies, type, clients, o.Requests, o.Seconds) with { Model = model, Workers = workers };
                        levels.Add(level);
                        Console.Error.WriteLine(string.Create(Inv,
                            $"{model} workers {workers} clients {clients}: {level.Rps:0} req/s, p50 {level.P50:0.000} ms, p99 {level.P99:0.000} ms, server p50 {level.ServerP50:0.000} ms, {level.Errors} errors ({level.Requests} in {level.Seconds:0.0} s)"));
                    }
                    if (o.Body == "json")
                    {
                        var pngLevel = Load(client, png, "image/png", 8, o.Requests, o.Seconds) with { Model = model, Workers = workers };
                        levels.Add(pngLevel);
                        Console.Error.WriteLine(string.Create(Inv, $"{model} workers {workers} png 280x280 x8: {pngLevel.Rps:0} req/s, p50 {pngLevel.P50:0.000} ms"));
                    }
                    if (workers == o.Workers[^1])
                    {
                        // Two rounds: the first may still grow pools and the GC heap to their working size; the second shows the trend.
                        var before = server.RssMb();
                        var first = Load(client, bodies, type, 8, o.RssRequests, seconds: 300);
                        var middle = server.RssMb();
                        var second = Load(client, bodies, type, 8, o.RssRequests, seconds: 300);
                        var after = server.RssMb();
                        memory.Add(string.Create(Inv,
                            $"| {model} | {workers} | {before:0} MB | {middle:0} MB ({middle - before:+0;-0}) | {after:0} MB ({after - middle:+0;-0}) | {first.Requests} + {second.Requests} | {first.Errors + second.Errors} |"));
                        Console.Error.WriteLine(memory[^1]);
                    }
                }

            var md = Report(o, levels, memory, root);
            var outPath = o.Out ?? Path.Combine(root, "benchmarks", "results", "serve-" + DateTime.UtcNow.ToString("yyyy-MM-dd", Inv) + ".md");
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
            File.WriteAllText(outPath, md);
            Console.WriteLine(md);
            Console.WriteLine($"Wrote {outPath}.");
            return levels.Sum(l => l.Errors) == 0 ? 0 : 1;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>
    /// One level: <paramref name="clients"/> concurrent loops share a budget of <paramref name="requests"/> and stop
    /// early when <paramref name="seconds"/> have passed; each request's latency is measured by its client.
    /// </summary>
    private static Level Load(HttpClient client, byte[][] bodies, string type, int clients, int requests, double seconds)
    {
        var latencies = new double[requests];
        var server = new double[requests];
        Array.Fill(latencies, double.NaN); // a request not sent because time ran out keeps NaN
        Array.Fill(server, double.NaN);
        var issued = -1;
        var errors = 0;
        var deadline = Stopwatch.StartNew();
        async Task Loop()
        {
            while (true)
            {
                var n = Interlocked.Increment(ref issued);
                if (n >= requests || deadline.Elapsed.TotalSeconds > seconds) return;
                using var content = new ByteArrayContent(bodies[n % bodies.Length]);
                content.Headers.ContentType = new MediaTypeHeaderValue(type);
                var clock = Stopwatch.StartNew();
                try
                {
                    using var response = await client.PostAsync("api/predict", content).ConfigureAwait(false);
                    var answer = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    if (response.StatusCode != HttpStatusCode.OK) Interlocked.Increment(ref errors);
                    else server[n] = ServerMilliseconds(answer);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
                latencies[n] = clock.Elapsed.TotalMilliseconds;
            }
        }
        Task.WaitAll([.. Enumerable.Range(0, clients).Select(_ => Task.Run(Loop))]);
        var elapsed = deadline.Elapsed.TotalSeconds;
        var sorted = latencies.Where(double.IsFinite).Order().ToArray();
        var done = sorted.Length;
        double Pct(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Floor(q * sorted.Length))];
        var serverSorted = server.Where(double.IsFinite).Order().ToArray();
        var serverP50 = serverSorted.Length == 0 ? double.NaN : serverSorted[serverSorted.Length / 2];
        return new Level("", 0, clients, type == "image/png" ? "png" : "json", done, errors, elapsed, Pct(0.50), Pct(0.99), serverP50);
    }

    /// <summary>The answer's "milliseconds" value, found without parsing the whole JSON (the client shares the cores).</summary>
    private static double ServerMilliseconds(byte[] answer)
    {
        var key = "\"milliseconds\":"u8;
        var at = answer.AsSpan().IndexOf(key);
        if (at < 0) return double.NaN;
        var rest = answer.AsSpan(at + key.Length);
        var end = rest.IndexOfAny((byte)',', (byte)'}');
        return double.TryParse(Encoding.ASCII.GetString(rest[..end]), NumberStyles.Float, Inv, out var ms) ? ms : double.NaN;
    }

    private static string Report(LoadOptions o, List<Level> levels, List<string> memory, string root)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"# mnistgen serve under load, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Inv, $"{Machine.Cpu()}, {Environment.ProcessorCount} cores, load average {Machine.Load()} at the end; server and load client share the cores, over loopback.");
        md.AppendLine(string.Create(Inv, $"Each level: at most {o.Requests} requests or {o.Seconds:0} s, after 300 warm-up requests; bodies cycle through MNIST test images 0-99 ")
            + "(json: 784 values, the model-bound path; png: the image scaled to 280x280, as the page sends its canvas, decoded and fitted by the server).");
        md.AppendLine("Workers are model replicas, each used by one request at a time (1 = every request takes the same lock); LibTorch runs one intra-op thread per request.");
        md.AppendLine("Latency p50/p99 is the client's (request sent to response read); server p50 is the median of the time the server reports for itself (decode, preprocess, wait for a free replica, forward pass).");
        md.AppendLine();
        md.AppendLine("| model | workers | body | clients | requests | errors | req/s | p50 | p99 | server p50 |");
        md.AppendLine("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var l in levels)
            md.AppendLine(Inv, $"| {l.Model} | {l.Workers} | {l.Body} | {l.Clients} | {l.Requests} | {l.Errors} | {l.Rps:0} | {l.P50:0.000} ms | {l.P99:0.000} ms | {l.ServerP50:0.000} ms |");
        md.AppendLine();
        md.AppendLine(Inv, $"Server RSS (VmRSS) after the levels above, then after {o.RssRequests} more requests, then after {o.RssRequests} more (8 clients, {o.Body}):");
        md.AppendLine();
        md.AppendLine(Inv, $"| model | workers | RSS before | after {o.RssRequests} | after {2 * o.RssRequests} | requests | errors |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var line in memory) md.AppendLine(line);
        md.AppendLine();
        md.AppendLine(Inv, $"Runs: {string.Join(", ", o.Runs.Select(r => Path.GetFileName(Path.GetDirectoryName(r)) + "/" + Path.GetFileName(r)))} (speed does not depend on how well they were trained).");
        return md.ToString();
    }

    private static LoadOptions Parse(string[] args)
    {
        var o = new LoadOptions([], [1, 8, 64], [2], 5000, 15, 10_000, "json", null, ["mlp", "cnn-5x5"]);
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new OptionsException($"{args[i]} needs a value.");
            int Int(string v) => int.TryParse(v, NumberStyles.None, Inv, out var n) && n > 0 ? n : throw new OptionsException($"'{v}' is not a positive whole number.");
            switch (args[i])
            {
                case "--run": o.Runs.Add(Path.GetFullPath(Value())); break;
                case "--clients": o = o with { Clients = [.. Value().Split(',').Select(Int)] }; break;
                case "--workers": o = o with { Workers = [.. Value().Split(',').Select(Int)] }; break;
                case "--requests": o = o with { Requests = Int(Value()) }; break;
                case "--seconds": o = o with { Seconds = Int(Value()) }; break;
                case "--rss-requests": o = o with { RssRequests = Int(Value()) }; break;
                case "--body":
                    var body = Value();
                    o = o with { Body = body is "json" or "png" ? body : throw new OptionsException("--body is json or png.") };
                    break;
                case "--out": o = o with { Out = Value() }; break;
                case "--smoke": // seconds: one MLP epoch, a few hundred requests, for CI to see the path works end to end
                    o = o with { Train = ["mlp"], Clients = [1, 8], Requests = 300, Seconds = 5, RssRequests = 300 };
                    break;
                default: throw new OptionsException($"unknown serve-load option '{args[i]}' (see --help).");
            }
        }
        if (o.Clients.Any(c => c > 256)) throw new OptionsException("at most 256 clients.");
        return o;
    }

    private static string MnistDirectory(string root) =>
        DataDirectory.Resolve(DatasetInfo.Mnist, null, Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable), root);

    /// <summary>Without --run: one epoch of each architecture (seed 1) through the training pipeline, into a scratch directory.</summary>
    private static IEnumerable<string> TrainOneEpochEach(string[] archs, string dataDir, string scratch)
    {
        using var data = Worker.Load(DatasetKind.Mnist, dataDir);
        foreach (var arch in archs)
        {
            var spec = Architectures.Find(arch).Value;
            Console.Error.WriteLine($"training {arch} for one epoch to serve it...");
            var run = Trainer.Train(spec, data, new RunOptions(Epochs: 1, Seed: 1, Device: DeviceRequest.Cpu, OutRoot: scratch));
            if (!run.IsOk) throw new OptionsException(string.Join(" ", run.Errors));
            yield return run.Value.Directory!;
        }
    }

    private static float[] MnistTest(string dataDir, int index)
    {
        using var file = File.OpenRead(Path.Combine(dataDir, "t10k-images-idx3-ubyte"));
        var bytes = new byte[784];
        file.Seek(16 + 784L * index, SeekOrigin.Begin);
        file.ReadExactly(bytes);
        return [.. bytes.Select(b => b / 255f)];
    }

    private static byte[] Png280(float[] pixels)
    {
        using var small = new SKBitmap(new SKImageInfo(28, 28, SKColorType.Gray8));
        var span = small.GetPixelSpan();
        for (var i = 0; i < 784; i++) span[i] = (byte)Math.Round(255 * (1 - pixels[i])); // dark ink on white, like the page
        using var large = small.Resize(new SKImageInfo(280, 280, SKColorType.Gray8), new SKSamplingOptions(SKFilterMode.Linear));
        using var data = large.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary><c>mnistgen serve RUN --port 0</c> as a child process; disposing it stops the server.</summary>
    private sealed class ServerProcess : IDisposable
    {
        private readonly Process _process;

        private ServerProcess(Process process, Uri url, string modelId) => (_process, Url, ModelId) = (process, url, modelId);

        public Uri Url { get; }
        public string ModelId { get; }

        public static ServerProcess Start(string cli, string run, int workers)
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { cli, "serve", run, "--port", "0", "--host", "127.0.0.1", "--workers", workers.ToString(Inv) }) start.ArgumentList.Add(a);
            var process = Process.Start(start)!;
            string? modelId = null;
            var timeout = Task.Delay(TimeSpan.FromSeconds(60));
            while (true)
            {
                var next = process.StandardOutput.ReadLineAsync();
                if (Task.WhenAny(next, timeout).Result == timeout || next.Result is null)
                {
                    process.Kill();
                    throw new OptionsException($"mnistgen serve {run} did not start: {process.StandardError.ReadToEnd().Trim()}");
                }
                var line = next.Result;
                if (line.StartsWith("model ", StringComparison.Ordinal)) modelId ??= line.Split(' ')[1].TrimEnd(':');
                if (line.StartsWith("Serving at ", StringComparison.Ordinal))
                {
                    var url = new Uri(line.Split(' ')[2]);
                    if (!IPAddress.IsLoopback(IPAddress.Parse(url.Host.Trim('[', ']'))))
                        throw new OptionsException($"the server listens on {url.Host}, not loopback.");
                    _ = process.StandardOutput.ReadToEndAsync(); // keep the pipe drained
                    _ = process.StandardError.ReadToEndAsync();
                    return new ServerProcess(process, url, modelId ?? run);
                }
            }
        }

        public double RssMb()
        {
            var status = $"/proc/{_process.Id}/status";
            if (!File.Exists(status)) return double.NaN;
            var line = File.ReadLines(status).First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
            return double.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], Inv) / 1024.0;
        }

        public void Dispose()
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit();
            _process.Dispose();
        }
    }
}
