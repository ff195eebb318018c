using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>Hyperbolic tangent. Monotone, but kept in the spec's order: moving an activation past max-pooling was measured for relu and leaky_relu only.</summary>
internal sealed class TanhKind : ElementwiseKind
{
    public override Variant Entry { get; } = new("tanh", "Tanh", "Hyperbolic tangent.", null);

    public override string Forward(PlainLayer layer, string x) => $"{x}.tanh()";

    public override string Onnx(PlainLayer layer, string b, string x) => $"{b}.Tanh({CSharp.String(layer.Name)}, {x})";
}
