using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>max(0, x): monotone, so it runs after a max-pool that follows it, and in place on a fresh tensor.</summary>
internal sealed class ReluKind : ElementwiseKind
{
    public override Variant Entry { get; } = new("relu", "ReLU", "max(0, x).", null);

    public override LoweringTraits Traits { get; } = new(MonotoneActivation: true);

    public override string Forward(PlainLayer layer, string x) => $"{x}.relu()";

    public override string? InPlaceForward(PlainLayer layer) => "x.relu_();";

    public override string Onnx(PlainLayer layer, string b, string x) => $"{b}.Relu({CSharp.String(layer.Name)}, {x})";
}
