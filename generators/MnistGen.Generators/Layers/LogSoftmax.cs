using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>Log-probabilities over the features; a network ending in it outputs log-probabilities (and gets Scores).</summary>
internal sealed class LogSoftmaxKind : ElementwiseKind
{
    public override Variant Entry { get; } = new("log_softmax", "LogSoftmax", "Log-probabilities over the last layer's features; pairs with loss nll.", null);

    public override string? NetworkOutput => "LogProbabilities";

    public override string Forward(PlainLayer layer, string x) => $"{x}.log_softmax(1)";

    public override string Onnx(PlainLayer layer, string b, string x) => $"{b}.LogSoftmax({CSharp.String(layer.Name)}, {x})";
}
