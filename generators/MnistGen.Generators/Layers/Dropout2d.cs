using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>Channel dropout while training; it needs channels to drop.</summary>
internal sealed class Dropout2dKind : ParameterFreeKind<DropoutLayer>
{
    public override Variant Entry { get; } = new("dropout2d", "Dropout2d",
        "Zeroes whole channels with probability p while training (torch.nn.functional.dropout2d).", "p",
        Field.Opt("p", LayerKeys.Probability, 0.5, "Probability of zeroing a channel."));

    public override DropoutLayer? Bind(LayerInput input)
    {
        if (input.Rank != 3) return input.Fail<DropoutLayer>("dropout2d drops whole channels and needs [channels, height, width]; use dropout on a flat input");
        return input.Keys.Number("p") is { } p ? new DropoutLayer(Name, input.Name, input.Shape, input.Shape, 0, 0, p) : null;
    }

    public override string Forward(DropoutLayer layer, string x) => $"{LayerKeys.Functional}.dropout2d({x}, {CSharp.Double(layer.P)}, this.training)";

    // Identity at inference (an exported model only infers).
    public override string Onnx(DropoutLayer layer, string b, string x) => $"{b}.Identity({CSharp.String(layer.Name)}, {x})";
}
