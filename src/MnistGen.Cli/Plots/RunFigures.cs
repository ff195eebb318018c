using MnistGen.Core.Data;
using MnistGen.Core.Training;

namespace MnistGen.Cli.Plots;

/// <summary>Figures drawn from a run or its data set, shared by the commands that draw them.</summary>
internal static class RunFigures
{
    /// <summary>
    /// Draws a run's losses.png from its history (<c>train</c> after every epoch, <c>plot</c> on request); a run
    /// without a directory or without a completed epoch draws nothing. Returns the figure's path, or null.
    /// </summary>
    public static string? Losses(TrainingRun run)
    {
        if (run.Paths is not { } paths || run.History.IsDefaultOrEmpty) return null;
        Figures.Losses(paths.LossesPng, $"{run.SpecId}: loss per epoch",
            [.. run.History.Select(h => new EpochPoint(h.Epoch, h.TrainLoss, h.TestLoss, h.TestAccuracy))]);
        return paths.LossesPng;
    }

    /// <summary>A test image back in 0..1 (white digit on black) for figures.</summary>
    public static float[] TestImage(Dataset data, int index)
    {
        using var image = data.Test.Images[index].flatten();
        return Denormalize(image.data<float>(), data.Mean, data.Std);
    }

    /// <summary>Normalised pixels back to intensities in 0..1, as figures draw them.</summary>
    public static float[] Denormalize(IEnumerable<float> normalized, double mean, double std) =>
        [.. normalized.Select(v => Math.Clamp((float)(v * std + mean), 0f, 1f))];
}
