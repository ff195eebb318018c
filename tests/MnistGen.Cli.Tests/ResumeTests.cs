namespace MnistGen.Cli.Tests;

/// <summary>Resuming says only what happened, and writes only what it rewrote.</summary>
public sealed partial class EndToEndTests
{
    [Fact]
    public void Resuming_a_completed_run_says_it_is_complete_and_writes_nothing()
    {
        var copy = CopyRun();
        var before = FilesWithTimes(copy);
        var accuracy = (trained.Run.Final!.TestAccuracy * 100).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

        var outcome = CliRunner.Run("train", "--resume", copy, "--threads", "1", "--data", Repository.MnistDirectory);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal([$"{copy} is already complete (1 of 1 epochs, test accuracy {accuracy}%): nothing was trained and no file was written."], outcome.OutLines);
        Assert.Empty(outcome.Err);
        Assert.Equal(before, FilesWithTimes(copy));
    }

    private static string FilesWithTimes(string directory) => string.Join("\n",
        Directory.GetFiles(directory).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetFileName(f)} {File.GetLastWriteTimeUtc(f).Ticks} {new FileInfo(f).Length}"));
}
