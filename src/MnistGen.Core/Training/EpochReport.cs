using System.Text.Json.Serialization;

namespace MnistGen.Core.Training;

/// <summary>One row of a run's history. Losses are means per image; accuracy is a fraction in [0, 1].</summary>
/// <param name="Epoch">1-based.</param>
/// <param name="TrainLoss">Mean training loss over the epoch's batches (image-weighted).</param>
/// <param name="TestLoss">Mean loss on the test split after the epoch.</param>
/// <param name="TestAccuracy">Accuracy on the test split after the epoch, in [0, 1].</param>
/// <param name="LearningRate">The learning rate the epoch trained with.</param>
/// <param name="Seconds">Wall time of the epoch: training and the test (and validation) evaluation.</param>
public sealed record EpochReport(
    int Epoch,
    double TrainLoss,
    double TestLoss,
    double TestAccuracy,
    double LearningRate,
    double Seconds)
{
    /// <summary>Mean loss on the held-out validation images (<c>train --validation N</c>); null without a validation split (and in older run.json files).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ValidationLoss { get; init; }

    /// <summary>Accuracy on the held-out validation images, the number <c>best.bin</c> is chosen by; null without a validation split.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? ValidationAccuracy { get; init; }

    /// <summary>Equal in everything but the wall time: what determinism and resume promise.</summary>
    public bool SameResultAs(EpochReport other) =>
        Epoch == other.Epoch && TrainLoss.Equals(other.TrainLoss) && TestLoss.Equals(other.TestLoss) &&
        TestAccuracy.Equals(other.TestAccuracy) && LearningRate.Equals(other.LearningRate) &&
        Nullable.Equals(ValidationLoss, other.ValidationLoss) && Nullable.Equals(ValidationAccuracy, other.ValidationAccuracy);
}

/// <summary>What one training step hands back: .NET scalars only, never a tensor.</summary>
/// <param name="Loss">The batch's mean loss.</param>
/// <param name="Count">Images in the batch.</param>
internal readonly record struct StepResult(double Loss, int Count);

/// <summary>A test-set pass reduced to what the history needs.</summary>
internal readonly record struct TestSummary(double Loss, double Accuracy);

/// <summary>
/// Pure fold of step results into the epoch's train loss: the image-weighted mean of batch means, so a short
/// last batch counts for what it holds (the same as summing per-image losses).
/// </summary>
internal readonly record struct EpochAccumulator(double LossSum, long Images, int Steps)
{
    public static EpochAccumulator Empty => default;

    public EpochAccumulator Add(StepResult step) =>
        new(LossSum + step.Loss * step.Count, Images + step.Count, Steps + 1);

    public double MeanLoss => Images == 0 ? double.NaN : LossSum / Images;

    public EpochReport ToReport(int epoch, TestSummary test, double learningRate, double seconds) =>
        new(epoch, MeanLoss, test.Loss, test.Accuracy, learningRate, seconds);

    public static EpochReport Fold(int epoch, IEnumerable<StepResult> steps, TestSummary test, double learningRate, double seconds) =>
        steps.Aggregate(Empty, (acc, step) => acc.Add(step)).ToReport(epoch, test, learningRate, seconds);
}
