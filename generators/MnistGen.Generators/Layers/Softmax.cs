using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>Probabilities over the features; a network ending in it outputs probabilities (and gets Scores).</summary>
internal sealed class SoftmaxKind : ElementwiseKind
{
    public override Variant Entry { get; } = new("softmax", "Softmax", "Probabilities over the last layer's features.", null);

    public override string? NetworkOutput => "Probabilities";

    public override string Forward(PlainLayer layer, string x) => $"{x}.softmax(1)";

    public override string Onnx(PlainLayer layer, string b, string x) => $"{b}.Softmax({CSharp.String(layer.Name)}, {x})";
}
