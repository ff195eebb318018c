using System.Collections.Generic;
using MnistGen.Generators.Common;
using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <param name="Features">Channels after a convolution, features on a flat input.</param>
internal sealed record BatchNormLayer(
    string Kind, string Name, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, long Parameters, long Macs,
    int Features, double Eps, double Momentum)
    : BoundLayer(Kind, Name, InputShape, OutputShape, Parameters, Macs)
{
    public bool IsFlat => InputShape.Count == 1;

    /// <summary>The running mean and variance per feature (PyTorch's num_batches_tracked counter is bookkeeping, as in Keras).</summary>
    public override long NonTrainable => 2L * Features;
}

/// <summary>Batch normalisation: BatchNorm2d on [channels, height, width], BatchNorm1d on a flat input.</summary>
internal sealed class BatchNormKind : LayerKind<BatchNormLayer>
{
    public override Variant Entry { get; } = new("batch_norm", "BatchNorm",
        "Batch normalisation: BatchNorm2d after a convolution, BatchNorm1d on a flat input.", null,
        Field.Opt("eps", LayerKeys.PositiveNumber, 1e-5, "Added to the variance for numerical stability."),
        Field.Opt("momentum", new NumberType(0, false, 1, false), 0.1, "Weight of the newest batch in the running statistics."));

    public override string NamePrefix => "bn";

    // Backward needs the input and the saved statistics, never the output.
    public override LoweringTraits Traits { get; } = new(OutputOverwritable: true);

    public override BatchNormLayer? Bind(LayerInput input)
    {
        if (input.Rank is not (1 or 3)) return input.Fail<BatchNormLayer>("batch_norm needs a flat input or [channels, height, width]");
        if (input.Keys.Number("eps") is not { } eps || input.Keys.Number("momentum") is not { } momentum) return null;
        return new BatchNormLayer(Name, input.Name, input.Shape, input.Shape, 2L * input[0], 0, input[0], eps, momentum);
    }

    public override string DisplayKind(BatchNormLayer layer) => layer.IsFlat ? "batch_norm1d" : "batch_norm2d";

    public override IEnumerable<LayerField> Fields(BatchNormLayer layer)
    {
        var dimensions = layer.IsFlat ? "1d" : "2d";
        yield return new LayerField($"global::TorchSharp.Modules.BatchNorm{dimensions}", layer.Name,
            $"global::TorchSharp.torch.nn.BatchNorm{dimensions}({CSharp.Int(layer.Features)}, eps: {CSharp.Double(layer.Eps)}, momentum: {CSharp.Double(layer.Momentum)})",
            IsModule: true);
    }

    public override string Forward(BatchNormLayer layer, string x) => $"this.{layer.Name}.forward({x})";

    // Eval mode: the running statistics, which is what an exported model is for.
    public override string Onnx(BatchNormLayer layer, string b, string x) => $"{b}.BatchNormalization({CSharp.String(layer.Name)}, {x}, {CSharp.Double(layer.Eps)})";
}
