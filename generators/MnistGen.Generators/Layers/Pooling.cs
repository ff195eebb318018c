using MnistGen.Generators.Common;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

internal sealed record PoolLayer(
    string Kind, string Name, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, long Parameters, long Macs,
    int Kernel, int Stride)
    : BoundLayer(Kind, Name, InputShape, OutputShape, Parameters, Macs);

/// <summary>The shape rule and keys that max_pool2d and avg_pool2d share: a square window, stride defaulting to it.</summary>
internal abstract class PoolingKind : ParameterFreeKind<PoolLayer>
{
    protected static Field[] Keys() =>
    [
        Field.Req("kernel", LayerKeys.Size, "Window size (square)."),
        Field.Opt("stride", LayerKeys.Size, null, "Stride.", defaultText: "kernel"),
    ];

    /// <summary>The functional TorchSharp applies: max_pool2d or avg_pool2d.</summary>
    protected abstract string Function { get; }

    /// <summary>The graph builder's method for it: MaxPool or AveragePool.</summary>
    protected abstract string OnnxOperator { get; }

    public override PoolLayer? Bind(LayerInput input)
    {
        if (input.Rank != 3) return input.Fail<PoolLayer>($"{Name} needs an input of [channels, height, width]");
        if (input.Keys.Int("kernel") is not { } kernel) return null;
        var stride = input.Keys.IsSet("stride") ? input.Keys.Int("stride") : kernel;
        if (stride is null) return null;
        if (kernel > input[1] || kernel > input[2])
        {
            return input.Fail<PoolLayer>(
                $"the window {Invariant.Number(kernel)}x{Invariant.Number(kernel)} is larger than the input {Invariant.Number(input[1])}x{Invariant.Number(input[2])}");
        }
        var outShape = EquatableArray.Create(input[0], (int)((input[1] - kernel) / stride.Value + 1), (int)((input[2] - kernel) / stride.Value + 1));
        return new PoolLayer(Name, input.Name, input.Shape, outShape, 0, 0, (int)kernel, (int)stride.Value);
    }

    public override string Forward(PoolLayer layer, string x) =>
        $"{LayerKeys.Functional}.{Function}({x}, {Emitting.CSharp.Int(layer.Kernel)}, {Emitting.CSharp.Int(layer.Stride)})";

    public override string Onnx(PoolLayer layer, string b, string x) =>
        $"{b}.{OnnxOperator}({Emitting.CSharp.String(layer.Name)}, {x}, {Emitting.CSharp.Int(layer.Kernel)}, {Emitting.CSharp.Int(layer.Stride)})";
}
