namespace MnistGen.Core.Runtime;

/// <summary>
/// How many LibTorch threads a training run uses when the user does not say (<c>--threads 0</c>). With the
/// short OpenMP spin (<see cref="TorchRuntime.SpinCount"/>) a second thread pays off from steps of a few
/// million multiply-adds: the MLP (7 M a batch) trains in 0.42 s an epoch on two threads against 0.52 s on
/// one, the CNNs (170-400 M) split well too. Only tiny steps, where waking a thread costs more than the work,
/// stay on one thread. Measured on this project's 2-core machine.
/// </summary>
internal static class ThreadPolicy
{
    /// <summary>Forward multiply-adds per training step below which one thread is used.</summary>
    public const long SmallStepMacs = 2_000_000;

    /// <param name="requested">The user's --threads; 0 = choose.</param>
    /// <param name="macsPerStep">Forward multiply-adds of one batch (per-image MACs x batch size).</param>
    /// <param name="cores">Processor count.</param>
    public static int ForTraining(int requested, long macsPerStep, int cores) =>
        requested > 0 ? requested : macsPerStep < SmallStepMacs ? 1 : Math.Max(1, cores);
}
