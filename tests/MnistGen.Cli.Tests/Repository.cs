using MnistGen.Core.Data;

namespace MnistGen.Cli.Tests;

/// <summary>The repository the tests run in, and the real MNIST directory inside it (fetched on first use, verified).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot(AppContext.BaseDirectory);

    public static string MnistDirectory =>
        DataDirectory.Resolve(DatasetInfo.Mnist, null, Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable), Root);

    private static string FindRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MnistGen.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No MnistGen.sln above {start}; the CLI tests run from inside the repository.");
    }
}
