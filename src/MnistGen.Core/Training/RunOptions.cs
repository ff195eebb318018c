using System.Text.Json.Serialization;

namespace MnistGen.Core.Training;

/// <summary>Where training runs: <c>--device auto|cpu|cuda</c>.</summary>
public enum DeviceRequest
{
    /// <summary>CUDA when available, else the CPU (with a notice).</summary>
    Auto,
    /// <summary>The CPU.</summary>
    Cpu,
    /// <summary>CUDA; an error when it is not available.</summary>
    Cuda,
}

/// <summary>
/// What the user asked for on top of the spec: overrides of the spec's training section (null = keep the
/// spec's value) and how to run (device, threads, where to write, whether to resume).
/// </summary>
/// <param name="Epochs">Overrides <c>training.epochs</c>.</param>
/// <param name="BatchSize">Overrides <c>training.batch_size</c>.</param>
/// <param name="Lr">Overrides the optimizer's learning rate.</param>
/// <param name="Seed">Overrides <c>training.seed</c>; it seeds torch (initialisation, dropout) and the shuffle.</param>
/// <param name="Device">auto falls back to the CPU with a notice when CUDA is absent.</param>
/// <param name="Threads">LibTorch intra-op threads; 0 chooses (see <see cref="Runtime.ThreadPolicy"/>). Bit-identical histories (determinism, resume) need the same thread count.</param>
/// <param name="OutRoot">Runs are written to <c>OutRoot/&lt;arch-id&gt;/&lt;yyyyMMdd-HHmmss&gt;/</c>.</param>
/// <param name="Resume">A run directory to continue from its last completed epoch (written to in place).</param>
/// <param name="EvalBatchSize">Batch size of the per-epoch test evaluation; it changes only the rounding of the test loss (a resumed run keeps the recorded one).</param>
/// <param name="Persist">False writes nothing (benchmarks); such a run cannot be resumed.</param>
/// <param name="Dataset">Overrides <c>training.dataset</c>: the same spec trained on another data set of the same image shape and classes.</param>
/// <param name="Validation">Training images held out as a validation set (seeded, stratified; see <see cref="ValidationSplit"/>); null or 0 trains on all of them.</param>
/// <param name="Precision">The number format of the training steps; null = float32 for a new run, the run's own for a resumed one.</param>
public sealed record RunOptions(
    int? Epochs = null,
    int? BatchSize = null,
    double? Lr = null,
    int? Seed = null,
    DeviceRequest Device = DeviceRequest.Auto,
    int Threads = 0,
    string OutRoot = "runs",
    string? Resume = null,
    int EvalBatchSize = 256,
    bool Persist = true,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Specs.DatasetKind? Dataset = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Validation = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Precision? Precision = null)
{
    /// <summary>Everything as the spec says, automatic device and threads, written under <c>runs/</c>.</summary>
    public static RunOptions Default { get; } = new();
}
