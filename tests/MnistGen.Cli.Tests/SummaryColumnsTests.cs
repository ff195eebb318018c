using MnistGen.Cli.Output;
using MnistGen.Core.Specs;

namespace MnistGen.Cli.Tests;

/// <summary>The summary as a Keras user reads it: batch dimension, trainable / non-trainable counts, memory.</summary>
public class SummaryColumnsTests
{
    [Fact]
    public void Summary_shows_the_batch_dimension_and_the_parameter_totals_with_their_memory()
    {
        var outcome = CliRunner.Run("summary", "cnn-5x5");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains(outcome.OutLines, l => l.Contains("MACs per image"));
        Assert.Contains(outcome.OutLines, l => l.Contains("input") && l.Contains("[N, 1, 28, 28]"));
        Assert.Contains(outcome.OutLines, l => l.Contains("conv1") && l.Contains("[N, 32, 24, 24]") && l.Contains("832"));
        Assert.Contains(outcome.OutLines, l => l.Contains("fc2") && l.Contains("[N, 10]"));
        Assert.Equal(
            ["Total parameters: 317,066 (1.21 MB as float32)",
             "Trainable parameters: 317,066 (1.21 MB)",
             "Non-trainable parameters: 0 (0.00 MB; batch-norm running mean and variance)"],
            outcome.OutLines[^3..]);
    }

    [Fact]
    public void Batch_norm_running_statistics_count_as_non_trainable()
    {
        var summary = new ModelSummary(
        [
            new LayerSummary("conv1", "conv2d", [32, 24, 24], 832, 460_800),
            new LayerSummary("bn1", "batch_norm2d", [32, 24, 24], 64, 0, NonTrainable: 64),
            new LayerSummary("bn2", "batch_norm1d", [256], 512, 0, NonTrainable: 512),
        ], 1408, 460_800);
        var counts = ParameterCounts.Of(summary);
        Assert.Equal(new ParameterCounts(1408, 2 * 32 + 2 * 256, 4 * (1408 + 576)), counts);
        Assert.Equal(
            ["Total parameters: 1,984 (0.01 MB as float32)", "Trainable parameters: 1,408 (0.01 MB)",
             "Non-trainable parameters: 576 (0.00 MB; batch-norm running mean and variance)"],
            SummaryTable.Totals(counts).ToArray());
    }
}
