using MnistGen.Cli.Commands;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Functional;

namespace MnistGen.Cli.Serving;

/// <summary>
/// The pieces of eval and predict that serve uses, in one place: when they move to a shared home, this is the
/// only file to re-point.
/// </summary>
internal static class FromCli
{
    /// <summary>A run directory as eval and predict load it (spec identity and checkpoint hash checked), on one intra-op thread.</summary>
    public static Result<LoadedModel> Load(string runDirectory) => EvalCommand.Load(runDirectory, threads: 1);

    /// <summary>The normalised model input back in 0..1, as predict's figure shows it.</summary>
    public static float[] Shown(PreprocessedImage image, double mean, double std) => EvalCommand.Denormalize(image.Pixels, mean, std);
}
