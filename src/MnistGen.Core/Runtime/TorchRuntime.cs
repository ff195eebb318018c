using System.Globalization;
using System.Runtime.InteropServices;
using MnistGen.Core.Functional;
using TorchSharp;

namespace MnistGen.Core.Runtime;

/// <summary>
/// Process-wide LibTorch set-up, done once before the first torch call: the OpenMP wait policy, the
/// intra-op thread count, and a load check that turns a native failure into one readable sentence.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _prepared;

    /// <summary>
    /// Everything that must happen before LibTorch loads; idempotent. Call it first thing in a process
    /// (the CLI and the test assemblies do).
    /// </summary>
    public static void PrepareProcess()
    {
        lock (Gate)
        {
            if (_prepared) return;
            _prepared = true;
            SetWaitPolicy();
            KeepFreedMemory();
        }
    }

    /// <summary>
    /// How many times an idle OpenMP thread polls for new work before it sleeps (libgomp's GOMP_SPINCOUNT),
    /// about 50-100 microseconds here.
    /// </summary>
    internal const int SpinCount = 10_000;

    /// <summary>
    /// OpenMP threads spin-wait for 300,000 polls by default; on a 2-core machine where anything else runs,
    /// that made 2-thread training 10-20x slower than 1 thread. Fully passive threads (no spin) cost a futex
    /// wake-up at each of a step's ~100 parallel regions instead: with a short spin (<see cref="SpinCount"/>)
    /// the second thread catches the next region awake, and a 2-thread epoch on an idle machine took 8.3 s
    /// instead of 10.4 (cnn-3x3) and 10.4 instead of 12.0 (cnn-5x5). The cost when another process keeps a
    /// core busy: 35 s instead of 23 (cnn-3x3; one thread, 16 s, is the right choice there anyway, README).
    /// libgomp reads both variables once, when LibTorch loads, from the C environment: .NET's
    /// Environment.SetEnvironmentVariable does not reach it on Unix, so we call libc's setenv. Values the
    /// user set are kept.
    /// </summary>
    private static void SetWaitPolicy()
    {
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is { Length: > 0 }) return;
        SetNative("OMP_WAIT_POLICY", "PASSIVE");
        if (Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not { Length: > 0 })
            SetNative("GOMP_SPINCOUNT", SpinCount.ToString(CultureInfo.InvariantCulture));
    }

    private static void SetNative(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsWindows()) return;
        try { _ = NativeMethods.setenv(name, value, 1); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    /// <summary>
    /// Each training step frees and re-allocates the same few megabytes of activations. glibc returns
    /// freed memory at the top of the heap (and every large mmap'd block) to the kernel, so the next step
    /// page-faults it back in: about 12% of a CNN step's time went to the kernel's page clearing here.
    /// Raising the mmap threshold to its maximum (32 MB) and never trimming keeps those pages; RSS then
    /// stays at the peak of one step, which is flat across epochs.
    /// </summary>
    private static void KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        const int mTrimThreshold = -1, mMmapThreshold = -3;
        try
        {
            _ = NativeMethods.mallopt(mMmapThreshold, 32 * 1024 * 1024);
            _ = NativeMethods.mallopt(mTrimThreshold, int.MaxValue);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // not glibc: leave it
    }

    /// <summary>Sets the wait policy, loads LibTorch and sets the intra-op thread count (0 = LibTorch's default).</summary>
    public static Result<int> Initialize(int threads = 0)
    {
        if (threads < 0)
            return new Error(string.Create(CultureInfo.InvariantCulture, $"--threads must be 0 (automatic) or a positive number, not {threads}."), Code: ErrorCode.InvalidOption);
        return Loaded(() =>
        {
            if (threads > 0) torch.set_num_threads(threads);
            return torch.get_num_threads();
        });
    }

    /// <summary>
    /// Loads LibTorch, after the OpenMP wait policy (<see cref="PrepareProcess"/>), and reports whether CUDA is
    /// available; a native library that cannot load is an error naming what to check. Idempotent and cheap.
    /// <see cref="Data.DatasetLoader"/> and <see cref="Training.Trainer"/> call it; a program that makes tensors of
    /// its own before either should call it first.
    /// </summary>
    public static Result<RuntimeFacts> Start() => Loaded(() => new RuntimeFacts(CudaAvailable: torch.cuda.is_available()));

    /// <summary>Sets LibTorch's intra-op thread count (0 keeps it) and returns the count in force; LibTorch must be started.</summary>
    public static int SetThreads(int threads)
    {
        if (threads > 0) torch.set_num_threads(threads);
        return torch.get_num_threads();
    }

    private static Result<T> Loaded<T>(Func<T> firstTorchCall)
    {
        PrepareProcess();
        try
        {
            var result = firstTorchCall();
            StartupTrace.Mark("libtorch_loaded");
            return result;
        }
        catch (Exception e) when (e is NotSupportedException or DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            return new Error(
                "Could not load the LibTorch native libraries (" + FirstLine(Innermost(e).Message) + "); check that the " +
                "libtorch-cpu package restored and that libLibTorchSharp.so loads (ldd on it shows what is missing; see README, Troubleshooting).",
                ErrorKind.Failure, ErrorCode.RuntimeUnavailable);
        }
    }

    /// <summary>
    /// Between epochs: hands the heap pages that are free right now back to the kernel (glibc malloc_trim).
    /// Steps keep their pages (see KeepFreedMemory); an epoch boundary is where the evaluation's and the
    /// checkpoint's buffers were freed, so RSS follows live memory from epoch to epoch instead of ratcheting.
    /// </summary>
    internal static void ReleaseFreedMemory()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { _ = NativeMethods.malloc_trim(UIntPtr.Zero); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // not glibc: leave it
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim().TrimEnd('.');

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "setenv", CharSet = CharSet.Ansi, BestFitMapping = false)]
        internal static extern int setenv(string name, string value, int overwrite);

        [DllImport("libc", EntryPoint = "malloc_trim")]
        internal static extern int malloc_trim(UIntPtr pad);

        [DllImport("libc", EntryPoint = "mallopt")]
        internal static extern int mallopt(int param, int value);
    }

    /// <summary>What run.json records about where a run was made: versions, device, threads, OS, .NET, cores.</summary>
    internal static Training.RunEnvironment Describe(string device) => new(
        TorchSharpVersion(),
        torch.__version__,
        device,
        torch.get_num_threads(),
        System.Runtime.InteropServices.RuntimeInformation.OSDescription,
        System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        Environment.ProcessorCount);

    private static string TorchSharpVersion()
    {
        var assembly = typeof(torch).Assembly;
        var informational = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Reflection.AssemblyInformationalVersionAttribute>(assembly)?.InformationalVersion;
        return (informational ?? assembly.GetName().Version?.ToString() ?? "unknown").Split('+')[0];
    }
}

/// <summary>What the started LibTorch reports about the machine.</summary>
public sealed record RuntimeFacts(bool CudaAvailable);
