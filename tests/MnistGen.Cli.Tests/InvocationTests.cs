namespace MnistGen.Cli.Tests;

/// <summary>The hints print the command as the user can run it, not a 'mnistgen' they may not have on PATH.</summary>
public sealed class InvocationTests
{
    [Fact]
    public async Task Run_as_dotnet_mnistgen_dll_the_hints_name_that_form_and_it_works()
    {
        var outcome = await CliProcess.Run(new Dictionary<string, string?>(), "train");
        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.ErrLines);
        var match = System.Text.RegularExpressions.Regex.Match(line, @"^error: Name the architecture to train \(e\.g\. '(dotnet \S*mnistgen\.dll) train cnn-5x5'\); '\1 list' shows them\.$");
        Assert.True(match.Success, line);

        // The hinted form, run as printed (from the same directory), is the real command.
        var dll = match.Groups[1].Value["dotnet ".Length..];
        Assert.True(File.Exists(dll), dll);
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(Path.GetDirectoryName(Environment.ProcessPath!)!, "dotnet")) { RedirectStandardOutput = true };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("list");
        using var process = System.Diagnostics.Process.Start(start)!;
        var listed = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
        Assert.Contains("cnn-5x5", listed);
    }

    [Theory]
    [InlineData("/repo/src/MnistGen.Cli/bin/Debug/net10.0/mnistgen", null, "/repo", "/usr/bin", "src/MnistGen.Cli/bin/Debug/net10.0/mnistgen")]
    [InlineData("/repo/out/mnistgen", null, "/repo", "/usr/bin:/repo/out", "mnistgen")]
    [InlineData("/repo/out/mnistgen", null, "/elsewhere", "/usr/bin", "/repo/out/mnistgen")]
    [InlineData("/usr/share/dotnet/dotnet", "/repo/out/mnistgen.dll", "/repo", "/usr/bin", "dotnet out/mnistgen.dll")]
    [InlineData("/usr/share/dotnet/dotnet", "/repo/bin/testhost.dll", "/repo", "/usr/bin", "mnistgen")]
    [InlineData("/my runs/out/mnistgen", null, "/tmp", "", "'/my runs/out/mnistgen'")]
    public void The_command_form_follows_how_the_program_was_started(string process, string? entry, string cwd, string path, string expected)
    {
        var files = new HashSet<string>(StringComparer.Ordinal) { process };
        Assert.Equal(expected, Invocation.Decide(process, entry, cwd, path, files.Contains));
    }
}
