using MnistGen.Core.Data;
using MnistGen.Core.Specs;
using static MnistGen.Core.Tests.Data.IdxBuilder;
using static TorchSharp.torch;

namespace MnistGen.Core.Tests.Data;

/// <summary>
/// The managed normalisation (a 256-entry table, so it can run before LibTorch loads) gives exactly the floats
/// of the tensor operations it replaced, and the prefetch gives exactly what a plain load gives, or nothing.
/// </summary>
public class DataPrefetchTests
{
    [Theory]
    [InlineData(0.1307, 0.3081)] // MNIST
    [InlineData(0.2860, 0.3530)] // Fashion-MNIST
    public void The_table_is_bit_identical_to_libtorchs_float32_operations(double mean, double std)
    {
        var bytes = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();
        using var scope = NewDisposeScope();
        var viaTorch = frombuffer(bytes, ScalarType.Byte).to_type(ScalarType.Float32).div_(255.0).sub_(mean).div_(std);
        var table = DatasetLoader.NormalizationTable(mean, std);
        var expected = viaTorch.data<float>().ToArray();
        for (var b = 0; b < 256; b++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[b]) == BitConverter.SingleToInt32Bits(table[b]),
                $"byte {b}: LibTorch {expected[b]:R}, table {table[b]:R}");
    }

    [Fact]
    public void Files_that_fail_their_checksum_give_no_prefetch_and_the_plain_load_still_works()
    {
        using var dir = new TempDirectory();
        dir.WriteAll(SmallDataset()); // valid IDX, but not MNIST's SHA-256
        var prefetch = DataPrefetch.Start(DatasetInfo.Mnist, dir.Path);
        Assert.Null(prefetch.Load(DatasetInfo.Mnist, dir.Path));
        using var plain = DatasetLoader.Load(DatasetKind.Mnist, dir.Path).Value;
        Assert.Equal(3, plain.Train.Count);
    }

    [Fact]
    public void A_missing_directory_gives_no_prefetch()
    {
        var missing = Path.Combine(Path.GetTempPath(), "mnistgen-no-such-" + Guid.NewGuid().ToString("N"));
        Assert.Null(DataPrefetch.Start(DatasetInfo.Mnist, missing).Load(DatasetInfo.Mnist, missing));
    }

    [Fact]
    public void The_real_mnist_prefetch_equals_a_plain_load_and_is_only_used_for_what_it_read()
    {
        var directory = RealData.DirectoryOf(DatasetInfo.Mnist);
        var available = DataFetcher.EnsureAvailable(DatasetKind.Mnist, directory, _ => { });
        Assert.True(available.IsOk, string.Join(" ", available.Errors));

        var prefetch = DataPrefetch.Start(DatasetInfo.Mnist, directory);
        Assert.Null(prefetch.Load(DatasetInfo.FashionMnist, directory)); // another data set: not this prefetch's
        using var prefetched = prefetch.Load(DatasetInfo.Mnist, directory + Path.DirectorySeparatorChar);
        Assert.NotNull(prefetched);
        using var plain = DatasetLoader.Load(DatasetKind.Mnist, directory).Value;
        Assert.True(plain.Train.Images.equal(prefetched.Train.Images).all().item<bool>());
        Assert.True(plain.Test.Images.equal(prefetched.Test.Images).all().item<bool>());
        Assert.True(plain.Train.Labels.equal(prefetched.Train.Labels).all().item<bool>());
        Assert.Equal(new long[] { 60_000, 1, 28, 28 }, prefetched.Train.Images.shape);
    }
}
