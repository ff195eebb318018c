using MnistGen.Core.Data;
using MnistGen.Core.Specs;

namespace MnistGen.Core.Tests.Data;

public class DataDirectoryTests
{
    private static readonly string Cwd = Path.Combine(Path.GetTempPath(), "work");

    [Fact]
    public void The_default_is_data_slash_dataset_under_the_current_directory()
    {
        Assert.Equal(Path.Combine(Cwd, "data", "mnist"), DataDirectory.Resolve(DatasetInfo.Mnist, null, null, Cwd));
        Assert.Equal(Path.Combine(Cwd, "data", "fashion-mnist"), DataDirectory.Resolve(DatasetInfo.FashionMnist, "", " ", Cwd));
    }

    [Fact]
    public void The_environment_root_replaces_dot_data()
    {
        var root = Path.Combine(Path.GetTempPath(), "shared-data");
        Assert.Equal(Path.Combine(root, "mnist"), DataDirectory.Resolve(DatasetInfo.Mnist, null, root, Cwd));
        Assert.Equal(Path.Combine(Cwd, "rel", "fashion-mnist"), DataDirectory.Resolve(DatasetInfo.FashionMnist, null, "rel", Cwd));
    }

    [Fact]
    public void The_data_option_names_the_directory_itself_and_beats_the_environment()
    {
        Assert.Equal(Path.Combine(Cwd, "my-mnist"), DataDirectory.Resolve(DatasetInfo.Mnist, "my-mnist", "/elsewhere", Cwd));
        var absolute = Path.Combine(Path.GetTempPath(), "abs");
        Assert.Equal(absolute, DataDirectory.Resolve(DatasetInfo.Mnist, absolute, null, Cwd));
    }
}

public class DatasetInfoTests
{
    [Theory]
    [InlineData("mnist", DatasetKind.Mnist)]
    [InlineData("MNIST", DatasetKind.Mnist)]
    [InlineData("fashion-mnist", DatasetKind.FashionMnist)]
    public void Data_sets_are_found_by_wire_name(string name, DatasetKind kind)
    {
        Assert.Equal(kind, DatasetInfo.Parse(name).Value.Kind);
        Assert.Same(DatasetInfo.For(kind), DatasetInfo.Parse(name).Value);
    }

    [Fact]
    public void An_unknown_name_lists_the_data_sets() =>
        Assert.Equal("Unknown data set 'cifar'; the data sets are: mnist, fashion-mnist.", Assert.Single(DatasetInfo.Parse("cifar").Errors).Message);

    [Fact]
    public void Mnist_carries_the_hashes_from_the_design()
    {
        Assert.Equal(
            ["train-images-idx3-ubyte ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
             "train-labels-idx1-ubyte 65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
             "t10k-images-idx3-ubyte 0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
             "t10k-labels-idx1-ubyte ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"],
            DatasetInfo.Mnist.Files.Select(f => f.Name + " " + f.Sha256));
    }
}
