using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;
using MnistGen.Generators.Layers;

namespace MnistGen.Generators.Binding;

/// <summary>
/// Everything the emitter needs for one spec, and nothing Roslyn-owned: an equatable record, so an
/// unchanged spec re-emits nothing.
/// </summary>
/// <param name="Id">The file stem, e.g. cnn-5x5.</param>
/// <param name="SourcePath">Relative and stable: specs/cnn-5x5.yaml.</param>
/// <param name="SpecHash">SHA-256 (lower-case hex) of the text with \r\n normalised to \n.</param>
/// <param name="Output">What the last layer produces: Logits, LogProbabilities or Probabilities (Core's OutputKind).</param>
/// <param name="NameSpan">Where the spec writes its class name, for the cross-spec duplicate check.</param>
internal sealed record SpecModel(
    string Id,
    string ClassName,
    string Description,
    string SourcePath,
    string SpecHash,
    EquatableArray<int> InputShape,
    int Classes,
    EquatableArray<BoundLayer> Layers,
    TrainingModel Training,
    double? ExpectedAccuracy,
    string Output,
    SourceSpan NameSpan)
{
    public long TotalParameters
    {
        get
        {
            long total = 0;
            foreach (var layer in Layers) total += layer.Parameters;
            return total;
        }
    }

    public long TotalMacs
    {
        get
        {
            long total = 0;
            foreach (var layer in Layers) total += layer.Macs;
            return total;
        }
    }
}

/// <summary>
/// The training section with defaults applied; enum-like fields hold Core's C# member names. A null
/// hyper-parameter is one the chosen variant does not have (adam has no momentum): Core's default stands.
/// </summary>
internal sealed record TrainingModel(
    string Dataset,
    string Loss,
    double? LabelSmoothing,
    string Optimizer,
    double Lr,
    double? Momentum,
    bool? Nesterov,
    double WeightDecay,
    double? Beta1,
    double? Beta2,
    int BatchSize,
    int Epochs,
    int Seed,
    string Schedule,
    int? StepEvery,
    double? Gamma,
    double? MaxLr,
    bool PerStep,
    AugmentModel? Augment);

internal sealed record AugmentModel(int MaxShift, double MaxRotationDegrees);

/// <summary>The bind step's result for one file: a model when the spec is valid, and every diagnostic.</summary>
internal sealed record BoundSpec(string FilePath, SpecModel? Model, EquatableArray<SpecDiagnostic> Diagnostics);
