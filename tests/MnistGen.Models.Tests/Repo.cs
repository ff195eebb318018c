namespace MnistGen.Models.Tests;

internal static class Repo
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MnistGen.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("MnistGen.sln not found above " + AppContext.BaseDirectory);
    }
}
