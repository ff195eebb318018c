using MnistGen.Core.Checkpoints;
using MnistGen.Core.Functional;
using MnistGen.Core.Runtime;

namespace MnistGen.Cli.Runs;

/// <summary>
/// THE way the shell loads a trained run for inference (<c>eval</c>, <c>predict</c>, and any command that
/// serves predictions): starts LibTorch with the given threads, reads run.json, finds the compiled architecture it
/// was trained from, checks the spec version and the checkpoint's SHA-256, and loads model.bin on the CPU in eval mode.
/// </summary>
public static class TrainedRuns
{
    /// <param name="runDirOrModel">A run directory (runs/&lt;architecture&gt;/&lt;time&gt;) or the model.bin inside one.</param>
    /// <param name="threads">LibTorch intra-op threads (0 = LibTorch's default).</param>
    /// <returns>The model with its spec and run; dispose it to free the module. Every failure is one sentence naming the file.</returns>
    /// <param name="weights">model.bin (the last epoch, the default) or best.bin (the best validation epoch).</param>
    public static Result<LoadedModel> Load(string runDirOrModel, int threads, WeightsChoice weights = WeightsChoice.Last) =>
        TorchRuntime.Initialize(threads).Bind(_ => ModelLoader.Load(runDirOrModel, Catalog.Find, weights));
}
