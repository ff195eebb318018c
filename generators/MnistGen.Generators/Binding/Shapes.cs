using System;
using System.Linq;
using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;

namespace MnistGen.Generators.Binding;

/// <summary>
/// Shape inference for one layer: its output shape (without the batch dimension), parameter count and
/// multiply-adds per image, or an ImpossibleShape error naming the layer and the shapes.
/// </summary>
internal static class Shapes
{
    public static LayerModel? Infer(VariantValue layer, string name, int[] shape, string? previousKind, Checker checker)
    {
        var p = layer.Parameters;
        var input = shape.ToEquatableArray();

        LayerModel? Fail(string reason)
        {
            checker.Report(SpecDiagnostics.ImpossibleShape, layer.KindSpan, name, layer.Kind, Invariant.Shape(shape), reason);
            return null;
        }

        LayerModel Same(long parameters = 0, double rate = 0, bool inPlace = false) =>
            new(layer.Kind, name, input, input, parameters, 0, Rate: rate, InPlace: inPlace);

        switch (layer.Kind)
        {
            case "linear":
            {
                if (shape.Length != 1) return Fail("linear needs a flat input; add '- flatten' before it");
                if (p.Int("out") is not { } outFeatures || p.Bool("bias") is not { } bias) return null;
                var inFeatures = shape[0];
                var macs = Multiply(inFeatures, outFeatures);
                var parameters = macs + (bias ? outFeatures : 0);
                return new LayerModel(layer.Kind, name, input, EquatableArray.Create((int)outFeatures), parameters, macs,
                    InFeatures: inFeatures, Out: (int)outFeatures, Bias: bias);
            }
            case "conv2d":
            {
                if (shape.Length != 3) return Fail("conv2d needs an input of [channels, height, width]");
                if (p.Int("out") is not { } outChannels || p.Int("kernel") is not { } kernel || p.Int("stride") is not { } stride
                    || p.Int("padding") is not { } padding || p.Bool("bias") is not { } bias) return null;
                var (channels, height, width) = (shape[0], shape[1] + 2 * padding, shape[2] + 2 * padding);
                if (kernel > height || kernel > width)
                {
                    return Fail($"the kernel {kernel}x{kernel} is larger than the {(padding > 0 ? "padded " : "")}input {height}x{width}");
                }
                var outHeight = (height - kernel) / stride + 1;
                var outWidth = (width - kernel) / stride + 1;
                var weights = Multiply(outChannels, channels, kernel, kernel);
                var macs = Multiply(weights, outHeight, outWidth);
                if (weights < 0 || macs < 0) return Fail("the layer is too large");
                return new LayerModel(layer.Kind, name, input, EquatableArray.Create((int)outChannels, (int)outHeight, (int)outWidth),
                    weights + (bias ? outChannels : 0), macs,
                    InFeatures: channels, Out: (int)outChannels, Kernel: (int)kernel, Stride: (int)stride, Padding: (int)padding, Bias: bias);
            }
            case "max_pool2d":
            case "avg_pool2d":
            {
                if (shape.Length != 3) return Fail($"{layer.Kind} needs an input of [channels, height, width]");
                if (p.Int("kernel") is not { } kernel) return null;
                var stride = p.IsSet("stride") ? p.Int("stride") : kernel;
                if (stride is null) return null;
                if (kernel > shape[1] || kernel > shape[2]) return Fail($"the window {kernel}x{kernel} is larger than the input {shape[1]}x{shape[2]}");
                var outShape = EquatableArray.Create(shape[0], (int)((shape[1] - kernel) / stride.Value + 1), (int)((shape[2] - kernel) / stride.Value + 1));
                return new LayerModel(layer.Kind, name, input, outShape, 0, 0, Kernel: (int)kernel, Stride: (int)stride.Value);
            }
            case "batch_norm":
            {
                if (shape.Length is not (1 or 3)) return Fail("batch_norm needs a flat input or [channels, height, width]");
                if (p.Number("eps") is not { } eps || p.Number("momentum") is not { } momentum) return null;
                return new LayerModel(layer.Kind, name, input, input, 2L * shape[0], 0, InFeatures: shape[0], Rate: eps, Momentum: momentum);
            }
            case "dropout":
                return p.Number("p") is { } dropout ? Same(rate: dropout) : null;
            case "dropout2d":
                if (shape.Length != 3) return Fail("dropout2d drops whole channels and needs [channels, height, width]; use dropout on a flat input");
                return p.Number("p") is { } dropout2d ? Same(rate: dropout2d) : null;
            case "flatten":
            {
                var size = shape.Aggregate(1L, (a, b) => a * b);
                if (size > int.MaxValue) return Fail("the flattened size is too large");
                return new LayerModel(layer.Kind, name, input, EquatableArray.Create((int)size), 0, 0);
            }
            case "relu":
                return Same(inPlace: CanWorkInPlace(previousKind));
            case "leaky_relu":
                return p.Number("slope") is { } slope ? Same(rate: slope, inPlace: CanWorkInPlace(previousKind)) : null;
            case "gelu":
            case "tanh":
            case "sigmoid":
            case "log_softmax":
            case "softmax":
                return Same();
            default:
                throw new InvalidOperationException($"The key table has a layer kind '{layer.Kind}' that shape inference does not know.");
        }
    }

    /// <summary>
    /// An activation may overwrite its input when that input is a fresh output of conv2d, linear or
    /// batch_norm: their backward passes need their inputs and weights, never their outputs. Never the
    /// caller's tensor, and never after an op whose backward reads its own output.
    /// </summary>
    private static bool CanWorkInPlace(string? previousKind) => previousKind is "conv2d" or "linear" or "batch_norm";

    /// <summary>A product of sizes, or -1 when it does not fit in a long.</summary>
    private static long Multiply(params long[] factors)
    {
        try
        {
            return factors.Aggregate(1L, (a, b) => checked(a * b));
        }
        catch (OverflowException)
        {
            return -1;
        }
    }
}
