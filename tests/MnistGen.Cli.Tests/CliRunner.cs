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

    /// <summary>Users get sentences, never a .NET stack trace or exception type.</summary>
    public void AssertNoStackTrace()
    {
        Assert.DoesNotContain("   at ", Out + Err);
        Assert.DoesNotContain("Exception", Out + Err);
    }
}
