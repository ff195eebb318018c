using System.Globalization;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Vocabulary;

namespace MnistGen.Core.Training;

/// <summary>
/// Pure: applies the command line's overrides to a spec's training section and validates the result,
/// collecting every error rather than stopping at the first.
/// </summary>
internal static class ConfigResolution
{
    /// <summary>Largest batch accepted; far above anything useful for 28x28 images, it catches typos before they allocate.</summary>
    public const int MaxBatchSize = 1 << 20;

    public static Result<TrainingConfig> Resolve(TrainingConfig spec, RunOptions options)
    {
        var errors = new List<Error>();
        errors.AddRange(ValidateOptions(options));

        var resolved = spec with
        {
            Dataset = options.Dataset ?? spec.Dataset,
            Epochs = options.Epochs ?? spec.Epochs,
            BatchSize = options.BatchSize ?? spec.BatchSize,
            Seed = options.Seed ?? spec.Seed,
            Optimizer = options.Lr is { } lr ? spec.Optimizer with { Lr = lr } : spec.Optimizer,
        };
        // Values the user did not override come from the spec: report those against the spec.
        errors.AddRange(ValidateConfig(resolved, overridden: options));
        return errors.Count == 0 ? resolved : Result<TrainingConfig>.Fail(errors);
    }

    /// <summary>
    /// On resume the recorded configuration wins, except where the run can honestly be continued: <c>--epochs</c>
    /// extends (or shortens, down to the epochs already trained) the run, the learning-rate schedule then
    /// following the new length, and <c>--lr</c> changes the base rate from the next epoch on. Both are recorded
    /// in the run (<see cref="TrainingRun.Changes"/>). A different batch size or seed would make the remaining
    /// epochs another run's, so they are refused with the reason (equal values are fine).
    /// </summary>
    /// <param name="epochsCompleted">Epochs the run has already trained.</param>
    public static Result<TrainingConfig> ForResume(TrainingConfig recorded, RunOptions options, string runDir, int epochsCompleted = 0)
    {
        var errors = new List<Error>(ValidateOptions(options));
        void Refuse<T>(string flag, T? given, T recordedValue, string why) where T : struct
        {
            if (given is { } g && !EqualityComparer<T>.Default.Equals(g, recordedValue))
                errors.Add(new Error(string.Create(CultureInfo.InvariantCulture,
                    $"{flag} {g} differs from the run being resumed in {runDir} ({recordedValue}): {why}; drop {flag} to continue that run, or start a new run."),
                    Code: ErrorCode.ResumeConflict));
        }
        Refuse("--batch-size", options.BatchSize, recorded.BatchSize, "its epochs and their shuffle are made of batches of that size");
        Refuse("--seed", options.Seed, recorded.Seed, "the shuffle and dropout of every epoch are drawn from the run's seed");
        if (options.Dataset is { } dataset && dataset != recorded.Dataset)
            errors.Add(new Error(
                $"--dataset {WireNames.Of(dataset)} differs from the run being resumed in {runDir} ({WireNames.Of(recorded.Dataset)}): its epochs were trained on that data set; drop --dataset to continue that run, or start a new run.",
                Code: ErrorCode.ResumeConflict));
        if (options.Epochs is { } epochs && epochs >= 1 && epochs < epochsCompleted)
            errors.Add(new Error(string.Create(CultureInfo.InvariantCulture,
                $"--epochs {epochs} is fewer than the {epochsCompleted} epochs {runDir} has already trained; give {epochsCompleted} or more."),
                Code: ErrorCode.ResumeConflict));
        var continued = recorded with
        {
            Epochs = options.Epochs ?? recorded.Epochs,
            Optimizer = options.Lr is { } lr ? recorded.Optimizer with { Lr = lr } : recorded.Optimizer,
        };
        errors.AddRange(ValidateConfig(continued, overridden: RunOptions.Default));
        return errors.Count == 0 ? continued : Result<TrainingConfig>.Fail(errors);
    }

    /// <summary>The command-line values on their own.</summary>
    public static IEnumerable<Error> ValidateOptions(RunOptions o)
    {
        if (o.Epochs is < 1) yield return Option($"--epochs must be at least 1, not {o.Epochs}.");
        if (o.BatchSize is < 1 or > MaxBatchSize) yield return Option($"--batch-size must be between 1 and {MaxBatchSize}, not {o.BatchSize}.");
        if (o.Lr is { } lr && !(lr > 0 && double.IsFinite(lr))) yield return Option($"--lr must be a positive number, not {lr}.");
        if (o.Seed is < 0) yield return Option($"--seed must be 0 or a positive number, not {o.Seed}.");
        if (o.Threads < 0) yield return Option($"--threads must be 0 (automatic) or a positive number, not {o.Threads}.");
        if (o.Validation is < 0) yield return Option($"--validation must be 0 (none) or a positive number of training images, not {o.Validation}.");
        if (o.EvalBatchSize is < 1 or > MaxBatchSize) yield return Option($"the evaluation batch size must be between 1 and {MaxBatchSize}, not {o.EvalBatchSize}.");
        if (o.Persist && string.IsNullOrWhiteSpace(o.OutRoot)) yield return Option($"--out must name a directory.");
    }

