namespace MnistGen.Core.Runtime;

/// <summary>
/// How many LibTorch threads a training run uses when the user does not say (<c>--threads 0</c>). A step whose
/// work is small (the MLP: 7 M multiply-adds a batch) finishes before a second thread is worth waking, and with
/// the passive OpenMP wait policy each parallel region pays a wake-up; the CNNs' steps (170-400 M) split well
/// over the cores. The threshold sits between the two, measured on this project's 2-core machine.
/// </summary>
public static class ThreadPolicy
{
    /// <summary>Forward multiply-adds per training step below which one thread is used.</summary>
    public const long SmallStepMacs = 50_000_000;

    /// <param name="requested">The user's --threads; 0 = choose.</param>
    /// <param name="macsPerStep">Forward multiply-adds of one batch (per-image MACs x batch size).</param>
    /// <param name="cores">Processor count.</param>
    public static int ForTraining(int requested, long macsPerStep, int cores) =>
        requested > 0 ? requested : macsPerStep < SmallStepMacs ? 1 : Math.Max(1, cores);
}
