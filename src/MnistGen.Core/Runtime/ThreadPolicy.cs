namespace MnistGen.Core.Runtime;

/// <summary>
/// How many LibTorch threads a training run uses when the user does not say (<c>--threads 0</c>). With the
/// short OpenMP spin (<see cref="TorchRuntime.SpinCount"/>) a second thread pays off from steps of a few
/// million multiply-adds: the MLP (7 M a batch) trains in 0.42 s an epoch on two threads against 0.52 s on
/// one, the CNNs (170-400 M) split well too. Only tiny steps, where waking a thread costs more than the work,
/// stay on one thread. Measured on this project's 2-core machines (AMD EPYC with AVX2, AMD EPYC with AVX-512;
/// benchmarks/results/ has one file per kind).
/// The callers pass the physical cores this process may use (<see cref="MachineFacts.PhysicalCores"/>: its
/// affinity mask divided by the hardware threads per core), which is also PyTorch's default: two SMT threads
/// of one core share its vector units, so a GEMM-bound step gains nothing from the second and its OpenMP
/// barrier waits for the slower of the two.
/// </summary>
internal static class ThreadPolicy
{
    /// <summary>Forward multiply-adds per training step below which one thread is used.</summary>
    public const long SmallStepMacs = 2_000_000;

    /// <param name="requested">The user's --threads; 0 = choose.</param>
    /// <param name="macsPerStep">Forward multiply-adds of one batch (per-image MACs x batch size).</param>
    /// <param name="cores">Physical cores available to the process.</param>
    public static int ForTraining(int requested, long macsPerStep, int cores) =>
        requested > 0 ? requested : macsPerStep < SmallStepMacs ? 1 : Math.Max(1, cores);
}
