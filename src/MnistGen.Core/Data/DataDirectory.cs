namespace MnistGen.Core.Data;

/// <summary>Where a data set's files live on disk.</summary>
internal static class DataDirectory
{
    /// <summary>Names a root that replaces <c>./data</c>: the data set then lives in <c>$MNISTGEN_DATA/&lt;dataset&gt;</c>.</summary>
    public const string EnvironmentVariable = "MNISTGEN_DATA";

    /// <summary>
    /// <c>--data DIR</c> names the directory holding the data set's files; otherwise <c>$MNISTGEN_DATA/&lt;dataset&gt;</c>;
    /// otherwise <c>./data/&lt;dataset&gt;</c>. Relative paths are taken from <paramref name="currentDirectory"/>. Pure.
    /// </summary>
    public static string Resolve(DatasetInfo dataset, string? dataOption, string? environmentRoot, string currentDirectory)
    {
        if (!string.IsNullOrWhiteSpace(dataOption)) return Path.GetFullPath(dataOption, currentDirectory);
        var root = string.IsNullOrWhiteSpace(environmentRoot) ? Path.Combine(currentDirectory, "data") : environmentRoot;
        return Path.GetFullPath(Path.Combine(root, dataset.Name), currentDirectory);
    }

    /// <summary><see cref="Resolve(DatasetInfo, string?, string?, string)"/> with this process's environment and current directory.</summary>
    public static string Resolve(DatasetInfo dataset, string? dataOption) =>
        Resolve(dataset, dataOption, Environment.GetEnvironmentVariable(EnvironmentVariable), Environment.CurrentDirectory);
}
