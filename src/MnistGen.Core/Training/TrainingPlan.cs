using System.Collections.Immutable;
using System.Globalization;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Functional;
using MnistGen.Core.Runtime;
using MnistGen.Core.Specs;

namespace MnistGen.Core.Training;

/// <summary>
/// What a training session will do, decided before anything is read from the data, allocated or written:
/// the configuration (the spec's with the overrides, or the resumed run's), the device, the thread count and
/// the messages for the user. Made by <see cref="TrainingPlanner.Plan"/>; carried out by <see cref="Trainer"/>.
/// </summary>
/// <param name="Previous">The run being resumed (already checked against the spec), or null for a new run.</param>
/// <param name="Threads">LibTorch intra-op threads for the session (the shell sets them before training).</param>
/// <param name="Notices">For the user, in order: the device fallback, emulated bfloat16, then "resuming" or "nothing to train".</param>
/// <param name="Precision">The training steps' number format: the option's, else the resumed run's, else float32.</param>
internal sealed record TrainingPlan(
    ArchitectureSpec Spec,
    TrainingConfig Config,
    RunOptions Options,
    TrainingRun? Previous,
    DeviceDecision Device,
    int Threads,
    ImmutableArray<string> Notices,
    Precision Precision = Precision.Fp32)
{
    /// <summary>The resumed run has already completed every epoch of its configuration.</summary>
    public bool NothingToTrain => Previous is { } previous && previous.EpochsCompleted >= Config.Epochs;

    /// <summary>1 for a new run, k + 1 for a run resumed after epoch k.</summary>
    public int FirstEpoch => (Previous?.EpochsCompleted ?? 0) + 1;
}

/// <summary>
/// Pure: every check and decision before a training session's first effect, collecting every error. The shell
/// gathers its inputs first, each once: run.json of the run to resume, whether CUDA is available (which needs
/// LibTorch started) and the processor count.
/// </summary>
internal static class TrainingPlanner
{
    /// <param name="previous">The run to resume, as read from <see cref="RunOptions.Resume"/>; null starts a new run.</param>
    /// <param name="cudaAvailable">What the started LibTorch reports.</param>
    /// <param name="cores">Processor count, for the automatic thread choice.</param>
    /// <param name="nativeBf16">The CPU computes bfloat16 itself (AVX-512 BF16 or AMX); otherwise bf16 training gets a notice.</param>
    public static Result<TrainingPlan> Plan(
        ArchitectureSpec spec, RunOptions options, TrainingRun? previous, bool cudaAvailable, int cores, bool nativeBf16 = true)
    {
        var errors = new List<Error>();
        TrainingConfig? config = null;
        if (previous is not null)
        {
            var checkedRun = RunStore.CheckSpec(previous, spec);
            if (!checkedRun.IsOk) errors.AddRange(checkedRun.Errors);
            else if (previous.ImportedFrom is { } imported)
                errors.Add(new Error($"{previous.Directory} was imported from {imported}: it has weights but no training history or optimizer state to resume; " +
                                     $"train a new run with 'mnistgen train {spec.Id}'.", ErrorKind.BadInput, ErrorCode.ResumeConflict));
            else
            {
                var resolved = ConfigResolution.ForResume(previous.Config, options, previous.Directory ?? "the run", previous.EpochsCompleted);
                if (resolved.IsOk) config = resolved.Value; else errors.AddRange(resolved.Errors);
                if (options.Validation is { } validation && validation != previous.ValidationCount)
                    errors.Add(new Error(string.Create(CultureInfo.InvariantCulture,
                        $"--validation {validation} differs from the run being resumed in {previous.Directory ?? "the run"} ({previous.ValidationCount} held out): which images are held out decides what every epoch trains on; drop --validation to continue that run, or start a new run."),
                        Code: ErrorCode.ResumeConflict));
                if (options.Precision is { } precision && precision != (previous.Options.Precision ?? Precision.Fp32))
                    errors.Add(new Error(
                        $"--precision {PrecisionNames.Of(precision)} differs from the run being resumed in {previous.Directory ?? "the run"} ({PrecisionNames.Of(previous.Options.Precision ?? Precision.Fp32)}): " +
                        "drop --precision to continue that run in its own precision, or start a new run.",
                        Code: ErrorCode.ResumeConflict));
            }
        }
        else
        {
            var resolved = ConfigResolution.Resolve(spec.Training, options);
            if (resolved.IsOk) config = resolved.Value; else errors.AddRange(resolved.Errors);
        }

        var device = DeviceSelection.Choose(options.Device, cudaAvailable);
        if (!device.IsOk) errors.AddRange(device.Errors);
        if (errors.Count > 0) return Result<TrainingPlan>.Fail(errors);

        var threads = ThreadPolicy.ForTraining(options.Threads, spec.Summary.TotalMacs * config!.BatchSize, cores);
        var notices = ImmutableArray.CreateBuilder<string>();
        if (device.Value.Notice is { } deviceNotice) notices.Add(deviceNotice);
        var effective = options.Precision ?? previous?.Options.Precision ?? Precision.Fp32;
        if (effective == Precision.Bf16 && device.Value.Device == TorchSharp.DeviceType.CPU && !nativeBf16)
            notices.Add("This CPU has neither AVX-512 BF16 nor AMX: bfloat16 is emulated here and trains slower than float32 (--precision fp32 is the default).");
        if (previous is not null && ConfigChange.Between(previous.Config, config, previous.EpochsCompleted) is { } change)
            notices.Add(change.Describe(previous.Directory ?? "the run"));
        if (previous is not null)
            notices.Add(previous.EpochsCompleted >= config.Epochs
                ? string.Create(CultureInfo.InvariantCulture, $"{previous.Directory} already completed all {config.Epochs} epochs; nothing to train.")
                : string.Create(CultureInfo.InvariantCulture, $"Resuming {previous.Directory} after epoch {previous.EpochsCompleted} of {config.Epochs}."));
        return new TrainingPlan(spec, config, options, previous, device.Value, threads, notices.ToImmutable(), effective);
    }

