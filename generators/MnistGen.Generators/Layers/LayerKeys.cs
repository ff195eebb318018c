using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>The value ranges layer keys use, shared by the descriptors' key-table entries.</summary>
internal static class LayerKeys
{
    public static readonly IntType Size = new(1, 1 << 20);
    public static readonly IntType NonNegativeSize = new(0, 1 << 20);
    public static readonly NumberType Probability = new(0, false, 1, true);
    public static readonly NumberType PositiveNumber = new(0, true, double.PositiveInfinity, false);
    public static readonly NumberType NonNegativeNumber = new(0, false, double.PositiveInfinity, false);
    public static readonly BoolType Bool = new();

    public const string Functional = "global::TorchSharp.torch.nn.functional";
}
