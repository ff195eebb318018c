using System.Globalization;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <summary>
/// Downloads a Debian package's .deb into <paramref name="destination"/> and unpacks it there; returns the
/// directory that plays the role of <c>/</c> for the package's files.
/// </summary>
internal delegate Result<string> DebianUnpack(string package, string destination);

/// <summary>
/// Gets a Debian package's files without installing it, and so without root: <c>apt-get download</c>
/// (the user's own apt sources and proxy) and <c>dpkg-deb -x</c>, as <c>npm pack</c> is used for npm.
/// </summary>
internal static class Debian
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>The real apt-get and dpkg-deb, found on this process's PATH.</summary>
    public static Result<string> Unpack(string package, string destination) =>
        UsingPath(Environment.GetEnvironmentVariable("PATH"))(package, destination);

    public static DebianUnpack UsingPath(string? pathVariable) => (package, destination) =>
    {
        var apt = ExternalTool.Find(pathVariable, ["apt-get"], ':', File.Exists);
        var dpkg = ExternalTool.Find(pathVariable, ["dpkg-deb"], ':', File.Exists);
        if (apt is null || dpkg is null)
            return new Error("apt-get and dpkg-deb were not found on PATH (this is not a Debian or Ubuntu system).", ErrorKind.BadInput);

        return ExternalTool.Run(apt, ["download", package], destination, $"apt-get download {package}", Timeout).Bind(_ =>
        {
            var debs = Directory.GetFiles(destination, "*.deb");
            if (debs.Length != 1)
                return new Error(string.Create(CultureInfo.InvariantCulture,
                    $"'apt-get download {package}' succeeded but left {debs.Length} .deb files in {destination} instead of one."), ErrorKind.Failure);
            var root = Path.Combine(destination, "root");
            Directory.CreateDirectory(root);
            return ExternalTool.Run(dpkg, ["-x", debs[0], root], destination, $"dpkg-deb -x {Path.GetFileName(debs[0])}", Timeout)
                .Map(_ => root);
        });
    };
}
