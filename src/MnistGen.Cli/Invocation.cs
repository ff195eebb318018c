using System.Reflection;

namespace MnistGen.Cli;

/// <summary>
/// How to run this command again, as the user did, for the hints the CLI prints ("continue with: ...").
/// A README user runs the built program (through <c>dotnet run</c>, which starts the apphost in bin/, or
/// <c>out/mnistgen</c> after a publish, or <c>dotnet path/mnistgen.dll</c>); only when the program is
/// found on PATH is the bare <c>mnistgen</c> the form that works.
/// </summary>
internal static class Invocation
{
    public const string Name = "mnistgen";

    /// <summary>The command prefix for this process, computed once.</summary>
    public static string Command { get; } = Decide(
        Environment.ProcessPath, Assembly.GetEntryAssembly()?.Location, Environment.CurrentDirectory,
        Environment.GetEnvironmentVariable("PATH"), File.Exists);

    /// <summary>Pure but for <paramref name="exists"/>: the form of the command that works from <paramref name="currentDirectory"/>.</summary>
    public static string Decide(string? processPath, string? entryAssembly, string currentDirectory, string? path, Func<string, bool> exists)
    {
        if (processPath is null) return Name;
        var processName = Path.GetFileNameWithoutExtension(processPath);
        if (string.Equals(processName, Name, StringComparison.Ordinal))
        {
            var onPath = (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(dir => exists(Path.Combine(dir, Path.GetFileName(processPath))) && SameFile(Path.Combine(dir, Path.GetFileName(processPath)), processPath));
            return onPath ? Name : Quote(Relative(processPath, currentDirectory));
        }
        // dotnet mnistgen.dll: the host and the assembly. Anything else (a test host running the CLI in-process) keeps the name.
        if (string.Equals(processName, "dotnet", StringComparison.Ordinal) && entryAssembly is not null
            && string.Equals(Path.GetFileNameWithoutExtension(entryAssembly), Name, StringComparison.Ordinal))
            return "dotnet " + Quote(Relative(entryAssembly, currentDirectory));
        return Name;
    }

    private static bool SameFile(string a, string b) => string.Equals(Path.GetFullPath(a), Path.GetFullPath(b), StringComparison.Ordinal);

    /// <summary>A path below the current directory as ./-less relative text, anything else absolute.</summary>
    private static string Relative(string file, string currentDirectory)
    {
        var relative = Path.GetRelativePath(currentDirectory, file);
        if (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)) return file;
        return relative.Contains(Path.DirectorySeparatorChar) ? relative : "." + Path.DirectorySeparatorChar + relative;
    }

    private static string Quote(string text) => text.Any(char.IsWhiteSpace) ? "'" + text + "'" : text;
}
