namespace MnistGen.Cli.Tests;

/// <summary>Runs the <c>mnistgen</c> command in-process, capturing what it prints and its exit code.</summary>
internal static class CliRunner
{
    public static CliOutcome Run(params string[] args)
    {
        using var stdout = new StringWriter { NewLine = "\n" };
        using var stderr = new StringWriter { NewLine = "\n" };
        var code = Cli.Run(args, stdout, stderr);
        return new CliOutcome(code, stdout.ToString(), stderr.ToString());
    }
}

public sealed record CliOutcome(int ExitCode, string Out, string Err)
{
    public string[] OutLines => Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Bad input: exit code 2 and one line, <c>error: ...</c>, containing <paramref name="expected"/>.</summary>
    public void AssertOneLineBadInput(string expected)
    {
        Assert.Equal(2, ExitCode);
        var line = Assert.Single(ErrLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        AssertNoStackTrace();
    }

    /// <summary>Users get sentences, never a .NET stack trace or exception type.</summary>
    public void AssertNoStackTrace()
    {
        Assert.DoesNotContain("   at ", Out + Err);
        Assert.DoesNotContain("Exception", Out + Err);
    }
}

/// <summary>Runs the built <c>mnistgen</c> in a child process, for what the environment decides (PATH, variables).</summary>
internal static class CliProcess
{
    /// <summary>How the child's hints name the command (see <see cref="Invocation"/>): <c>dotnet</c> and the dll, as it is started here.</summary>
    public static string Command => Invocation.Decide(
        Path.Combine(Path.GetDirectoryName(Environment.ProcessPath!)!, "dotnet"), Path.Combine(AppContext.BaseDirectory, "mnistgen.dll"),
        Environment.CurrentDirectory, Environment.GetEnvironmentVariable("PATH"), File.Exists);

    public static async Task<CliOutcome> Run(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Path.Combine(Path.GetDirectoryName(Environment.ProcessPath!)!, "dotnet"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mnistgen.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliOutcome(process.ExitCode, (await stdout).Replace("\r\n", "\n", StringComparison.Ordinal), stderr.Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
