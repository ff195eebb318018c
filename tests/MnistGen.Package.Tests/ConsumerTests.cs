using System.Globalization;
using System.IO.Compression;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace MnistGen.Package.Tests;

/// <summary>
/// What the packages promise, tried as a newcomer would: in a directory outside the repository with its own nuget.config (the
/// temporary feed, then the inherited sources), `dotnet new mnistgen`, build, a spec with a typo fails the build at its
/// line and column, the fixed spec builds and deleting it removes its class, one epoch trains through the template's
/// Program, the template's snapshot test passes (and fails when its snapshot differs), and the tool installed from the
/// feed lists the project's architectures.
/// </summary>
public sealed class ConsumerTests(PackedFeed feed, ITestOutputHelper log) : IClassFixture<PackedFeed>
{
    private static readonly TimeSpan Minutes5 = TimeSpan.FromMinutes(5);

    [Fact]
    public void Packages_hold_what_they_ship_and_no_test_or_benchmark_output()
    {
        var packages = new Dictionary<string, string[]>
        {
            ["MnistGen.Generators"] = ["analyzers/dotnet/cs/MnistGen.Generators.dll", "analyzers/dotnet/cs/YamlDotNet.dll",
                                       "build/MnistGen.Generators.props", "build/MnistGen.Generators.targets"],
            ["MnistGen.Core"] = ["lib/net10.0/MnistGen.Core.dll", "buildTransitive/MnistGen.Core.targets", "buildTransitive/WeakenGlibcxxRequirement.cs"],
            ["mnistgen"] = ["tools/net10.0/any/mnistgen.dll", "tools/net10.0/any/MnistGen.Models.dll", "tools/net10.0/any/TorchSharp.dll"],
            ["MnistGen.Templates"] = ["content/mnistgen/.template.config/template.json", "content/mnistgen/MyDigits.slnx", "content/mnistgen/MyDigits/Program.cs",
                                      "content/mnistgen/MyDigits/specs/digits-mlp.yaml", "content/mnistgen/MyDigits.Tests/snapshots/DigitsMlp.g.cs"],
        };
        Assert.Equal(packages.Count, Directory.GetFiles(feed.Feed, "*.nupkg").Length);
        foreach (var (id, expected) in packages)
        {
            var path = feed.Package(id);
            using var zip = ZipFile.OpenRead(path);
            var entries = zip.Entries.Select(e => e.FullName).ToList();
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id}: {new FileInfo(path).Length / 1024.0:N0} KB, {entries.Count} files"));
            foreach (var entry in expected) Assert.Contains(entry, entries);
            Assert.DoesNotContain(entries, e => e.Contains(".Tests", StringComparison.OrdinalIgnoreCase) && !e.StartsWith("content/mnistgen/MyDigits.Tests/", StringComparison.Ordinal));
            Assert.DoesNotContain(entries, e => e.Contains("Bench", StringComparison.OrdinalIgnoreCase) || e.Contains("xunit", StringComparison.OrdinalIgnoreCase) && id != "MnistGen.Templates");
            Assert.DoesNotContain(entries, e => e.Contains("/bin/", StringComparison.Ordinal) || e.Contains("/obj/", StringComparison.Ordinal));
        }
        using (var generators = ZipFile.OpenRead(feed.Package("MnistGen.Generators")))
            Assert.DoesNotContain(generators.Entries, e => e.FullName.StartsWith("lib/", StringComparison.Ordinal));
        // The tool carries no LibTorch (the project it runs in has it).
        using (var tool = ZipFile.OpenRead(feed.Package("mnistgen")))
            Assert.DoesNotContain(tool.Entries, e => e.Name.StartsWith("libtorch", StringComparison.Ordinal) || e.Name.Contains("LibTorchSharp", StringComparison.Ordinal));
        using (var templates = ZipFile.OpenRead(feed.Package("MnistGen.Templates")))
        using (var reader = new StreamReader(templates.GetEntry("content/mnistgen/.template.config/template.json")!.Open()))
            Assert.Contains($"\"value\": \"{feed.Version}\"", reader.ReadToEnd());
    }

    [Fact]
    public void A_new_project_builds_reports_spec_errors_trains_passes_its_snapshot_test_and_the_tool_lists_it()
    {
        var consumer = Path.Combine(feed.Root, "consumer");
        Directory.CreateDirectory(consumer);
        var packages = Path.Combine(feed.Root, "nuget-packages");
        var globalPackages = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } set
            ? set : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // The feed first, the inherited sources after (no <clear/>); packages this machine already has are read from its
        // global folder as a fallback, so only the MnistGen packages land in the temporary one.
        File.WriteAllText(Path.Combine(consumer, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="mnistgen-test-feed" value="{feed.Feed}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="machine" value="{globalPackages}" />
              </fallbackPackageFolders>
            </configuration>
            """);
        var dataRoot = Environment.GetEnvironmentVariable("MNISTGEN_DATA") is { Length: > 0 } data
            ? data : Path.Combine(MnistGen.Tests.Shared.TestRepository.Root, "data");
        var environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = packages, ["MNISTGEN_DATA"] = dataRoot };
        var hive = Path.Combine(feed.Root, "template-hive");

        Ok(Dotnet(consumer, "new", "install", feed.Package("MnistGen.Templates"), "--debug:custom-hive", hive));
        Ok(Dotnet(consumer, "new", "mnistgen", "-n", "MyDigits", "--debug:custom-hive", hive));
        var solution = Path.Combine(consumer, "MyDigits");
        var project = Path.Combine(solution, "MyDigits");
        Ok(Build(project));
        Assert.Equal(["DigitsMlp"], ModelClasses(project));

        // A typo in a new spec: the build fails at that key's line and column.
        var spec = Path.Combine(project, "specs", "wide.yaml");
        var typo = File.ReadAllText(Path.Combine(project, "specs", "digits-mlp.yaml"))
            .Replace("name: DigitsMlp", "name: Wide").Replace("{ name: fc1, out: 64 }", "{ name: fc1, out: 128, bais: false }");
        File.WriteAllText(spec, typo);
        var lines = typo.Split('\n');
        var line = Array.FindIndex(lines, l => l.Contains("bais", StringComparison.Ordinal));
        var expected = string.Create(CultureInfo.InvariantCulture, $"specs/wide.yaml({line + 1},{lines[line].IndexOf("bais", StringComparison.Ordinal) + 1}): error MNG0002: Unknown key 'bais' in linear. Did you mean 'bias'?");
        var failed = Build(project);
        Assert.NotEqual(0, failed.ExitCode);
        Assert.Contains(expected, failed.Output.Replace('\\', '/'));

        File.WriteAllText(spec, typo.Replace("bais", "bias"));
        Ok(Build(project));
        Assert.Equal(["DigitsMlp", "Wide"], ModelClasses(project));
        File.Delete(spec);
        Ok(Build(project));
        Assert.Equal(["DigitsMlp"], ModelClasses(project));

        // One epoch through the template's Program.
        var run = Ok(Dotnet(project, "run", "--no-build", "--", "1"));
        var accuracy = Regex.Match(run, @"DigitsMlp: test accuracy (\d+\.\d+) % after 1 epoch");
        Assert.True(accuracy.Success, run);
        Assert.InRange(double.Parse(accuracy.Groups[1].Value, CultureInfo.InvariantCulture), 85.0, 100.0);

        // The project's top folder holds its solution: `dotnet build` and `dotnet test` work there as typed, and the
        // template's snapshot test passes, and fails once its snapshot differs from the generated code.
        Ok(Build(solution));
        Assert.Contains("Passed!", Ok(Dotnet(solution, "test", "-nologo", "-p:UseSharedCompilation=false")));
        var tests = Path.Combine(solution, "MyDigits.Tests");
        var snapshot = Path.Combine(tests, "snapshots", "DigitsMlp.g.cs");
        var reviewed = File.ReadAllText(snapshot);
        File.WriteAllText(snapshot, reviewed.Replace("One hidden layer of 64 units", "One hidden layer of 65 units"));
        var changed = Dotnet(tests, "test", "--no-build", "-nologo");
        Assert.NotEqual(0, changed.ExitCode);
        Assert.Contains("Generated_code_matches_its_snapshot", changed.Output);
        File.WriteAllText(snapshot, reviewed);

        // The tool, from the feed, lists this project's architectures (not the ones of MnistGen's own specs).
        var tools = Path.Combine(feed.Root, "tools");
        Ok(Dotnet(consumer, "tool", "install", "--tool-path", tools, "--add-source", feed.Feed, "mnistgen", "--version", feed.Version));
        var list = Ok(Processes.Run(project, environment, Minutes5, Path.Combine(tools, "mnistgen"), "list"));
        Assert.Contains("digits-mlp", list);
        Assert.Contains("DigitsMlp", list);
        Assert.DoesNotContain("cnn-5x5", list);

        (int ExitCode, string Output) Dotnet(string directory, params string[] arguments) => Processes.Run(directory, environment, Minutes5, "dotnet", arguments);
        (int ExitCode, string Output) Build(string directory) =>
            Processes.Run(directory, environment, Minutes5, "dotnet", "build", "-nologo", "-v:q", "-nodeReuse:false", "-p:UseSharedCompilation=false");
    }

    private string Ok((int ExitCode, string Output) result)
    {
        log.WriteLine(result.Output);
        Assert.True(result.ExitCode == 0, $"exit code {result.ExitCode}:\n{result.Output}");
        return result.Output;
    }

    /// <summary>The TorchSharp modules in the built assembly (read as metadata, nothing loaded), in name order.</summary>
    private static List<string> ModelClasses(string project)
    {
        using var stream = File.OpenRead(Path.Combine(project, "bin", "Debug", "net10.0", "MyDigits.dll"));
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.TypeDefinitions.Select(reader.GetTypeDefinition)
            .Where(t => reader.GetString(t.Namespace) == "MyDigits" && !t.BaseType.IsNil && t.BaseType.Kind == HandleKind.TypeSpecification)
            .Select(t => reader.GetString(t.Name))
            .Order(StringComparer.Ordinal)
            .ToList();
    }
}
