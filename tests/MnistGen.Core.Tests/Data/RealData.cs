using MnistGen.Core.Data;
using MnistGen.Core.Specs;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace MnistGen.Core.Tests.Data;

/// <summary>
/// Where the real data sets live for the tests: &lt;repo root&gt;/data/&lt;dataset&gt;, or $MNISTGEN_DATA/&lt;dataset&gt;;
/// on a clean checkout the fixture fetches them with the same verified fetch as <c>mnistgen data fetch</c>.
/// </summary>
internal static class RealData
{
    public static string RepositoryRoot => MnistGen.Tests.Shared.TestRepository.Root;

    public static string DirectoryOf(DatasetInfo info) =>
        DataDirectory.Resolve(info, null, Environment.GetEnvironmentVariable(DataDirectory.EnvironmentVariable), RepositoryRoot);

    public static Dataset FetchAndLoad(DatasetKind kind, IMessageSink sink)
    {
        var info = DatasetInfo.For(kind);
        void Notice(string line)
        {
            sink.OnMessage(new DiagnosticMessage(line));
            Console.Error.WriteLine(line);
        }
        var directory = DataFetcher.EnsureAvailable(kind, DirectoryOf(info), Notice);
        Assert.True(directory.IsOk, string.Join(" ", directory.Errors));
        var dataset = DatasetLoader.Load(kind, directory.Value);
        Assert.True(dataset.IsOk, string.Join(" ", dataset.Errors));
        return dataset.Value;
    }
}

public sealed class RealMnistFixture(IMessageSink sink) : IDisposable
{
    public Dataset Dataset { get; } = RealData.FetchAndLoad(DatasetKind.Mnist, sink);

    public void Dispose() => Dataset.Dispose();
}

public sealed class RealFashionMnistFixture(IMessageSink sink) : IDisposable
{
    public Dataset Dataset { get; } = RealData.FetchAndLoad(DatasetKind.FashionMnist, sink);

    public void Dispose() => Dataset.Dispose();
}
