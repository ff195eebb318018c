using System.Collections.Immutable;

namespace MnistGen.Core.Evaluation;

/// <summary>Pure: folds per-image predictions into the evaluation's metrics.</summary>
internal static class Metrics
{
    /// <param name="labels">True label per image.</param>
    /// <param name="predicted">Predicted label per image.</param>
    /// <param name="confidence">Probability the model gave its prediction, per image.</param>
    /// <param name="lossSum">Sum of the per-image losses.</param>
    public static EvaluationResult From(
        ReadOnlySpan<long> labels, ReadOnlySpan<long> predicted, ReadOnlySpan<float> confidence,
        double lossSum, int classes, int worstCount)
    {
        if (labels.Length != predicted.Length || labels.Length != confidence.Length)
            throw new ArgumentException("labels, predictions and confidences must have one entry per image.");
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);
        var confusion = new int[classes * classes];
        var mistakes = new List<Mistake>();
        var correct = 0;
        for (var i = 0; i < labels.Length; i++)
        {
            var (label, guess) = ((int)labels[i], (int)predicted[i]);
            if ((uint)label >= classes || (uint)guess >= classes)
                throw new ArgumentOutOfRangeException(nameof(labels), $"image {i} has label {label} / prediction {guess} outside 0..{classes - 1}.");
            confusion[label * classes + guess]++;
            if (label == guess) correct++;
            else mistakes.Add(new Mistake(i, label, guess, confidence[i]));
        }
        var perClass = Enumerable.Range(0, classes)
            .Select(c => new ClassAccuracy(c, Enumerable.Range(0, classes).Sum(p => confusion[c * classes + p]), confusion[c * classes + c]));
        var worst = mistakes
            .OrderByDescending(m => m.Confidence)
            .ThenBy(m => m.Index)
            .Take(Math.Max(0, worstCount));
        return new EvaluationResult(
            labels.Length, correct, labels.Length == 0 ? double.NaN : lossSum / labels.Length,
            [.. perClass], new ConfusionMatrix(classes, [.. confusion]), [.. worst]);
    }
}
