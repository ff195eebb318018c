using MnistGen.Core.Runtime;

namespace MnistGen.Core.Tests.Runtime;

public class ThreadPolicyTests
{
    [Theory]
    [InlineData(0, 7_850L * 64, 2, 1)]        // a linear classifier: too small to wake a second thread
    [InlineData(0, 109_184L * 64, 2, 2)]      // the MLP: two threads (0.42 s against 0.52 s an epoch here)
    [InlineData(0, 2_631_040L * 64, 2, 2)]    // cnn-3x3: every core
    [InlineData(0, 4_002_304L * 100, 8, 8)]   // cnn-5x5 on a bigger machine
    [InlineData(3, 109_184L * 64, 2, 3)]      // an explicit --threads always wins
    [InlineData(0, 4_002_304L * 100, 1, 1)]
    public void Chooses_one_thread_for_tiny_steps_and_every_core_otherwise(int requested, long macs, int cores, int expected) =>
        Assert.Equal(expected, ThreadPolicy.ForTraining(requested, macs, cores));
}
