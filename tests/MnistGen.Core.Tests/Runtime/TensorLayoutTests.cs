using MnistGen.Core.Runtime;
using static TorchSharp.torch;

namespace MnistGen.Core.Tests.Runtime;

public class TensorLayoutTests
{
    [Theory]
    [InlineData(1, 5, 1, 0, true)]   // MNIST's first convolution: the weight is viewed with NHWC strides
    [InlineData(3, 3, 1, 1, true)]   // several input channels: the input is copied to NHWC
    [InlineData(1, 3, 2, 1, false)]  // strided, padded, no bias
    public void First_convolution_in_channels_last_matches_the_plain_one_in_values_and_gradients(int channels, int kernel, int stride, int padding, bool bias)
    {
        using var scope = NewDisposeScope();
        manual_seed(7);
        using var conv = nn.Conv2d(channels, 8, kernel, stride, padding, bias: bias);
        var input = randn(4, channels, 12, 12);

        var plain = conv.forward(input);
        plain.square().sum().backward();
        var plainWeightGrad = conv.weight!.grad!.clone();
        var plainBiasGrad = conv.bias?.grad!.clone();
        conv.zero_grad();

        var nhwc = TensorLayout.Conv2dChannelsLast(input, conv, stride, padding);
        nhwc.square().sum().backward();

        Assert.Equal(plain.shape, nhwc.shape);
        var (c, h, w) = (nhwc.shape[1], nhwc.shape[2], nhwc.shape[3]);
        Assert.Equal(new[] { h * w * c, 1, w * c, c }, nhwc.stride());
        Assert.True(allclose(plain, nhwc, rtol: 1e-5, atol: 1e-5));
        Assert.True(allclose(plainWeightGrad, conv.weight!.grad!, rtol: 1e-4, atol: 1e-4));
        if (bias) Assert.True(allclose(plainBiasGrad!, conv.bias!.grad!, rtol: 1e-4, atol: 1e-4));
        else Assert.Null(conv.bias);
        Assert.True(conv.weight!.is_contiguous(), "the parameter itself stays NCHW-contiguous, so checkpoints are unchanged");
    }

    [Fact]
    public void Channels_last_copy_keeps_logical_values_and_changes_strides()
    {
        using var scope = NewDisposeScope();
        var x = arange(2 * 3 * 4 * 5, dtype: ScalarType.Float32).reshape(2, 3, 4, 5);
        var y = TensorLayout.ChannelsLast(x);
        Assert.True(x.eq(y).all().item<bool>());
        Assert.Equal(new long[] { 60, 1, 15, 3 }, y.stride());
    }
}
