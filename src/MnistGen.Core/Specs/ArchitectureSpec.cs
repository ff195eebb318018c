using System.Collections.Immutable;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistGen.Core.Specs;

/// <summary>
/// A compiled architecture: what the source generator emits for each <c>specs/*.yaml</c> as a static
/// <c>Spec</c> property of the generated module class.
/// </summary>
/// <param name="Id">The spec file's stem, e.g. <c>cnn-5x5</c>; names the architecture on the command line.</param>
/// <param name="Name">The generated class name, e.g. <c>Cnn5x5</c>.</param>
/// <param name="Description">The spec's one-line description.</param>
/// <param name="SourcePath">The spec path relative to the repository, e.g. <c>specs/cnn-5x5.yaml</c>.</param>
/// <param name="SpecHash">SHA-256 (hex) of the spec text with line endings normalised; ties checkpoints to a spec version.</param>
/// <param name="InputShape">[channels, height, width].</param>
/// <param name="Classes">Classes the network outputs.</param>
/// <param name="Summary">The Keras-style per-layer table (output shapes, parameters, multiply-adds).</param>
/// <param name="Training">The spec's <c>training:</c> section with defaults applied: what training uses unless overridden.</param>
/// <param name="ExpectedAccuracy">The test accuracy the spec's <c>expected:</c> section states, if any.</param>
/// <param name="Create">Builds a fresh module on the CPU with newly initialised parameters.</param>
/// <remarks><see cref="Output"/> says how to turn the module's output into probabilities (exp, softmax or as is).</remarks>
public sealed record ArchitectureSpec(
    string Id,
    string Name,
    string Description,
    string SourcePath,
    string SpecHash,
    ImmutableArray<int> InputShape,
    int Classes,
    ModelSummary Summary,
    TrainingConfig Training,
    double? ExpectedAccuracy,
    Func<nn.Module<Tensor, Tensor>> Create)
{
    /// <summary>What forward returns per class; set by the generator from the spec's last layer.</summary>
    public OutputKind Output { get; init; } = OutputKind.Logits;
}

/// <summary>What a module's forward returns per class: raw scores, log-probabilities (log_softmax) or probabilities (softmax).</summary>
public enum OutputKind
{
    /// <summary>Raw class scores (the last layer is not a normalisation).</summary>
    Logits,
    /// <summary>Log-probabilities (the last layer is log_softmax).</summary>
    LogProbabilities,
    /// <summary>Probabilities (the last layer is softmax).</summary>
    Probabilities,
}
