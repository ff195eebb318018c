using MnistGen.Generators.Common;
using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <param name="P">The probability of zeroing an element (dropout) or a channel (dropout2d).</param>
internal sealed record DropoutLayer(
    string Kind, string Name, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, long Parameters, long Macs,
    double P)
    : BoundLayer(Kind, Name, InputShape, OutputShape, Parameters, Macs);

/// <summary>Element-wise dropout while training (the generated forward passes this.training).</summary>
internal sealed class DropoutKind : ParameterFreeKind<DropoutLayer>
{
    public override Variant Entry { get; } = new("dropout", "Dropout",
        "Zeroes each element with probability p while training (torch.nn.functional.dropout).", "p",
        Field.Opt("p", LayerKeys.Probability, 0.5, "Probability of zeroing an element."));

    public override DropoutLayer? Bind(LayerInput input) =>
        input.Keys.Number("p") is { } p ? new DropoutLayer(Name, input.Name, input.Shape, input.Shape, 0, 0, p) : null;

    public override string Forward(DropoutLayer layer, string x) => $"{LayerKeys.Functional}.dropout({x}, {CSharp.Double(layer.P)}, this.training)";

    // Identity at inference (an exported model only infers).
    public override string Onnx(DropoutLayer layer, string b, string x) => $"{b}.Identity({CSharp.String(layer.Name)}, {x})";
}
