using static TorchSharp.torch;

namespace MnistGen.Core.Runtime;

/// <summary>
/// Memory layout helpers for generated models. TorchSharp 0.107 has no memory_format API, so channels-last
/// is made the way PyTorch stores it: the same logical [N, C, H, W] tensor with NHWC strides.
/// </summary>
public static class TensorLayout
{
    /// <summary>
    /// A channels-last copy of a 4-D tensor: logical shape unchanged, so every later op (flatten included)
    /// sees the same values in the same order. LibTorch 2.10's NCHW max-pooling kernel is scalar and was a
    /// quarter of a CNN training step here; its NHWC kernel is vectorised over channels, and oneDNN
    /// convolutions then stay in NHWC. A first convolution with one input channel cannot signal the layout
    /// itself (its strides are ambiguous), hence this explicit copy after it.
    /// </summary>
    public static Tensor ChannelsLast(Tensor x)
    {
        using var nhwc = x.permute(0, 2, 3, 1);
        using var packed = nhwc.contiguous();
        return packed.permute(0, 3, 1, 2);
    }
}
