namespace MnistGen.Core.Evaluation;

/// <summary>One test-set evaluation during training: after <see cref="Step"/> steps and <see cref="TrainSeconds"/> of training (evaluations excluded).</summary>
public sealed record AccuracyPoint(long Step, double TrainSeconds, double Accuracy);

/// <summary>Pure: when a series of evaluations first reaches an accuracy (the benchmark's time-to-accuracy mode).</summary>
public static class TimeToAccuracy
{
    /// <summary>
    /// The first evaluation whose accuracy is at least <paramref name="target"/> (a fraction), or null if none is.
    /// A tolerance of 1e-9 absorbs float noise, so 9,900 of 10,000 correct counts as reaching 0.99.
    /// </summary>
    public static AccuracyPoint? FirstReaching(IEnumerable<AccuracyPoint> evaluations, double target)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(target);
        AccuracyPoint? previous = null;
        foreach (var point in evaluations)
        {
            if (previous is not null && (point.Step <= previous.Step || point.TrainSeconds < previous.TrainSeconds))
                throw new ArgumentException("evaluations must be in training order (steps increasing, seconds not decreasing).", nameof(evaluations));
            if (point.Accuracy >= target - 1e-9) return point;
            previous = point;
        }
        return null;
    }
}
