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
        Assert.Equal([$"{copy} is already complete (1 of 1 epochs, test accuracy {accuracy}%): nothing was trained and no file was written; to train on, give --epochs above 1."], outcome.OutLines);
        Assert.Empty(outcome.Err);
        Assert.Equal(before, FilesWithTimes(copy));
    }

    [Fact]
    public void Resume_with_more_epochs_and_another_lr_extends_the_run_and_records_the_change()
    {
        var copy = CopyRun();
        var lr = trained.Run.Config.Optimizer.Lr;
        var inv = System.Globalization.CultureInfo.InvariantCulture;

        var outcome = CliRunner.Run("train", "--resume", copy, "--epochs", "2", "--lr", "0.002", "--threads", "1", "--data", Repository.MnistDirectory);

        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains(string.Create(inv, $"Changing {copy} after epoch 1: 1 to 2 epochs, learning rate {lr} to 0.002 (the schedule follows the new values; run.json records the change)."), outcome.OutLines);
        Assert.Contains(outcome.OutLines, l => l.StartsWith("epoch 2/2", StringComparison.Ordinal));
        var run = MnistGen.Core.Checkpoints.RunStore.ReadRun(copy).Value;
        Assert.Equal(MnistGen.Core.Training.RunStatus.Completed, run.Status);
        Assert.Equal(2, run.Config.Epochs);
        Assert.Equal(trained.Run.History[0], run.History[0]);
        Assert.Equal(0.002, run.History[1].LearningRate);
        Assert.Equal([new MnistGen.Core.Training.ConfigChange(1, 1, 2, lr, 0.002)], run.Changes.ToArray());
    }

    [Fact]
    public void Resume_with_another_batch_size_is_refused_with_the_reason_and_changes_nothing()
    {
        var copy = CopyRun();
        var before = FilesWithTimes(copy);
        var outcome = CliRunner.Run("train", "--resume", copy, "--epochs", "2", "--batch-size", "32", "--data", Repository.MnistDirectory);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal([$"error: --batch-size 32 differs from the run being resumed in {copy} (64): its epochs and their shuffle are made of batches of that size; drop --batch-size to continue that run, or start a new run."], outcome.ErrLines);
        Assert.Equal(before, FilesWithTimes(copy));
    }

    private static string FilesWithTimes(string directory) => string.Join("\n",
        Directory.GetFiles(directory).Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetFileName(f)} {File.GetLastWriteTimeUtc(f).Ticks} {new FileInfo(f).Length}"));
}
