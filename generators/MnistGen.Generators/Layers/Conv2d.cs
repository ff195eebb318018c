using System.Collections.Generic;
using MnistGen.Generators.Common;
using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

internal sealed record Conv2dLayer(
    string Kind, string Name, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, long Parameters, long Macs,
    int InChannels, int OutChannels, int Kernel, int Stride, int Padding, bool Bias)
    : BoundLayer(Kind, Name, InputShape, OutputShape, Parameters, Macs);

/// <summary>torch.nn.Conv2d with a square kernel; the first one in a network can write channels-last itself.</summary>
internal sealed class Conv2dKind : LayerKind<Conv2dLayer>
{
    public override Variant Entry { get; } = new("conv2d", "Conv2d",
        "2-D convolution (torch.nn.Conv2d) over [channels, height, width]; square kernel.", null,
        Field.Req("out", LayerKeys.Size, "Output channels."),
        Field.Req("kernel", LayerKeys.Size, "Kernel size (square)."),
        Field.Opt("stride", LayerKeys.Size, 1, "Stride."),
        Field.Opt("padding", LayerKeys.NonNegativeSize, 0, "Zero padding on each side."),
        Field.Opt("bias", LayerKeys.Bool, true, "Learn an additive bias."));

    public override string NamePrefix => "conv";

    // Backward needs the input and the weight, never the output.
    public override LoweringTraits Traits { get; } = new(OutputOverwritable: true, UsesSpatialLayout: true);

    public override Conv2dLayer? Bind(LayerInput input)
    {
        if (input.Rank != 3) return input.Fail<Conv2dLayer>("conv2d needs an input of [channels, height, width]");
        var k = input.Keys;
        if (k.Int("out") is not { } outChannels || k.Int("kernel") is not { } kernel || k.Int("stride") is not { } stride
            || k.Int("padding") is not { } padding || k.Bool("bias") is not { } bias) return null;
        var (channels, height, width) = (input[0], input[1] + 2 * padding, input[2] + 2 * padding);
        if (kernel > height || kernel > width)
        {
            return input.Fail<Conv2dLayer>($"the kernel {Invariant.Number(kernel)}x{Invariant.Number(kernel)} is larger than the {(padding > 0 ? "padded " : "")}input {Invariant.Number(height)}x{Invariant.Number(width)}");
        }
        var outHeight = (height - kernel) / stride + 1;
        var outWidth = (width - kernel) / stride + 1;
        var weights = LayerInput.Multiply(outChannels, channels, kernel, kernel);
        var macs = LayerInput.Multiply(weights, outHeight, outWidth);
        if (weights < 0 || macs < 0) return input.Fail<Conv2dLayer>("the layer is too large");
        return new Conv2dLayer(Name, input.Name, input.Shape, EquatableArray.Create((int)outChannels, (int)outHeight, (int)outWidth),
            weights + (bias ? outChannels : 0), macs,
            channels, (int)outChannels, (int)kernel, (int)stride, (int)padding, bias);
    }

    // Positional stride and padding: a named 'padding: 0' also fits the Padding-enum overload (CS0121).
    public override IEnumerable<LayerField> Fields(Conv2dLayer layer) =>
    [
        new("global::TorchSharp.Modules.Conv2d", layer.Name,
            $"global::TorchSharp.torch.nn.Conv2d({CSharp.Int(layer.InChannels)}, {CSharp.Int(layer.OutChannels)}, {CSharp.Int(layer.Kernel)}, " +
            $"{CSharp.Int(layer.Stride)}, {CSharp.Int(layer.Padding)}, bias: {CSharp.Bool(layer.Bias)})",
            IsModule: true, Comment: "in, out, kernel, stride, padding"),
    ];

    public override string Forward(Conv2dLayer layer, string x) => $"this.{layer.Name}.forward({x})";

    // Parameters stay NCHW (checkpoints unchanged); only the output's strides are NHWC.
    public override string? ChannelsLastForward(Conv2dLayer layer, string x) =>
        $"global::MnistGen.Core.Runtime.TensorLayout.Conv2dChannelsLast({x}, this.{layer.Name}, {CSharp.Int(layer.Stride)}, {CSharp.Int(layer.Padding)})";

    public override string Onnx(Conv2dLayer layer, string b, string x) =>
        $"{b}.Conv({CSharp.String(layer.Name)}, {x}, {CSharp.Int(layer.Kernel)}, {CSharp.Int(layer.Stride)}, {CSharp.Int(layer.Padding)}, bias: {CSharp.Bool(layer.Bias)})";
}
