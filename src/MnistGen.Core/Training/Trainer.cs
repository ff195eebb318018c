using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Functional;
using MnistGen.Core.Runtime;
using MnistGen.Core.Specs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistGen.Core.Training;

/// <summary>
/// The training pipeline for every generated architecture. Decisions (the plan of <see cref="TrainingPlanner"/>:
/// configuration, device, threads; then shuffle, learning rates, folding) are pure functions; this class carries
/// a plan out, performing the effects in a fixed order:
/// build the module on the CPU -> load the checkpoint when resuming -> move to the device -> create the
/// optimizer (and load its state) -> train, checkpointing after every epoch.
/// </summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="spec"/> on <paramref name="data"/>: the spec's training configuration with the
    /// overrides in <paramref name="options"/>, checkpointing after every epoch into a new run directory
    /// (<c>OutRoot/&lt;id&gt;/&lt;time&gt;/</c>), or continuing <see cref="RunOptions.Resume"/>. Every check is made
    /// first and every error returned at once; LibTorch is started (see <see cref="TorchRuntime.Start"/>) and the
    /// thread count chosen. Cancelling stops at the next step boundary and returns the run as
    /// <see cref="RunStatus.Interrupted"/>, resumable from its last completed epoch.
    /// </summary>
    /// <param name="spec">The compiled architecture: a generated class's <c>Spec</c>, or an entry of <c>Architectures.All</c>.</param>
    /// <param name="data">The data set the spec trains on (<see cref="DatasetLoader.LoadOrFetch"/>).</param>
    /// <param name="options">Overrides (epochs, batch size, learning rate, seed) and where and how to run; <see cref="RunOptions.Default"/> keeps the spec's.</param>
    /// <param name="callbacks">Progress per batch and per epoch, and notices; null reports nothing.</param>
    /// <param name="cancellationToken">Stops training at the next step boundary.</param>
    /// <returns>The run: its history (test loss and accuracy after every epoch), <see cref="TrainingRun.Final"/> and its directory.</returns>
    public static Result<TrainingRun> Train(
        ArchitectureSpec spec, Dataset data, RunOptions options,
        TrainingCallbacks? callbacks = null, CancellationToken cancellationToken = default)
    {
        TrainingRun? previous = null;
        if (options.Resume is { } resumeDir)
        {
            var read = RunStore.ReadRun(resumeDir);
            if (!read.IsOk) return read;
            previous = read.Value;
        }
        var runtime = TorchRuntime.Start();
        if (!runtime.IsOk) return Result<TrainingRun>.Fail(runtime.Errors);
        var plan = TrainingPlanner.Plan(spec, options, previous, runtime.Value.CudaAvailable, MachineFacts.Current.PhysicalCores);
        if (!plan.IsOk)
        {
            // The data is checked too, so that every error is reported at once.
            var dataset = previous?.Config.Dataset ?? options.Dataset ?? spec.Training.Dataset;
            return Result<TrainingRun>.Fail(plan.Errors.Concat(TrainingPlanner.CheckData(spec, dataset, DataShape.Of(data))));
        }
        TorchRuntime.SetThreads(plan.Value.Threads);
        return Train(plan.Value, data, callbacks, cancellationToken);
    }

    /// <summary>
    /// Carries out a plan: checks the data against it, then trains from its first epoch, checkpointing after
    /// every epoch. LibTorch must be started with the plan's threads. <paramref name="clock"/> stamps the run
    /// (start and update times, the run directory's name) and times the epochs; the system clock by default.
    /// </summary>
    internal static Result<TrainingRun> Train(
        TrainingPlan plan, Dataset data,
        TrainingCallbacks? callbacks = null, CancellationToken cancellationToken = default, TimeProvider? clock = null)
    {
        callbacks ??= TrainingCallbacks.None;
        clock ??= TimeProvider.System;
        var (spec, config, options, previous) = (plan.Spec, plan.Config, plan.Options, plan.Previous);
        var dataErrors = TrainingPlanner.CheckData(spec, config.Dataset, DataShape.Of(data)).ToList();
        if (dataErrors.Count > 0) return Result<TrainingRun>.Fail(dataErrors);
        // A validation split the data cannot give is refused before a run directory is made.
        if ((previous is null ? options.Validation ?? 0 : previous.ValidationCount) is > 0 and var held)
        {
            using var labels = data.Train.Labels.cpu();
            var split = ValidationSplit.Choose(labels.data<long>().ToArray(), held, config.Seed);
            if (!split.IsOk) return Result<TrainingRun>.Fail(split.Errors);
        }

        foreach (var notice in plan.Notices) callbacks.OnNotice?.Invoke(notice);
        if (plan.NothingToTrain) return previous! with { Notices = plan.Notices };

        var now = clock.GetUtcNow();
        string? directory = previous?.Directory;
        if (directory is null && options.Persist)
        {
            var created = RunStore.CreateRunDirectory(options.OutRoot, spec.Id, clock.GetLocalNow().DateTime);
            if (!created.IsOk) return Result<TrainingRun>.Fail(created.Errors);
            directory = created.Value;
        }
        var environment = Environment(plan.Device);
        var run = previous is null
            ? NewRecord(plan, environment, now) with { Directory = directory }
            : previous with
            {
                Status = RunStatus.Running, Environment = environment, UpdatedUtc = now,
                // An extended or re-rated run records where the change was made; its config is the new one.
                Config = config,
                Changes = ConfigChange.Between(previous.Config, config, previous.EpochsCompleted) is { } change ? previous.Changes.Add(change) : previous.Changes,
            };

        try
        {
            var result = Run(spec, data, options, config, run, plan.Device.Device, plan.Precision, callbacks, clock, cancellationToken);
            return result.Map(r => r with { Notices = plan.Notices });
        }
        catch (Exception e)
        {
            return new Error(
                string.Create(CultureInfo.InvariantCulture,
                    $"Training {spec.Id} failed ({e.GetType().Name}: {e.Message.Split('\n')[0].TrimEnd('.')}).") +
                (directory is null ? "" : $" Epochs completed before the failure are checkpointed in {directory}."),
                ErrorKind.Failure);
        }
    }

    private static Result<TrainingRun> Run(
        ArchitectureSpec spec, Dataset data, RunOptions options, TrainingConfig config, TrainingRun run,
        DeviceType deviceType, Precision precision, TrainingCallbacks callbacks, TimeProvider clock, CancellationToken cancellationToken)
    {
        var device = new Device(deviceType);
        var persist = options.Persist && run.Directory is not null;

        // 1. Build on the CPU, seeded: the initial weights depend on the seed alone.
        manual_seed(config.Seed);
        using var module = spec.Create();
        StartupTrace.Mark("model_built");
        // 2. Load the checkpoint when resuming.
        if (run.Checkpoint is not null)
        {
            var loaded = RunStore.LoadModelState(run, spec, module);
            if (!loaded.IsOk) return Result<TrainingRun>.Fail(loaded.Errors);
        }
        // 3. Move to the device.
        if (deviceType != DeviceType.CPU) module.to(device);
        // 4. Create the optimizer, and restore its state (momentum, Adam moments and step counts).
        using var optimizer = Optimizers.Create(config.Optimizer, module.parameters());
        if (run.Checkpoint is not null)
        {
            var loaded = RunStore.LoadOptimizerState(run, spec, optimizer);
            if (!loaded.IsOk) return Result<TrainingRun>.Fail(loaded.Errors);
        }

        // --precision bf16: a bfloat16 copy computes the steps; this module keeps the float32 master weights.
        using var shadow = precision == Precision.Bf16 ? Bf16Shadow.For(spec, module, device) : null;

        // Only now, with the checkpoint read and checked, is anything written: a bad resume damages nothing.
        if (persist) RunStore.WriteRecords(run.Directory!, run);
        StartupTrace.Mark("records_written");

        // The data on the device, once (on the CPU these are the dataset's own tensors).
        var onDevice = deviceType != DeviceType.CPU;
        var train = onDevice ? new DataSplit(data.Train.Images.to(device), data.Train.Labels.to(device)) : data.Train;
        var test = onDevice ? new DataSplit(data.Test.Images.to(device), data.Test.Labels.to(device)) : data.Test;
        // --validation N: the held-out images come out of the training split (the same ones on every resume).
        DataSplit? validation = null;
        var trainedOn = train;
        try
        {
            if (run.ValidationCount > 0)
            {
                var split = ValidationSplit.Apply(train, run.ValidationCount, config.Seed);
                if (!split.IsOk) return Result<TrainingRun>.Fail(split.Errors);
                (trainedOn, validation) = split.Value;
            }
            // 5. Train.
            return Epochs(module, shadow, optimizer, trainedOn, test, validation, data, options, config, run, device, persist, callbacks, clock, cancellationToken);
        }
        finally
        {
            if (validation is not null)
            {
                trainedOn.Images.Dispose(); trainedOn.Labels.Dispose();
                validation.Images.Dispose(); validation.Labels.Dispose();
            }
            if (onDevice)
            {
                train.Images.Dispose(); train.Labels.Dispose();
                test.Images.Dispose(); test.Labels.Dispose();
            }
        }
    }

    private static Result<TrainingRun> Epochs(
        nn.Module<Tensor, Tensor> module, Bf16Shadow? shadow, OptimizerHelper optimizer, DataSplit train, DataSplit test, DataSplit? validation, Dataset data,
        RunOptions options, TrainingConfig config, TrainingRun run, Device device, bool persist,
        TrainingCallbacks callbacks, TimeProvider clock, CancellationToken cancellationToken)
    {
        var n = train.Count;
        var batchSize = Math.Min(config.BatchSize, n);
        var batches = (n + batchSize - 1) / batchSize;
        var lossFn = Losses.For(config.Loss);
        var augmenter = config.Augment is { } augment ? new Augmenter(augment, -data.Mean / data.Std) : null;
        var interval = Math.Max(1, callbacks.BatchInterval);

        for (var epoch = run.EpochsCompleted + 1; epoch <= config.Epochs; epoch++)
        {
            var started = clock.GetTimestamp();
            // The epoch's rate, as the history reports it: its first step's rate when the schedule is per step.
            var perStep = LearningRateSchedule.IsPerStep(config.Schedule);
            var lr = perStep
                ? LearningRateSchedule.AtStep(config.Schedule, config.Optimizer.Lr, (long)(epoch - 1) * batches, batches, config.Epochs)
                : LearningRateSchedule.At(config.Schedule, config.Optimizer.Lr, epoch, config.Epochs);
            Optimizers.SetLearningRate(optimizer, lr);
            // Dropout and every other torch draw of this epoch depend on (seed, epoch) only, so a resumed
            // epoch k+1 draws exactly what it would have drawn without the interruption.
            manual_seed(Shuffle.DeriveSeed(config.Seed, epoch, Shuffle.Stream.Torch));
            augmenter?.StartEpoch(config.Seed, epoch);

            var accumulator = EpochAccumulator.Empty;
            var interrupted = false;
            var done = 0;
            module.train();
            using (var permutation = tensor(Shuffle.Permutation(config.Seed, epoch, n), device: device))
            {
                for (var b = 0; b < batches; b++)
                {
                    if (cancellationToken.IsCancellationRequested) { interrupted = true; break; }
                    var start = b * batchSize;
                    var count = Math.Min(batchSize, n - start);
                    if (perStep && b > 0)
                        Optimizers.SetLearningRate(optimizer, LearningRateSchedule.AtStep(config.Schedule, config.Optimizer.Lr, (long)(epoch - 1) * batches + b, batches, config.Epochs));
                    accumulator = accumulator.Add(shadow is null
                        ? Step(module, optimizer, lossFn, augmenter, train, permutation, start, count)
                        : shadow.Step(module, optimizer, lossFn, augmenter, train, permutation, start, count));
                    done++;
                    if (b == 0) StartupTrace.Mark("first_step");
                    if (callbacks.OnBatch is { } onBatch && ((b + 1) % interval == 0 || b + 1 == batches))
                        onBatch(new BatchProgress(epoch, config.Epochs, b + 1, batches, accumulator.Images, n, accumulator.MeanLoss, clock.GetElapsedTime(started)));
                }
            }
            var testSummary = interrupted ? null : Evaluator.Summarize(module, test, run.Options.EvalBatchSize, config.Loss, cancellationToken);
            if (testSummary is not { } summary)
            {
                // Stop at the step boundary; the checkpoint of the last completed epoch stays as it is.
                run = run with { Status = RunStatus.Interrupted, UpdatedUtc = clock.GetUtcNow(), Partial = new PartialEpoch(epoch, done, batches) };
                if (persist) RunStore.WriteRecords(run.Directory!, run);
                return run;
            }

            TestSummary? validationSummary = null;
            if (validation is not null)
            {
                validationSummary = Evaluator.Summarize(module, validation, run.Options.EvalBatchSize, config.Loss, cancellationToken);
                if (validationSummary is null)
                {
                    run = run with { Status = RunStatus.Interrupted, UpdatedUtc = clock.GetUtcNow(), Partial = new PartialEpoch(epoch, done, batches) };
                    if (persist) RunStore.WriteRecords(run.Directory!, run);
                    return run;
                }
            }

            var report = accumulator.ToReport(epoch, summary, lr, clock.GetElapsedTime(started).TotalSeconds) with
            {
                ValidationLoss = validationSummary?.Loss,
                ValidationAccuracy = validationSummary?.Accuracy,
            };
            run = run with
            {
                History = run.History.Add(report),
                Status = epoch == config.Epochs ? RunStatus.Completed : RunStatus.Running,
                UpdatedUtc = clock.GetUtcNow(),
            };
            // best.bin follows the validation accuracy alone (ties keep the earlier epoch); written before run.json records it.
            if (persist && validationSummary is { } v && BestCheckpointPolicy.Improves(run.Best, v.Accuracy))
                run = RunStore.WriteBest(run.Directory!, run, module, epoch, v.Accuracy);
            if (persist) run = RunStore.WriteCheckpoint(run.Directory!, run, module, optimizer);
            // The epoch's garbage (checkpoint buffers on the large-object heap, finalizable tensor handles)
            // is collected here, once, rather than whenever the GC decides: memory stays flat across epochs.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            TorchRuntime.ReleaseFreedMemory();
            callbacks.OnEpoch?.Invoke(report, run);
            StartupTrace.MarkAndWrite("first_epoch");
        }
        return run;
    }

    /// <summary>
    /// One training step in its own dispose scope: every tensor it makes (the batch, activations, the loss,
    /// gradients' handles) is freed when it returns. Only .NET scalars come out; the loss read is the
    /// step's one host sync. The time-to-accuracy benchmark trains with this same step.
    /// </summary>
    internal static StepResult Step(
        nn.Module<Tensor, Tensor> module, OptimizerHelper optimizer, Func<Tensor, Tensor, Tensor> lossFn,
        Augmenter? augmenter, DataSplit train, Tensor permutation, int start, int count)
    {
        using var scope = NewDisposeScope();
        var (images, labels) = Batch(augmenter, train, permutation, start, count);
        var output = module.call(images);
        var loss = lossFn(output, labels);
        module.zero_grad(set_to_none: true);
        loss.backward();
        optimizer.step();
        return new StepResult(loss.item<float>(), count);
    }

    /// <summary>A step's batch: rows start..start+count of the epoch's permutation, augmented when the spec says so. Call inside the step's dispose scope.</summary>
    internal static (Tensor Images, Tensor Labels) Batch(Augmenter? augmenter, DataSplit train, Tensor permutation, int start, int count)
    {
        var indices = permutation.narrow(0, start, count);
        var images = train.Images.index_select(0, indices);
        var labels = train.Labels.index_select(0, indices);
        return (augmenter is null ? images : augmenter.Apply(images), labels);
    }

    private static RunEnvironment Environment(DeviceDecision device) => TorchRuntime.Describe(device.Name);

    /// <summary>The record of a new run of <paramref name="plan"/>, before its first epoch.</summary>
    internal static TrainingRun NewRecord(TrainingPlan plan, RunEnvironment environment, DateTimeOffset now) =>
        new(TrainingRun.CurrentFormat, plan.Spec.Id, plan.Spec.Name, plan.Spec.SpecHash, plan.Spec.SourcePath, plan.Spec.ExpectedAccuracy,
            plan.Config, plan.Options with { Resume = null, Precision = plan.Precision == Precision.Bf16 ? Precision.Bf16 : null }, [],
            RunStatus.Running, environment, now, now, Checkpoint: null);

    /// <summary>
    /// Serializes a record like <paramref name="plan"/>'s first one and drops the text. <c>train</c> calls this on
    /// a worker thread while the data set loads, so that the serializer is compiled by the time the real record
    /// is written, just before the first step. Nothing is written, and no LibTorch call is made.
    /// </summary>
    internal static void WarmRecordWriter(TrainingPlan plan)
    {
        var environment = new RunEnvironment("", "", plan.Device.Name, plan.Threads, "", "", System.Environment.ProcessorCount);
        try { _ = RunJson.Utf8(NewRecord(plan, environment, DateTimeOffset.UnixEpoch)); }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException) { } // the real write reports its own errors
    }
}
