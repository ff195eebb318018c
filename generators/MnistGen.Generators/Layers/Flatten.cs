using MnistGen.Generators.Common;
using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>[channels, height, width] (or any shape) into one dimension, keeping the batch.</summary>
internal sealed class FlattenKind : ParameterFreeKind<PlainLayer>
{
    public override Variant Entry { get; } = new("flatten", "Flatten", "Flattens [channels, height, width] into one dimension.", null);

    public override PlainLayer? Bind(LayerInput input)
    {
        long size = 1;
        foreach (var dimension in input.Shape) size *= dimension;
        if (size > int.MaxValue) return input.Fail<PlainLayer>("the flattened size is too large");
        return new PlainLayer(Name, input.Name, input.Shape, EquatableArray.Create((int)size), 0, 0);
    }

    public override string Forward(PlainLayer layer, string x) => $"{x}.flatten(1)";

    public override string Onnx(PlainLayer layer, string b, string x) => $"{b}.Flatten({CSharp.String(layer.Name)}, {x})";
}
