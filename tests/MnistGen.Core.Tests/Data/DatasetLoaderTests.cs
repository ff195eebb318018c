using MnistGen.Core.Data;
using MnistGen.Core.Specs;
using static MnistGen.Core.Tests.Data.IdxBuilder;
using static TorchSharp.torch;

namespace MnistGen.Core.Tests.Data;

/// <summary>Loading a small valid data set: shapes, dtypes, labels and the exact normalisation.</summary>
public class DatasetLoaderTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_small_data_set_loads_into_normalised_float_images_and_int64_labels(bool gz)
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        dir.WriteAll(files, gz);

        using var dataset = DatasetLoader.Load(DatasetKind.Mnist, dir.Path).Value;

        Assert.Equal((DatasetKind.Mnist, 0.1307, 0.3081), (dataset.Kind, dataset.Mean, dataset.Std));
        Assert.Equal(new long[] { 3, 1, 28, 28 }, dataset.Train.Images.shape);
        Assert.Equal(new long[] { 2, 1, 28, 28 }, dataset.Test.Images.shape);
        Assert.Equal(ScalarType.Float32, dataset.Train.Images.dtype);
        Assert.Equal(ScalarType.Int64, dataset.Train.Labels.dtype);
        Assert.Equal(new long[] { 5, 0, 4 }, dataset.Train.Labels.data<long>().ToArray());
        Assert.Equal(new long[] { 7, 2 }, dataset.Test.Labels.data<long>().ToArray());
        Assert.Equal((3, 2), (dataset.Train.Count, dataset.Test.Count));

        // Pixel j of image i is (i * 31 + j) mod 256; normalised as torchvision does: (p / 255 - mean) / std.
        var pixels = dataset.Train.Images.data<float>().ToArray();
        var raw = files["train-images-idx3-ubyte"].AsSpan(16);
        for (var k = 0; k < pixels.Length; k++)
            Assert.Equal((float)((raw[k] / 255.0 - 0.1307) / 0.3081), pixels[k], 1e-5f);
        Assert.Equal(31, raw[784]); // image 1 starts at 31: the layout is [N, 1, 28, 28] in file order
    }

    [Fact]
    public void Fashion_mnist_uses_its_own_statistics()
    {
        using var dir = new TempDirectory();
        dir.WriteAll(SmallDataset(), gz: true);
        using var dataset = DatasetLoader.Load(DatasetKind.FashionMnist, dir.Path).Value;
        Assert.Equal((DatasetKind.FashionMnist, 0.2860, 0.3530), (dataset.Kind, dataset.Mean, dataset.Std));
        var first = dataset.Train.Images[0, 0, 0, 1].item<float>(); // raw pixel value 1
        Assert.Equal((float)((1 / 255.0 - 0.2860) / 0.3530), first, 1e-6f);
    }

    [Fact]
    public void Gzip_content_is_recognised_by_its_magic_bytes_whatever_the_name()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        dir.WriteAll(files);
        File.WriteAllBytes(dir.Combine("t10k-labels-idx1-ubyte"), Gzip(files["t10k-labels-idx1-ubyte"]));     // gzip without .gz
        File.Move(dir.Combine("t10k-images-idx3-ubyte"), dir.Combine("t10k-images-idx3-ubyte.gz"));           // raw with .gz

        using var dataset = DatasetLoader.Load(DatasetKind.Mnist, dir.Path).Value;
        Assert.Equal(new long[] { 7, 2 }, dataset.Test.Labels.data<long>().ToArray());
    }

    [Fact]
    public void The_uncompressed_file_wins_when_both_are_present()
    {
        using var dir = new TempDirectory();
        dir.WriteAll(SmallDataset());
        dir.Write("train-labels-idx1-ubyte.gz", Gzip(Labels(9, 9, 9)));
        Assert.Equal(dir.Combine("train-labels-idx1-ubyte"), IdxFile.Locate(dir.Path, "train-labels-idx1-ubyte").Value);
    }
}
