using System.Net;
using System.Net.Sockets;
using MnistGen.Cli.Commands;
using MnistGen.Cli.Output;
using MnistGen.Core.Checkpoints;

namespace MnistGen.Cli.Tests.Serve;

/// <summary><c>mnistgen serve</c> as a command: start-up refusals are one line and exit 2; a real start serves and stops.</summary>
[Collection("Serve")]
public sealed class ServeCommandTests(ServeFixture server) : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("mnistgen-serve-cmd-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void A_run_without_a_completed_epoch_is_refused_at_start_up()
    {
        // What run.json says while the first epoch is still training: no history, no checkpoint.
        var copy = Path.Combine(_scratch, "fresh");
        Directory.CreateDirectory(copy);
        var run = RunStore.ReadRun(server.RunDirectories[0]).Value;
        RunStore.WriteRecords(copy, run with { History = [], Checkpoint = null });
        var outcome = CliRunner.Run("serve", copy, "--port", "0");
        AssertOneLineBadInput(outcome, "no epoch of that run completed");
    }

    [Fact]
    public void A_port_in_use_is_one_line_and_exit_2()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var outcome = CliRunner.Run("serve", server.RunDirectories[0], "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        AssertOneLineBadInput(outcome, $"port {port}");
    }

    [Theory]
    [InlineData("--host", "not-an-address", "is not an IP address")]
    [InlineData("--port", "70000", "is not a TCP port")]
    [InlineData("--workers", "0", "--workers 0 must be between 1 and 64")]
    public void Bad_options_are_one_line_and_exit_2(string option, string value, string message)
    {
        var outcome = CliRunner.Run("serve", server.RunDirectories[0], option, value);
        AssertOneLineBadInput(outcome, message);
    }

    [Fact]
    public void A_missing_run_directory_is_one_line_and_exit_2()
    {
        var outcome = CliRunner.Run("serve", Path.Combine(_scratch, "nothing-here"));
        AssertOneLineBadInput(outcome, "does not exist");
    }

    [Fact]
    public void The_same_run_given_twice_is_refused()
    {
        var outcome = CliRunner.Run("serve", server.RunDirectories[0], server.RunDirectories[0], "--port", "0");
        AssertOneLineBadInput(outcome, "is served twice");
    }

    [Fact]
    public async Task Serve_prints_its_url_answers_on_it_and_stops_on_cancellation()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var terminal = new Terminal(TextWriter.Synchronized(stdout), TextWriter.Synchronized(stderr));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var serving = ServeCommand.Serve(terminal, [.. server.RunDirectories], "127.0.0.1", 0, workers: 1, stop.Token);

        string? url = null;
        for (var wait = 0; wait < 300 && url is null && !serving.IsCompleted; wait++)
        {
            await Task.Delay(50);
            url = stdout.ToString().Split('\n').FirstOrDefault(l => l.StartsWith("Serving at http://127.0.0.1:", StringComparison.Ordinal))?.Split(' ')[2];
        }
        Assert.True(url is not null, "no 'Serving at' line: " + stdout + stderr);
        Assert.Contains($"model {server.ModelIds[0]}: Mlp, test accuracy ", stdout.ToString());
        using (var client = new HttpClient())
            Assert.Equal("{\"status\":\"ok\",\"models\":2}", await client.GetStringAsync(url + "healthz"));

        await stop.CancelAsync();
        Assert.Equal(Cli.Ok, await serving.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("", stderr.ToString());
    }

    private static void AssertOneLineBadInput(CliOutcome outcome, string message)
    {
        Assert.Equal(Cli.BadInput, outcome.ExitCode);
        outcome.AssertNoStackTrace();
        var line = Assert.Single(outcome.ErrLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(message, line);
    }
}
