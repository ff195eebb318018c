namespace MnistGen.Tests.Shared;

/// <summary>The repository the tests run in: the first folder above the test binaries that holds MnistGen.sln.</summary>
internal static class TestRepository
{
    public static string Root { get; } = Find(AppContext.BaseDirectory);

    private static string Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "MnistGen.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No MnistGen.sln above {start}; the tests run from inside the repository.");
    }
}
