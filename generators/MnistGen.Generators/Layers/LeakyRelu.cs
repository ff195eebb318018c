using System.Collections.Generic;
using MnistGen.Generators.Common;
using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

internal sealed record LeakyReluLayer(
    string Kind, string Name, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, long Parameters, long Macs,
    double Slope)
    : BoundLayer(Kind, Name, InputShape, OutputShape, Parameters, Macs)
{
    /// <summary>The module's Scalar holding the slope.</summary>
    public string SlopeField => "__slope_" + Name;
}

/// <summary>
/// x for x > 0, slope * x otherwise. The language keeps the slope non-negative, so it is monotone like ReLU.
/// The slope is a Scalar made once in the constructor, not an implicit conversion (a native allocation) per forward.
/// </summary>
internal sealed class LeakyReluKind : LayerKind<LeakyReluLayer>
{
    public override Variant Entry { get; } = new("leaky_relu", "LeakyReLU", "x for x > 0, slope * x otherwise.", "slope",
        Field.Opt("slope", LayerKeys.NonNegativeNumber, 0.01, "Slope for negative inputs."));

    public override LoweringTraits Traits { get; } = new(MonotoneActivation: true);

    public override LeakyReluLayer? Bind(LayerInput input) =>
        input.Keys.Number("slope") is { } slope ? new LeakyReluLayer(Name, input.Name, input.Shape, input.Shape, 0, 0, slope) : null;

    public override IEnumerable<LayerField> Fields(LeakyReluLayer layer) =>
        [new("global::TorchSharp.Scalar", layer.SlopeField, CSharp.Double(layer.Slope), IsModule: false)];

    public override string Forward(LeakyReluLayer layer, string x) => $"{x}.leaky_relu(this.{layer.SlopeField})";

    public override string? InPlaceForward(LeakyReluLayer layer) => $"x.leaky_relu_(this.{layer.SlopeField});";

    public override string Onnx(LeakyReluLayer layer, string b, string x) => $"{b}.LeakyRelu({CSharp.String(layer.Name)}, {x}, {CSharp.Double(layer.Slope)})";
}
