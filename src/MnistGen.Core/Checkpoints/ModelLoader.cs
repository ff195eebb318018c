using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using static TorchSharp.torch;

namespace MnistGen.Core.Checkpoints;

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

    /// <summary>Frees the module's tensors.</summary>
    public void Dispose() => Module.Dispose();
}

/// <summary>Loads what <c>eval</c> and <c>predict</c> work on: a run directory, or a model.bin with its run.json beside it.</summary>
public static class ModelLoader
{
    /// <summary>Reads the run's run.json, finds its architecture, checks the checkpoint is the one recorded and loads it.</summary>
    /// <param name="runDirOrModel">A run directory, or a checkpoint file inside one.</param>
    /// <param name="resolveSpec">Spec id (as recorded in run.json) to the compiled spec: the generated <c>Architectures.Find</c>.</param>
    public static Result<LoadedModel> Load(string runDirOrModel, Func<string, Result<ArchitectureSpec>> resolveSpec)
    {
        var modelPath = File.Exists(runDirOrModel) ? Path.GetFullPath(runDirOrModel) : null;
        return RunStore.ReadRun(runDirOrModel).Bind(run =>
            resolveSpec(run.SpecId)
                .Bind(spec => RunStore.CheckSpec(run, spec).Map(_ => spec))
                .Bind(spec => RunStore.LoadModule(run, spec, modelPath).Map(module =>
                    new LoadedModel(spec, run, module, modelPath ?? Path.Combine(run.Directory!, run.Checkpoint!.Model)))));
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
