using System.Globalization;
using MnistGen.Core.Data;
using MnistGen.Core.Specs;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace MnistGen.Core.Tests.Data;

/// <summary>The real MNIST files, fetched and verified, loaded as the training pipeline will see them.</summary>
public class RealMnistTests(RealMnistFixture fixture, ITestOutputHelper output) : IClassFixture<RealMnistFixture>
{
    private readonly Dataset _mnist = fixture.Dataset;

    [Fact]
    public void The_splits_hold_60000_and_10000_images_of_28x28()
    {
        Assert.Equal(new long[] { 60000, 1, 28, 28 }, _mnist.Train.Images.shape);
        Assert.Equal(new long[] { 10000, 1, 28, 28 }, _mnist.Test.Images.shape);
        Assert.Equal((60000, 10000), (_mnist.Train.Count, _mnist.Test.Count));
        Assert.Equal(new long[] { 60000 }, _mnist.Train.Labels.shape);
    }

    [Fact]
    public void The_first_labels_are_the_well_known_ones()
    {
        Assert.Equal(new long[] { 5, 0, 4, 1, 9, 2, 1, 3, 1, 4 }, _mnist.Train.Labels[..10].data<long>().ToArray());
        Assert.Equal(new long[] { 7, 2, 1, 0, 4, 1, 4, 9, 5, 9 }, _mnist.Test.Labels[..10].data<long>().ToArray());
    }

    [Fact]
    public void The_training_classes_have_their_known_sizes()
    {
        using var counts = bincount(_mnist.Train.Labels);
        Assert.Equal(new long[] { 5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949 }, counts.data<long>().ToArray());
    }

    [Fact]
    public void Normalised_training_images_have_mean_about_0_and_std_about_1()
    {
        using var scope = NewDisposeScope();
        var (mean, std) = (_mnist.Train.Images.mean().item<float>(), _mnist.Train.Images.std().item<float>());
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"train mean {mean:F5}, std {std:F5}"));
        Assert.InRange(mean, -0.001, 0.001);
        Assert.InRange(std, 0.999, 1.001);
        // The test split was not used for the statistics, so it is only close.
        Assert.InRange(_mnist.Test.Images.mean().item<float>(), -0.02, 0.02);
        Assert.InRange(_mnist.Test.Images.std().item<float>(), 0.98, 1.02);
        // The background pixel (0) maps to -mean/std.
        Assert.Equal((float)(-0.1307 / 0.3081), _mnist.Train.Images[0, 0, 0, 0].item<float>(), 1e-6f);
    }
}

/// <summary>Fashion-MNIST from the Debian package: same format, its own statistics (recorded in DatasetInfo).</summary>
public class RealFashionMnistTests(RealFashionMnistFixture fixture, ITestOutputHelper output) : IClassFixture<RealFashionMnistFixture>
{
    private readonly Dataset _fashion = fixture.Dataset;

    [Fact]
    public void The_splits_hold_60000_and_10000_images_with_6000_per_class()
    {
        Assert.Equal(new long[] { 60000, 1, 28, 28 }, _fashion.Train.Images.shape);
        Assert.Equal(new long[] { 10000, 1, 28, 28 }, _fashion.Test.Images.shape);
        using var counts = bincount(_fashion.Train.Labels);
        Assert.All(counts.data<long>().ToArray(), c => Assert.Equal(6000, c));
    }

    [Fact]
    public void The_recorded_statistics_are_those_of_the_training_pixels()
    {
        // Recompute from the stored bytes, independently of the tensors: mean and population std of pixel / 255.
        var images = IdxFile.ReadImages(IdxFile.Locate(RealData.DirectoryOf(DatasetInfo.FashionMnist), "train-images-idx3-ubyte").Value).Value;
        var histogram = new long[256];
        foreach (var p in images.Pixels) histogram[p]++;
        double n = images.PixelCount, sum = 0, squares = 0;
        for (var v = 0; v < 256; v++) { sum += histogram[v] * (v / 255.0); squares += histogram[v] * (v / 255.0) * (v / 255.0); }
        var mean = sum / n;
        var std = Math.Sqrt(squares / n - mean * mean);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Fashion-MNIST train pixels: mean {mean:R}, std {std:R}"));

        Assert.Equal(DatasetInfo.FashionMnist.Mean, mean, 4);
        Assert.Equal(DatasetInfo.FashionMnist.Std, std, 4);
        using var scope = NewDisposeScope();
        Assert.InRange(_fashion.Train.Images.mean().item<float>(), -0.001, 0.001);
        Assert.InRange(_fashion.Train.Images.std().item<float>(), 0.999, 1.001);
    }
}
