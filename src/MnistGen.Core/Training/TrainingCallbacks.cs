namespace MnistGen.Core.Training;

/// <summary>Progress inside an epoch, for a live bar: the shell derives images/s and the ETA from it.</summary>
/// <param name="Epoch">1-based epoch number.</param>
/// <param name="Epochs">Epochs the run trains in all.</param>
/// <param name="Batches">Batches in a whole epoch.</param>
/// <param name="Images">Images trained on so far in this epoch.</param>
/// <param name="Batch">1-based batch number within the epoch.</param>
/// <param name="EpochImages">Images in a whole epoch.</param>
/// <param name="MeanLoss">Mean training loss of the epoch so far.</param>
/// <param name="Elapsed">Time since the epoch started.</param>
public readonly record struct BatchProgress(
    int Epoch, int Epochs, int Batch, int Batches, long Images, long EpochImages, double MeanLoss, TimeSpan Elapsed);

/// <summary>
/// What the trainer tells its caller while it runs. All are called on the training thread; keep them quick
/// (a slow OnBatch slows training).
/// </summary>
/// <param name="OnBatch">After every <paramref name="BatchInterval"/>-th batch and after the last batch of an epoch.</param>
/// <param name="OnEpoch">After each epoch's test evaluation and checkpoint: the new report and the run so far.</param>
/// <param name="OnNotice">A one-line message for the user (device fallback, resuming from epoch k, ...).</param>
/// <param name="BatchInterval">How often <paramref name="OnBatch"/> is called, in batches.</param>
public sealed record TrainingCallbacks(
    Action<BatchProgress>? OnBatch = null,
    Action<EpochReport, TrainingRun>? OnEpoch = null,
    Action<string>? OnNotice = null,
    int BatchInterval = 1)
{
    /// <summary>No callbacks.</summary>
    public static TrainingCallbacks None { get; } = new();
}
