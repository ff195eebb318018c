using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistGen.Core.Runtime;

/// <summary>
/// Memory layout helpers for generated models. TorchSharp 0.107 has no memory_format API, so channels-last
/// is made the way PyTorch stores it: the same logical [N, C, H, W] tensor with NHWC strides. Public because the
/// code generated in a consumer's project calls it; not meant to be called by hand.
/// </summary>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public static class TensorLayout
{
    /// <summary>
    /// A generated CNN's first convolution, with its output in channels-last (NHWC strides, same logical
    /// shape); every later convolution, pooling and activation then stays in NHWC. LibTorch 2.10's NCHW
    /// max-pooling kernel is scalar (a quarter of a CNN step here) and mixing layouts costs strided copies;
    /// oneDNN picks NHWC when the input or the weight is NHWC. The parameters themselves stay ordinary
    /// contiguous NCHW tensors, so checkpoints and state dicts are unchanged.
    /// <para>
    /// With one input channel (MNIST) the weight [out, 1, kh, kw] is viewed with NHWC strides, which costs
    /// nothing (a single channel has the same bytes in both layouts) and replaces a copy of the whole
    /// activation after the convolution and another of its gradient: -30% CPU per cnn-3x3 and cnn-5x5
    /// training step here. With several input channels the input is copied to NHWC first (the input is
    /// the smallest activation).
    /// </para>
    /// </summary>
    public static Tensor Conv2dChannelsLast(Tensor input, Conv2d conv, long stride, long padding)
    {
        var weight = conv.weight ?? throw new InvalidOperationException("A Conv2d without a weight.");
        long[] strides = [stride, stride], paddings = [padding, padding];
        if (weight.shape[1] == 1)
        {
            using var nhwc = weight.view(weight.shape[0], weight.shape[2], weight.shape[3], 1);
            using var nhwcStrided = nhwc.permute(0, 3, 1, 2);
            return nn.functional.conv2d(input, nhwcStrided, conv.bias, strides, paddings);
        }
        using var channelsLast = ChannelsLast(input);
        return nn.functional.conv2d(channelsLast, weight, conv.bias, strides, paddings);
    }

    /// <summary>A channels-last copy of a 4-D tensor: logical shape unchanged, values in the same logical order.</summary>
    internal static Tensor ChannelsLast(Tensor x)
    {
        using var nhwc = x.permute(0, 2, 3, 1);
        using var packed = nhwc.contiguous();
        return packed.permute(0, 3, 1, 2);
    }
}
