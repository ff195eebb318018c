using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>Gaussian error linear unit. Not monotone, so max-pooling does not move before it.</summary>
internal sealed class GeluKind : ElementwiseKind
{
    public override Variant Entry { get; } = new("gelu", "GELU", "Gaussian error linear unit.", null);

    public override string Forward(PlainLayer layer, string x) => $"{x}.gelu()";
}
