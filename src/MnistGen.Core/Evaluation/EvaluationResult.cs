using System.Collections.Immutable;

namespace MnistGen.Core.Evaluation;

/// <summary>Accuracy of one class: how many test images have that label, and how many of them were predicted right.</summary>
public sealed record ClassAccuracy(int Class, int Count, int Correct)
{
    /// <summary>Fraction in [0, 1]; NaN when the split has no image of this class.</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;
}

/// <summary>A misclassified image: its index in the split, the true and predicted labels, and the probability given to the prediction.</summary>
public sealed record Mistake(int Index, int Label, int Predicted, double Confidence);

/// <summary>Counts[actual * Classes + predicted]: rows are true labels, columns predictions.</summary>
public sealed record ConfusionMatrix(int Classes, ImmutableArray<int> Counts)
{
    /// <summary>How many images labelled <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => Counts[actual * Classes + predicted];

    /// <summary>One row per true label, for tables and heat maps.</summary>
    public ImmutableArray<ImmutableArray<int>> Rows =>
        [.. Enumerable.Range(0, Classes).Select(r => Counts.Slice(r * Classes, Classes))];
}

/// <summary>A model's evaluation on a split.</summary>
/// <param name="Count">Images evaluated.</param>
/// <param name="Correct">Images predicted right.</param>
/// <param name="Loss">Mean loss per image.</param>
/// <param name="PerClass">Accuracy per true label, in label order.</param>
/// <param name="Confusion">Counts of (true label, prediction) pairs.</param>
/// <param name="WorstMistakes">Misclassified images, most confident first (the worst mistakes).</param>
public sealed record EvaluationResult(
    int Count,
    int Correct,
    double Loss,
    ImmutableArray<ClassAccuracy> PerClass,
    ConfusionMatrix Confusion,
    ImmutableArray<Mistake> WorstMistakes)
{
    /// <summary>Fraction predicted right, in [0, 1]; NaN for an empty split.</summary>
    public double Accuracy => Count == 0 ? double.NaN : (double)Correct / Count;
}