    /// <summary>
    /// Pure: the loaded data must be the data set the configuration trains on, in the shape the spec takes.
    /// <paramref name="data"/> is the data's shapes alone, so this needs no tensors.
    /// </summary>
    public static IEnumerable<Error> CheckData(ArchitectureSpec spec, DatasetKind dataset, DataShape data)
    {
        if (data.Kind != dataset)
            yield return Mismatch($"{spec.Id} trains on {WireNames.Of(dataset)}, but the loaded data set is {WireNames.Of(data.Kind)}.");
        foreach (var (name, images, labels) in new[] { ("training", data.TrainImages, data.TrainLabels), ("test", data.TestImages, data.TestLabels) })
        {
            var expected = spec.InputShape.Select(d => (long)d).ToArray();
            if (images.Length != expected.Length + 1 || !images.AsSpan(1).SequenceEqual(expected))
                yield return Mismatch($"The {name} images have shape [{string.Join(", ", images)}], but {spec.Id} takes [N, {string.Join(", ", expected)}].");
            else if (labels.Length != 1 || labels[0] != images[0])
                yield return Mismatch($"The {name} split has {images[0]} images but labels of shape [{string.Join(", ", labels)}].");
            else if (images[0] == 0)
                yield return Mismatch($"The {name} split is empty.");
        }
    }

    private static Error Mismatch(FormattableString message) => new(FormattableString.Invariant(message), Code: ErrorCode.DataMismatch);
}

/// <summary>A loaded data set as plain values: which one it is and the shapes of its four tensors.</summary>
internal sealed record DataShape(DatasetKind Kind, long[] TrainImages, long[] TrainLabels, long[] TestImages, long[] TestLabels)
{
    public static DataShape Of(Data.Dataset data) =>
        new(data.Kind, data.Train.Images.shape, data.Train.Labels.shape, data.Test.Images.shape, data.Test.Labels.shape);
}
