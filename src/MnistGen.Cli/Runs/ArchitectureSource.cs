using System.Collections.Immutable;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;

namespace MnistGen.Cli.Runs;

/// <summary>
/// Where the command's architectures come from: the specs compiled into this program (this repository's
/// <c>specs/</c>), or a project that uses the MnistGen packages, built and loaded (the .NET tool run in a
/// consumer's project, or <c>--project</c>).
/// </summary>
public abstract record ArchitectureSource
{
    /// <summary>The architectures, loaded on first use; a project that does not build is an error naming it.</summary>
    public abstract Result<ImmutableArray<ArchitectureSpec>> Load();

    public Result<ArchitectureSpec> Find(string name) => Load().Bind(all => ArchitectureCatalog.Find(all, name));

    /// <summary>
    /// The source a command line means. Pure: <c>--project</c> (a .csproj, or a directory holding exactly one) wins;
    /// else a current directory holding exactly one project that references the MnistGen.Generators package; else
    /// the architectures compiled into this program.
    /// </summary>
    public static Result<ArchitectureSource> Choose(string? projectOption, string currentDirectory, Func<string, IReadOnlyList<string>> projectsIn, Func<string, string> readText, TextWriter notices)
    {
        if (!string.IsNullOrWhiteSpace(projectOption))
        {
            var path = Path.GetFullPath(projectOption, currentDirectory);
            if (path.EndsWith(".csproj", StringComparison.OrdinalIgnoreCase))
                return File.Exists(path) ? new ProjectBuild(path, notices) : new Error($"--project: {path} does not exist.", Code: ErrorCode.InvalidOption);
            if (!Directory.Exists(path)) return new Error($"--project: {path} is neither a .csproj nor a directory.", Code: ErrorCode.InvalidOption);
            var found = projectsIn(path);
            return found.Count == 1
                ? new ProjectBuild(found[0], notices)
                : new Error($"--project: {path} holds {(found.Count == 0 ? "no" : found.Count.ToString(System.Globalization.CultureInfo.InvariantCulture))} .csproj files; name one.", Code: ErrorCode.InvalidOption);
        }
        var here = projectsIn(currentDirectory).Where(p => UsesPackage(readText(p))).ToList();
        return here.Count == 1 ? new ProjectBuild(here[0], notices) : Compiled.Instance;
    }

    /// <summary>Whether a project file references the generator package (not this repository's project reference).</summary>
    public static bool UsesPackage(string projectText) =>
        projectText.Contains("PackageReference Include=\"MnistGen.Generators\"", StringComparison.OrdinalIgnoreCase);

    /// <summary>The architectures compiled into this program from this repository's specs/.</summary>
    public sealed record Compiled : ArchitectureSource
    {
        public static Compiled Instance { get; } = new();

        public override Result<ImmutableArray<ArchitectureSpec>> Load() => MnistGen.Models.Architectures.All;
    }

    /// <summary>
    /// A consumer project: built with <c>dotnet build</c>, its output assembly loaded into this process (MnistGen.Core and
    /// TorchSharp unify with this program's copies, so its ArchitectureSpec is ours), and its generated registry found by
    /// reflection: a public static class named Architectures with <c>ImmutableArray&lt;ArchitectureSpec&gt; All</c>. LibTorch's
    /// native libraries are taken from the project's build output (its libtorch package, patched for the host there).
    /// </summary>
    public sealed record ProjectBuild(string ProjectPath, TextWriter Notices) : ArchitectureSource
    {
        private Result<ImmutableArray<ArchitectureSpec>>? _loaded;

        public override Result<ImmutableArray<ArchitectureSpec>> Load() => _loaded ??= BuildAndLoad();

