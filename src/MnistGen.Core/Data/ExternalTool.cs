using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <summary>
/// Runs a tool the user already has (npm, apt-get, dpkg-deb) with its own settings, registry, proxy and
/// cache: a non-zero exit becomes one error quoting the tool's own first error line.
/// </summary>
internal static class ExternalTool
{
    /// <summary>The first of <paramref name="names"/> found on <paramref name="pathVariable"/>, or null.</summary>
    public static string? Find(string? pathVariable, IReadOnlyList<string> names, char separator, Func<string, bool> fileExists) =>
        (pathVariable ?? "")
            .Split(separator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .SelectMany(dir => names.Select(name => Path.Combine(dir, name)))
            .FirstOrDefault(fileExists);

    /// <summary>Runs <paramref name="executable"/> in <paramref name="workingDirectory"/>; <paramref name="display"/> names the command in errors.</summary>
    public static Result<string> Run(string executable, IEnumerable<string> arguments, string workingDirectory, string display, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in arguments) start.ArgumentList.Add(arg);

        try
        {
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                return new Error(string.Create(CultureInfo.InvariantCulture,
                    $"'{display}' did not finish within {timeout.TotalMinutes:0} minutes and was stopped."), ErrorKind.Failure);
            }
            process.WaitForExit();
            if (process.ExitCode != 0)
                return new Error(string.Create(CultureInfo.InvariantCulture,
                    $"'{display}' failed with exit code {process.ExitCode}: {Explain(stderr.Result, stdout.Result)}."), ErrorKind.Failure);
            return stdout.Result;
        }
        catch (Win32Exception e)
        {
            return new Error($"Could not run {executable}: {e.Message.TrimEnd('.')}.", ErrorKind.Failure);
        }
    }

    /// <summary>The tool's own first error line ("npm error code E404", "E: Unable to locate package x"), or its last line of output.</summary>
    public static string Explain(string stderr, string stdout)
    {
        var lines = (stderr + "\n" + stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var reason = lines.FirstOrDefault(IsErrorLine) ?? lines.LastOrDefault() ?? "it printed nothing";
        return reason.TrimEnd('.');
    }

    private static bool IsErrorLine(string line) =>
        line.StartsWith("npm error", StringComparison.Ordinal) || line.StartsWith("npm ERR!", StringComparison.Ordinal)
        || line.StartsWith("E: ", StringComparison.Ordinal) || line.StartsWith("dpkg-deb: error", StringComparison.Ordinal);
}
