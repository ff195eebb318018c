using System.Diagnostics;
using System.Globalization;

namespace MnistGen.Package.Tests;

/// <summary>
/// The packages, packed once per test run into a temporary feed, with a version new each run, so neither the global
/// packages folder nor a template cache can hand back an older package of the same version. By default the build
/// output of this repository's projects is packed (dotnet pack --no-build: they are built before this test, and
/// nothing is rebuilt while other test assemblies use them); MNISTGEN_PACKAGE_TEST_CLEAN=1 packs a copy of the sources
/// (no bin/, obj/, data/: a clean clone) with README's command instead, about two minutes more here.
/// </summary>
public sealed class PackedFeed : IDisposable
{
    /// <summary>Build output, caches and tool state anywhere in the tree; what .gitignore keeps out (data, runs, ...) at the top.</summary>
    private static readonly string[] SkippedAnywhere = ["bin", "obj", "TestResults", ".git", ".vs", ".idea", ".venv", ".deps", "node_modules", "__mismatch__"];
    private static readonly string[] SkippedAtTop = ["data", "runs", "artifacts", "out"];

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "mnistgen-package-" + Guid.NewGuid().ToString("N")[..8]);
    public string Feed => Path.Combine(Root, "feed");
    public string Version { get; } = "0.1.0-ci." + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
    public string PackOutput { get; }

    public PackedFeed()
    {
        var repository = MnistGen.Tests.Shared.TestRepository.Root;
        string[] pack = ["pack", "MnistGen.Packages.slnf", "-o", Feed, $"-p:Version={Version}", "-nologo", "-v:q", "-nodeReuse:false", "-p:UseSharedCompilation=false"];
        (int, string) packed;
        if (Environment.GetEnvironmentVariable("MNISTGEN_PACKAGE_TEST_CLEAN") == "1")
        {
            var clone = Path.Combine(Root, "clone");
            Copy(repository, clone, top: true);
            packed = Processes.Run(clone, null, TimeSpan.FromMinutes(8), "dotnet", [.. pack, "-c", "Release"]); // README's command
        }
        else
        {
            var configuration = typeof(PackedFeed).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
            packed = Processes.Run(repository, null, TimeSpan.FromMinutes(8), "dotnet", [.. pack, "-c", configuration, "--no-build"]);
        }
        var (exitCode, output) = packed;
        PackOutput = output;
        if (exitCode != 0)
        {
            Dispose(); // xunit never disposes a fixture whose constructor threw
            throw new InvalidOperationException($"dotnet pack failed ({exitCode}):\n{output}");
        }
    }

    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    private static void Copy(string from, string to, bool top)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from).Where(f => Path.GetFileName(f) != ".git")) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var directory in Directory.EnumerateDirectories(from))
        {
            var name = Path.GetFileName(directory);
            if (SkippedAnywhere.Contains(name, StringComparer.Ordinal) || (top && SkippedAtTop.Contains(name, StringComparer.Ordinal))) continue;
            Copy(directory, Path.Combine(to, name), top: false);
        }
    }

    public void Dispose()
    {
        if (Environment.GetEnvironmentVariable("MNISTGEN_KEEP_PACKAGE_TEST") == "1") return;
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>Child processes with no MSBuild state inherited from the test host and no build servers left behind.</summary>
internal static class Processes
{
    public static (int ExitCode, string Output) Run(string directory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout,
        string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program == "dotnet" ? Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet" : program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        // The test host's MSBuild variables would point the child build at the wrong SDK pieces.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["UseSharedCompilation"] = "false";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} took longer than {timeout}.");
        }
        process.WaitForExit();
        return (process.ExitCode, output.Result + errors.Result);
    }
}