        private Result<ImmutableArray<ArchitectureSpec>> BuildAndLoad()
        {
            var name = Path.GetFileName(ProjectPath);
            Notices.WriteLine($"Building {name} to load its architectures...");
            var build = Dotnet("build", ProjectPath, "-nologo", "-v:q", "-clp:NoSummary;ErrorsOnly");
            if (build.ExitCode != 0)
                return new Error($"{ProjectPath} does not build, so its architectures cannot be loaded:\n{build.Output.Trim()}", ErrorKind.Failure);
            var target = Dotnet("msbuild", ProjectPath, "-nologo", "-getProperty:TargetPath");
            var assemblyPath = target.Output.Trim();
            if (target.ExitCode != 0 || !File.Exists(assemblyPath))
                return new Error($"{ProjectPath} built, but its output assembly was not found ('{assemblyPath}').", ErrorKind.Failure);
            UseNativeLibrariesFrom(Path.GetDirectoryName(assemblyPath)!);
            return Registry(Assembly.LoadFrom(assemblyPath), ProjectPath);
        }

        /// <summary>The generated registry of a loaded models assembly, or an error saying why there is none.</summary>
        public static Result<ImmutableArray<ArchitectureSpec>> Registry(Assembly assembly, string projectPath)
        {
            Type[] types;
            try { types = assembly.GetExportedTypes(); }
            catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
            {
                return new Error($"{projectPath}: its assembly could not be inspected ({e.Message.Split('\n')[0]}).", ErrorKind.Failure);
            }
            var registries = types
                .Where(t => t.Name == "Architectures" && t.IsAbstract && t.IsSealed)
                .Select(t => t.GetProperty("All", BindingFlags.Public | BindingFlags.Static))
                .Where(p => p is not null)
                .ToList();
            var ours = registries.Where(p => p!.PropertyType == typeof(ImmutableArray<ArchitectureSpec>)).ToList();
            if (ours.Count == 1) return (ImmutableArray<ArchitectureSpec>)ours[0]!.GetValue(null)!;
            if (registries.Count > 0)
                return new Error($"{projectPath}: its Architectures registry was compiled against another MnistGen.Core than this mnistgen " +
                                 $"({typeof(ArchitectureSpec).Assembly.GetName().Version}); use the same version of the packages and the tool.", ErrorKind.Failure);
            return new Error($"{projectPath} has no generated Architectures registry: reference the MnistGen.Generators package and add a spec under specs/.", ErrorKind.Failure);
        }

        private static void UseNativeLibrariesFrom(string outputDirectory)
        {
            var rid = RuntimeInformation.RuntimeIdentifier.StartsWith("linux", StringComparison.Ordinal) ? "linux-x64"
                : RuntimeInformation.RuntimeIdentifier.StartsWith("osx", StringComparison.Ordinal) ? "osx-arm64" : "win-x64";
            string[] directories = [Path.Combine(outputDirectory, "runtimes", rid, "native"), outputDirectory];
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += (_, libraryName) =>
            {
                foreach (var directory in directories)
                {
                    foreach (var file in new[] { libraryName, "lib" + libraryName + ".so", "lib" + libraryName + ".dylib", libraryName + ".dll" })
                    {
                        var path = Path.Combine(directory, file);
                        if (File.Exists(path) && NativeLibrary.TryLoad(path, out var handle)) return handle;
                    }
                }
                return IntPtr.Zero;
            };
        }

        private static (int ExitCode, string Output) Dotnet(params string[] arguments)
        {
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments) start.ArgumentList.Add(argument);
            // An MSBuild that started this program (an Exec task, a test host) would point the child build at its own SDK pieces.
            foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
                start.Environment.Remove(name);
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            var stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }
    }
}

/// <summary>The source this command line chose (set by <see cref="Cli.Run"/> before a command runs).</summary>
public static class Catalog
{
    private static ArchitectureSource _current = ArchitectureSource.Compiled.Instance;

    public static ArchitectureSource Current => _current;

    internal static void Use(ArchitectureSource source) => _current = source;

    public static Result<ImmutableArray<ArchitectureSpec>> All() => _current.Load();

    public static Result<ArchitectureSpec> Find(string name) => _current.Find(name);

    /// <summary>The projects (*.csproj) directly in a directory, in name order.</summary>
    public static IReadOnlyList<string> ProjectsIn(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, "*.csproj").Order(StringComparer.Ordinal).ToList() : [];
}
