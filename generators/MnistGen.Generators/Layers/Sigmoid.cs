using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>Logistic sigmoid. Monotone, but kept in the spec's order: moving an activation past max-pooling was measured for relu and leaky_relu only.</summary>
internal sealed class SigmoidKind : ElementwiseKind
{
    public override Variant Entry { get; } = new("sigmoid", "Sigmoid", "Logistic sigmoid.", null);

    public override string Forward(PlainLayer layer, string x) => $"{x}.sigmoid()";

    public override string Onnx(PlainLayer layer, string b, string x) => $"{b}.Sigmoid({CSharp.String(layer.Name)}, {x})";
}
