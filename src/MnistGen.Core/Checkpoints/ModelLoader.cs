using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using static TorchSharp.torch;

namespace MnistGen.Core.Checkpoints;

/// <summary>A trained module with the run that made it. Dispose it to free the module's tensors.</summary>
public sealed class LoadedModel(ArchitectureSpec spec, TrainingRun run, nn.Module<Tensor, Tensor> module, string modelPath) : IDisposable
{
    public ArchitectureSpec Spec { get; } = spec;
    public TrainingRun Run { get; } = run;
    /// <summary>On the CPU, in eval mode.</summary>
    public nn.Module<Tensor, Tensor> Module { get; } = module;
    public string ModelPath { get; } = modelPath;

    public void Dispose() => Module.Dispose();
}

/// <summary>Loads what <c>eval</c> and <c>predict</c> work on: a run directory, or a model.bin with its run.json beside it.</summary>
public static class ModelLoader
{
    /// <param name="runDirOrModel">A run directory, or a checkpoint file inside one.</param>
    /// <param name="resolveSpec">Spec id (as recorded in run.json) to the compiled spec; the registry lives in MnistGen.Models.</param>
    public static Result<LoadedModel> Load(string runDirOrModel, Func<string, Result<ArchitectureSpec>> resolveSpec)
    {
        var modelPath = File.Exists(runDirOrModel) ? Path.GetFullPath(runDirOrModel) : null;
        return RunStore.ReadRun(runDirOrModel).Bind(run =>
            resolveSpec(run.SpecId)
                .Bind(spec => RunStore.CheckSpec(run, spec).Map(_ => spec))
                .Bind(spec => RunStore.LoadModule(run, spec, modelPath).Map(module =>
                    new LoadedModel(spec, run, module, modelPath ?? Path.Combine(run.Directory!, run.Checkpoint!.Model)))));
    }
}
