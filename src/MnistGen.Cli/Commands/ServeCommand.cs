using System.CommandLine;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;
using MnistGen.Cli.Output;
using MnistGen.Cli.Serving;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Functional;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen serve RUN_DIR... [--port N] [--host ADDR] [--workers N]</c>: a page to draw digits on, and a JSON API.</summary>
internal static class ServeCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public const int DefaultPort = 5000;

    public static Command Create(Terminal terminal)
    {
        var runs = new Argument<string[]>("runs")
        {
            Description = "One or more run directories (runs/<architecture>/<time>) or their model.bin; the page's model picker lists them, the first is the default.",
            Arity = ArgumentArity.OneOrMore,
        };
        var port = new Option<int>("--port") { Description = "TCP port; 0 lets the system choose a free one.", DefaultValueFactory = _ => DefaultPort, HelpName = "N" };
        var host = new Option<string>("--host") { Description = "Address to listen on. The default, loopback, is reachable from this machine only.", DefaultValueFactory = _ => "127.0.0.1", HelpName = "ADDR" };
        var workers = new Option<int>("--workers")
        {
            Description = "Model replicas per run, each used by one request at a time. Default: one per core.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
            HelpName = "N",
        };
        var command = new Command("serve", "Serve trained models over HTTP: a page to draw a digit on and watch the ten probabilities, and a JSON API (GET /api/models, POST /api/predict, GET /healthz).")
        {
            runs, port, host, workers,
        };
        command.SetAction((parse, cancellation) =>
            Serve(terminal, parse.GetValue(runs)!, parse.GetValue(host)!, parse.GetValue(port), parse.GetValue(workers), cancellation));
        return command;
    }

    /// <summary>Pure: the listen address, or why it is not one.</summary>
    public static Result<IPAddress> ParseHost(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : new Error($"--host '{host}' is not an IP address (use 127.0.0.1, ::1, or an address of this machine).");

    /// <summary>Pure: ids unique among the served runs, <c>&lt;architecture&gt;/&lt;run directory name&gt;</c>.</summary>
    public static string ModelId(string architecture, string runDirectory) =>
        architecture + "/" + Path.GetFileName(Path.TrimEndingDirectorySeparator(runDirectory));

    internal static async Task<int> Serve(Terminal terminal, string[] paths, string hostText, int port, int workers, CancellationToken cancellation)
    {
        var errors = new List<Error>();
        var host = ParseHost(hostText);
        if (!host.IsOk) errors.AddRange(host.Errors);
        if (port is < 0 or > 65535) errors.Add(new Error(string.Create(Inv, $"--port {port} is not a TCP port (0 to 65535; 0 picks a free one).")));
        if (workers is < 1 or > 64) errors.Add(new Error(string.Create(Inv, $"--workers {workers} must be between 1 and 64.")));
        if (errors.Count > 0) return Cli.Report(terminal.Err, errors);

        var loaded = LoadAll(paths, workers);
        if (!loaded.IsOk) return Cli.Report(terminal.Err, loaded.Errors);
        var models = loaded.Value;
        try
        {
            await using var app = ServeApp.Build(models, host.Value, port);
            try
            {
                await app.StartAsync(cancellation);
            }
            catch (IOException e)
            {
                // Kestrel's AddressInUseException is an IOException; so is a bind to an address this machine lacks.
                return Cli.Report(terminal.Err, [new Error(string.Create(Inv,
                    $"Cannot listen on {hostText} port {port} ({e.Message.Split('\n')[0].TrimEnd('.')}): choose another --port (0 picks a free one)."))]);
            }
            var url = ServeApp.Address(app);
            foreach (var model in models)
            {
                var accuracy = model.Info.Accuracy is { } a ? string.Create(Inv, $"test accuracy {a * 100:0.00}%") : "no test accuracy recorded";
                terminal.Line(string.Create(Inv, $"model {model.Info.Id}: {model.Info.Name}, {accuracy}, {model.Replicas} replica(s)"));
            }
            if (!IPAddress.IsLoopback(host.Value))
                terminal.Notice($"note: listening on {host.Value}, which other machines may reach; the default 127.0.0.1 is this machine only.");
            terminal.Line($"Serving at {url} (open it in a browser; Ctrl+C stops).");
            try
            {
                await app.WaitForShutdownAsync(cancellation);
            }
            catch (OperationCanceledException) { }
            await app.StopAsync(CancellationToken.None);
            return Cli.Ok;
        }
        finally
        {
            foreach (var model in models) model.Dispose();
        }
    }

    /// <summary>Every run, <paramref name="workers"/> replicas each; every run's error is reported, nothing is left loaded on failure.</summary>
    internal static Result<List<ServedModel>> LoadAll(string[] paths, int workers)
    {
        var models = new List<ServedModel>();
        var errors = new List<Error>();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var replicas = new List<LoadedModel>();
            for (var i = 0; i < workers; i++)
            {
                var replica = Runs.TrainedRuns.Load(path, threads: 1);
                if (!replica.IsOk) { errors.AddRange(replica.Errors); break; }
                replicas.Add(replica.Value);
            }
            if (replicas.Count < workers)
            {
                foreach (var r in replicas) r.Dispose();
                continue;
            }
            var id = ModelId(replicas[0].Spec.Id, replicas[0].Run.Directory!);
            if (!ids.Add(id))
            {
                errors.Add(new Error($"{path} is served twice (as {id}); give each run once."));
                foreach (var r in replicas) r.Dispose();
                continue;
            }
            models.Add(new ServedModel(id, replicas));
        }
        if (errors.Count == 0) return models;
        foreach (var model in models) model.Dispose();
        return Result<List<ServedModel>>.Fail(errors);
    }
}
