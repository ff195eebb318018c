using System.Diagnostics;
using MnistGen.Core.Training;

namespace MnistGen.Cli.Tests;

/// <summary>Ctrl+C in a child process (SIGINT, as a terminal sends it): the report names only the files written.</summary>
public sealed class InterruptTests : IDisposable
{
    private readonly string _out = Directory.CreateTempSubdirectory("mnistgen-interrupt-").FullName;

    public void Dispose() => Directory.Delete(_out, recursive: true);

    [Fact]
    public async Task A_resume_interrupted_before_an_epoch_completes_names_only_the_records_it_rewrote()
    {
        // A 3-epoch run stopped after epoch 1, then resumed and stopped again at once, inside epoch 2.
        var first = await RunUntil(l => l.StartsWith("epoch 1/3", StringComparison.Ordinal),
            "train", "mlp", "--epochs", "3", "--threads", "1", "--data", Repository.MnistDirectory, "--out", _out);
        Assert.Equal(130, first.ExitCode);
        var run = Directory.GetDirectories(Path.Combine(_out, "mlp")).Single();
        Assert.Contains($"Interrupted after epoch 1; continue with: {CliProcess.Command} train --resume {run}", first.Out);
        Assert.Matches(PartialLine, first.Out);
        var model = File.GetLastWriteTimeUtc(Path.Combine(run, "model.bin"));

        var second = await RunUntil(l => l.StartsWith("Resuming ", StringComparison.Ordinal),
            "train", "--resume", run, "--threads", "1", "--data", Repository.MnistDirectory);

        Assert.Equal(130, second.ExitCode);
        var lines = second.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains($"Wrote {run}: run.json, history.csv", lines);
        Assert.Contains($"Interrupted after epoch 1; continue with: {CliProcess.Command} train --resume {run}", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("Test accuracy", StringComparison.Ordinal));
        Assert.Equal(model, File.GetLastWriteTimeUtc(Path.Combine(run, "model.bin")));
        Assert.Matches(PartialLine, second.Out);
    }

    /// <summary>What is lost, said on interrupt; mlp's 60,000 training images in batches of 64 are 938 batches.</summary>
    private static readonly System.Text.RegularExpressions.Regex PartialLine = new(
        @"(?m)^Epoch 2 was \d+% done \(\d+ of 938 batches\); that part is lost and the epoch restarts from its beginning on resume\.$");

    [Fact]
    public async Task A_run_interrupted_mid_epoch_and_resumed_has_the_history_of_an_uninterrupted_run()
    {
        var whole = CliRunner.Run("train", "mlp", "--epochs", "2", "--threads", "1", "--data", Repository.MnistDirectory, "--out", Path.Combine(_out, "whole"));
        Assert.Equal(0, whole.ExitCode);

        var stopped = await RunUntil(l => l.StartsWith("epoch 1/2", StringComparison.Ordinal),
            "train", "mlp", "--epochs", "2", "--threads", "1", "--data", Repository.MnistDirectory, "--out", Path.Combine(_out, "split"));
        Assert.Equal(130, stopped.ExitCode);
        Assert.Matches(PartialLine, stopped.Out);
        var run = Directory.GetDirectories(Path.Combine(_out, "split", "mlp")).Single();
        var resumed = CliRunner.Run("train", "--resume", run, "--threads", "1", "--data", Repository.MnistDirectory);
        Assert.Equal(0, resumed.ExitCode);

        static EpochReport[] History(string dir) =>
            [.. MnistGen.Core.Checkpoints.RunStore.ReadRun(dir).Value.History.Select(h => h with { Seconds = 0 })];
        Assert.Equal(History(Directory.GetDirectories(Path.Combine(_out, "whole", "mlp")).Single()), History(run));
    }

    /// <summary>Starts mnistgen, sends SIGINT once a line of its output matches, and waits for it to stop.</summary>
    private static async Task<CliOutcome> RunUntil(Func<string, bool> trigger, params string[] args)
    {
        var start = new ProcessStartInfo(Path.Combine(Path.GetDirectoryName(Environment.ProcessPath!)!, "dotnet"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mnistgen.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = new System.Text.StringBuilder();
        var sent = false;
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            stdout.Append(line).Append('\n');
            if (!sent && trigger(line))
            {
                using var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync();
                sent = true;
            }
        }
        await process.WaitForExitAsync();
        Assert.True(sent, "the trigger line never came: " + stdout);
        return new CliOutcome(process.ExitCode, stdout.ToString(), await stderr);
    }
}
