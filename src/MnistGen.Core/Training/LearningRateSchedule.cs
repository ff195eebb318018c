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