    /// <summary>The resolved configuration; a value that came from the spec is named as the spec's key.</summary>
    public static IEnumerable<Error> ValidateConfig(TrainingConfig c, RunOptions overridden)
    {
        // Overridden values were already checked as options; do not report them twice.
        if (overridden.Epochs is null && c.Epochs < 1) yield return Config($"training.epochs must be at least 1, not {c.Epochs}.");
        if (overridden.BatchSize is null && c.BatchSize is < 1 or > MaxBatchSize) yield return Config($"training.batch_size must be between 1 and {MaxBatchSize}, not {c.BatchSize}.");
        if (overridden.Seed is null && c.Seed < 0) yield return Config($"training.seed must be 0 or a positive number, not {c.Seed}.");
        var opt = c.Optimizer;
        if (overridden.Lr is null && !(opt.Lr > 0 && double.IsFinite(opt.Lr))) yield return Config($"the optimizer's lr must be a positive number, not {opt.Lr}.");
        if (opt.WeightDecay < 0 || !double.IsFinite(opt.WeightDecay)) yield return Config($"the optimizer's weight_decay must be 0 or positive, not {opt.WeightDecay}.");
        if (opt.Kind == OptimizerKind.Sgd)
        {
            if (opt.Momentum is < 0 or >= 1 || double.IsNaN(opt.Momentum)) yield return Config($"sgd momentum must be in [0, 1), not {opt.Momentum}.");
            if (opt.Nesterov && !(opt.Momentum > 0)) yield return Config($"sgd nesterov needs a momentum above 0.");
        }
        else
        {
            if (opt.Beta1 is < 0 or >= 1 || double.IsNaN(opt.Beta1)) yield return Config($"{WireNames.Of(opt.Kind)} beta1 must be in [0, 1), not {opt.Beta1}.");
            if (opt.Beta2 is < 0 or >= 1 || double.IsNaN(opt.Beta2)) yield return Config($"{WireNames.Of(opt.Kind)} beta2 must be in [0, 1), not {opt.Beta2}.");
        }
        if (c.Loss.LabelSmoothing is < 0 or >= 1 || double.IsNaN(c.Loss.LabelSmoothing)) yield return Config($"loss label_smoothing must be in [0, 1), not {c.Loss.LabelSmoothing}.");
        if (c.Loss.Kind == LossKind.Nll && c.Loss.LabelSmoothing != 0) yield return Config($"label_smoothing applies only to the cross_entropy loss, not nll.");
        var s = c.Schedule;
        if (s.Kind == ScheduleKind.Step && s.StepEvery < 1) yield return Config($"the step schedule's every must be at least 1 epoch, not {s.StepEvery}.");
        if (s.Kind == ScheduleKind.Step && !(s.Gamma > 0 && double.IsFinite(s.Gamma))) yield return Config($"the step schedule's gamma must be a positive number, not {s.Gamma}.");
        if (s.Kind == ScheduleKind.OneCycle && (s.MaxLr < 0 || !double.IsFinite(s.MaxLr))) yield return Config($"the one_cycle schedule's max_lr must be positive (or 0 for the optimizer's lr), not {s.MaxLr}.");
        if (c.Augment is { } a)
        {
            if (a.MaxShift is < 0 or > SpecVocabulary.MaxShiftLimit) yield return Config($"augment max shift must be between 0 and {SpecVocabulary.MaxShiftLimit} pixels, not {a.MaxShift}.");
            if (a.MaxRotationDegrees is < 0 or > SpecVocabulary.MaxRotationLimit || double.IsNaN(a.MaxRotationDegrees)) yield return Config($"augment max rotation must be between 0 and {SpecVocabulary.MaxRotationLimit} degrees, not {a.MaxRotationDegrees}.");
        }
    }

    private static Error Option(FormattableString message) => new(FormattableString.Invariant(message), Code: ErrorCode.InvalidOption);

    private static Error Config(FormattableString message) => new(FormattableString.Invariant(message), Code: ErrorCode.InvalidConfig);
}
