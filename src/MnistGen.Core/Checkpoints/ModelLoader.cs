using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using static TorchSharp.torch;

namespace MnistGen.Core.Checkpoints;

/// <summary>Which weights of a run to load: the last completed epoch's (model.bin) or the best validation epoch's (best.bin).</summary>
public enum WeightsChoice
{
    /// <summary>The last completed epoch's weights (model.bin).</summary>
    Last,
    /// <summary>The weights of the epoch with the best validation accuracy (best.bin; runs trained with --validation).</summary>
    Best,
}

/// <summary>A trained module with the run that made it. Dispose it to free the module's tensors.</summary>
public sealed class LoadedModel : IDisposable
{
    internal LoadedModel(ArchitectureSpec spec, TrainingRun run, nn.Module<Tensor, Tensor> module, string modelPath) =>
        (Spec, Run, Module, ModelPath) = (spec, run, module, modelPath);

    /// <summary>The compiled architecture of the module.</summary>
    public ArchitectureSpec Spec { get; }
    /// <summary>The run that trained (or imported) it, as its run.json records it.</summary>
    public TrainingRun Run { get; }
    /// <summary>On the CPU, in eval mode.</summary>
    public nn.Module<Tensor, Tensor> Module { get; }
    /// <summary>The checkpoint file the weights were read from.</summary>
    public string ModelPath { get; }

    /// <summary>The data set the run trained on (<c>train --dataset</c> may differ from the spec's): its test split, normalisation and class names.</summary>
    public DatasetKind Dataset => Run.Config.Dataset;

    /// <summary>Frees the module's tensors.</summary>
    public void Dispose() => Module.Dispose();
}

/// <summary>Loads what <c>eval</c> and <c>predict</c> work on: a run directory, or a model.bin (or best.bin) with its run.json beside it.</summary>
public static class ModelLoader
{
    /// <summary>Parses <c>--weights best|last</c>.</summary>
    internal static Result<WeightsChoice> ParseWeights(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        null or "" or "last" => WeightsChoice.Last,
        "best" => WeightsChoice.Best,
        _ => new Error($"--weights {name}: give last (the last completed epoch, {RunPaths.ModelFile}) or best (the best validation epoch, {RunPaths.BestModelFile})."),
    };

    /// <summary>Reads the run's run.json, finds its architecture, checks the checkpoint is the one recorded and loads it.</summary>
    /// <param name="runDirOrModel">A run directory, or a checkpoint file inside one (a path to best.bin means the best weights).</param>
    /// <param name="resolveSpec">Spec id (as recorded in run.json) to the compiled spec; the registry lives in MnistGen.Models.</param>
    /// <param name="weights">Best needs a run trained with <c>--validation</c>; otherwise it is one error naming the run directory.</param>
    public static Result<LoadedModel> Load(string runDirOrModel, Func<string, Result<ArchitectureSpec>> resolveSpec, WeightsChoice weights = WeightsChoice.Last)
    {
        var modelPath = File.Exists(runDirOrModel) ? Path.GetFullPath(runDirOrModel) : null;
        if (modelPath is not null && string.Equals(Path.GetFileName(modelPath), RunPaths.BestModelFile, StringComparison.Ordinal)) weights = WeightsChoice.Best;
        return RunStore.ReadRun(runDirOrModel).Bind(run =>
            resolveSpec(run.SpecId)
                .Bind(spec => RunStore.CheckSpec(run, spec).Map(_ => spec))
                .Bind(spec => weights == WeightsChoice.Best
                    ? LoadBest(run, spec)
                    : RunStore.LoadModule(run, spec, modelPath).Map(module =>
                        new LoadedModel(spec, run, module, modelPath ?? Path.Combine(run.Directory!, run.Checkpoint!.Model)))));
    }

    private static Result<LoadedModel> LoadBest(TrainingRun run, ArchitectureSpec spec)
    {
        if (run.Best is not { } best)
            return new Error(
                $"{run.Directory} has no {RunPaths.BestModelFile}: it was trained without --validation, so no epoch was chosen by validation accuracy; " +
                $"use --weights last, or train with --validation N.", Code: ErrorCode.RunInvalid);
        var path = Path.Combine(run.Directory!, best.Model);
        // The best weights are checked against their own recorded hash, not the last epoch's.
        var asBest = run with { Checkpoint = run.Checkpoint! with { Epoch = best.Epoch, Model = best.Model, ModelSha256 = best.ModelSha256 } };
        return RunStore.LoadModule(asBest, spec, path).Map(module => new LoadedModel(spec, run, module, path));
    }

    /// <summary>
    /// The trained module of a run that <see cref="Training.Trainer"/> returned (or any run with a completed
    /// epoch), from its last checkpoint.
    /// </summary>
    /// <param name="run">A run that was written to a directory (<see cref="Training.RunOptions.Persist"/> true, the default).</param>
    /// <param name="spec">The architecture the run was trained with.</param>
    public static Result<LoadedModel> Load(TrainingRun run, ArchitectureSpec spec)
    {
        if (run.Directory is null)
            return new Error($"The {run.SpecId} run wrote nothing (RunOptions.Persist was false), so it has no checkpoint to load.", Code: ErrorCode.RunNotFound);
        return RunStore.CheckSpec(run, spec)
            .Bind(_ => RunStore.LoadModule(run, spec))
            .Map(module => new LoadedModel(spec, run, module, Path.Combine(run.Directory, run.Checkpoint!.Model)));
    }
}
