using MnistGen.Core.Runtime;
using static TorchSharp.torch;

namespace MnistGen.Core.Tests;

/// <summary>Proves the native LibTorch load works from a test output folder (the libstdc++ patch included).</summary>
public class TorchSmokeTests
{
    [Fact]
    public void A_tensor_operation_runs_in_the_test_process()
    {
        var init = TorchRuntime.Initialize();
        Assert.True(init.IsOk, string.Join("; ", init.Errors));

        using var a = arange(6, dtype: ScalarType.Float32).reshape(2, 3);
        using var b = ones(3, 2);
        using var c = a.matmul(b);
        Assert.Equal(new long[] { 2, 2 }, c.shape);
        Assert.Equal(new float[] { 3, 3, 12, 12 }, c.data<float>().ToArray());
    }

    [Fact]
    public void Negative_thread_count_is_refused_with_a_message()
    {
        var init = TorchRuntime.Initialize(-1);
        Assert.False(init.IsOk);
        Assert.Contains("--threads", init.Errors[0].Message);
    }
}
