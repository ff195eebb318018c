using MnistGen.Core.Specs;

namespace MnistGen.Core.Training;

/// <summary>
/// Pure: the learning rate of each epoch (1-based), set once at the start of the epoch. Because it depends
/// only on (schedule, base rate, epoch, epochs), a resumed run uses exactly the rates of an uninterrupted one.
/// </summary>
internal static class LearningRateSchedule
{
    /// <summary>OneCycle's shape, as PyTorch's OneCycleLR defaults: 30% warm-up from max/25, then cosine down to max/25/1e4.</summary>
    public const double OneCyclePctStart = 0.3, OneCycleDivFactor = 25.0, OneCycleFinalDivFactor = 1e4;

    public static double At(ScheduleConfig schedule, double baseLr, int epoch, int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(epoch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        var e = epoch - 1; // epochs already done before this one
        return schedule.Kind switch
        {
            ScheduleKind.None => baseLr,
            // Like StepLR(step_size, gamma) stepped once per epoch.
            ScheduleKind.Step => baseLr * Math.Pow(schedule.Gamma, e / Math.Max(1, schedule.StepEvery)),
            // Like CosineAnnealingLR(T_max = epochs, eta_min = 0) stepped once per epoch.
            ScheduleKind.Cosine => baseLr * 0.5 * (1 + Math.Cos(Math.PI * e / epochs)),
            ScheduleKind.OneCycle => OneCycle(schedule.MaxLr > 0 ? schedule.MaxLr : baseLr, e, epochs),
            _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule.Kind, "unknown schedule"),
        };
    }

    /// <summary>
    /// The rate of one optimizer step: <paramref name="step"/> is 0-based over the whole run, which has
    /// stepsPerEpoch * epochs steps. A per-step schedule (cosine or one_cycle with PerStep) treats every step as
    /// the epoch formula treats an epoch, over all steps instead of epochs (like PyTorch's OneCycleLR and
    /// CosineAnnealingLR stepped after every batch); any other schedule is the rate of the step's epoch. Pure: the
    /// rate depends on (schedule, base rate, step, steps per epoch, epochs) alone, so a resumed run, which restarts
    /// at an epoch boundary, steps through exactly the rates of an uninterrupted one.
    /// </summary>
    public static double AtStep(ScheduleConfig schedule, double baseLr, long step, int stepsPerEpoch, int epochs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        var totalSteps = (long)stepsPerEpoch * epochs;
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, totalSteps);
        if (!IsPerStep(schedule)) return At(schedule, baseLr, (int)(step / stepsPerEpoch) + 1, epochs);
        return schedule.Kind == ScheduleKind.Cosine
            ? baseLr * 0.5 * (1 + Math.Cos(Math.PI * step / totalSteps))
            : OneCycleSteps(schedule.MaxLr > 0 ? schedule.MaxLr : baseLr, step, totalSteps);
    }

    /// <summary>Whether the rate changes at every step (cosine and one_cycle with PerStep), not only at epoch starts.</summary>
    public static bool IsPerStep(ScheduleConfig schedule) =>
        schedule.PerStep && schedule.Kind is ScheduleKind.Cosine or ScheduleKind.OneCycle;

    /// <summary>
    /// PyTorch's OneCycleLR (anneal_strategy 'cos', three_phase False) at step <paramref name="step"/> of
    /// <paramref name="totalSteps"/>: from max/25 up to max over the first 30% of the steps, then down to
    /// max/25/1e4 at the last step.
    /// </summary>
    private static double OneCycleSteps(double maxLr, long step, long totalSteps)
    {
        var initial = maxLr / OneCycleDivFactor;
        var final = initial / OneCycleFinalDivFactor;
        if (totalSteps == 1) return maxLr;
        // As torch: the warm-up ends at step pct_start * total - 1, the run at step total - 1.
        var warmEnd = OneCyclePctStart * totalSteps - 1;
        var last = totalSteps - 1.0;
        return step <= warmEnd
            ? CosineBetween(initial, maxLr, warmEnd <= 0 ? 1 : step / warmEnd)
            : CosineBetween(maxLr, final, (step - warmEnd) / (last - warmEnd));
    }

    /// <summary>The whole schedule, one rate per epoch (for display and tests).</summary>
    public static IReadOnlyList<double> All(ScheduleConfig schedule, double baseLr, int epochs) =>
        [.. Enumerable.Range(1, epochs).Select(epoch => At(schedule, baseLr, epoch, epochs))];

    private static double OneCycle(double maxLr, int e, int epochs)
    {
        var initial = maxLr / OneCycleDivFactor;
        var final = initial / OneCycleFinalDivFactor;
        if (epochs == 1) return maxLr;
        var last = epochs - 1;
        var warmEnd = OneCyclePctStart * last; // in epochs; the peak is at the epoch nearest to it
        return e <= warmEnd
            ? CosineBetween(initial, maxLr, warmEnd <= 0 ? 1 : e / warmEnd)
            : CosineBetween(maxLr, final, (e - warmEnd) / (last - warmEnd));
    }

    private static double CosineBetween(double start, double end, double fraction) =>
        end + (start - end) * 0.5 * (1 + Math.Cos(Math.PI * fraction));
}
