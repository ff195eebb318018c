using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>Gaussian error linear unit. Not monotone, so max-pooling does not move before it.</summary>
internal sealed class GeluKind : ElementwiseKind
{
    public override Variant Entry { get; } = new("gelu", "GELU", "Gaussian error linear unit.", null);

    public override string Forward(PlainLayer layer, string x) => $"{x}.gelu()";

    // Opset 13 has no Gelu operator: the builder writes the exact form 0.5 * x * (1 + Erf(x / sqrt 2)).
    public override string Onnx(PlainLayer layer, string b, string x) => $"{b}.Gelu({CSharp.String(layer.Name)}, {x})";
}
