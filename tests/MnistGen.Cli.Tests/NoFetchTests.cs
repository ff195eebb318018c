using MnistGen.Core.Data;

namespace MnistGen.Cli.Tests;

/// <summary>Only train and data fetch may download; eval and predict say what is missing and how to get it.</summary>
public sealed partial class EndToEndTests
{
    // npm only and no npm on PATH: were anything to try a fetch, it could not reach a network from a test.
    private Dictionary<string, string?> NoFetchEnvironment => new()
    {
        ["PATH"] = Path.Combine(_scratch, "no-npm-here"),
        [FetchPlan.SourcesVariable] = "npm",
    };

    [Fact]
    public async Task Eval_with_an_empty_data_directory_names_the_fetch_command_and_downloads_nothing()
    {
        var empty = Path.Combine(_scratch, "empty");
        Directory.CreateDirectory(empty);
        var outcome = await CliProcess.Run(NoFetchEnvironment, "eval", trained.RunDirectory, "--data", empty, "--out", _scratch);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(
            [$"error: {empty} has no MNIST files; eval does not download: run '{CliProcess.Command} data fetch --dataset mnist --data {empty}' first, or give --data DIR where the files are."],
            outcome.ErrLines);
        Assert.Empty(Directory.GetFileSystemEntries(empty));
        Assert.False(File.Exists(Path.Combine(_scratch, "confusion.png")));
    }

    [Fact]
    public async Task Predict_test_index_with_half_the_files_names_the_missing_ones_and_downloads_nothing()
    {
        var half = Path.Combine(_scratch, "half");
        Directory.CreateDirectory(half);
        foreach (var name in new[] { "train-images-idx3-ubyte", "train-labels-idx1-ubyte" })
            foreach (var file in Directory.GetFiles(Repository.MnistDirectory, name + "*"))
                File.Copy(file, Path.Combine(half, Path.GetFileName(file)));
        var before = Directory.GetFiles(half).Order(StringComparer.Ordinal).ToArray();
        var outcome = await CliProcess.Run(NoFetchEnvironment, "predict", trained.RunDirectory, "--test-index", "0", "--data", half, "--out", _scratch);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(
            [$"error: {half} lacks t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte of MNIST; predict does not download: run '{CliProcess.Command} data fetch --dataset mnist --data {half}' first, or give --data DIR where the files are."],
            outcome.ErrLines);
        Assert.Equal(before, Directory.GetFiles(half).Order(StringComparer.Ordinal).ToArray());
    }
}
