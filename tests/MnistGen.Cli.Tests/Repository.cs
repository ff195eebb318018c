using MnistGen.Core.Data;

namespace MnistGen.Cli.Tests;

/// <summary>The repository the tests run in, and the real MNIST directory inside it (fetched on first use, verified).</summary>
internal static class Repository
{
    public static string Root => MnistGen.Tests.Shared.TestRepository.Root;

    public static string MnistDirectory =>
        DataDirectory.Resolve(DatasetInfo.Mnist, null, Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable), Root);

    /// <summary>The real Fashion-MNIST directory (test.sh fetches it; train fetches it on first use).</summary>
    public static string FashionDirectory =>
        DataDirectory.Resolve(DatasetInfo.FashionMnist, null, Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable), Root);
}
