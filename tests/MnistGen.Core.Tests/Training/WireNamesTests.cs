using MnistGen.Core.Specs;
using MnistGen.Vocabulary;

namespace MnistGen.Core.Tests.Training;

public class WireNamesTests
{
    [Fact]
    public void Every_data_set_and_optimizer_has_one_name_from_the_shared_vocabulary_and_parses_back()
    {
        Assert.Equal(SpecVocabulary.Datasets, Enum.GetValues<DatasetKind>().Select(WireNames.Of));
        Assert.Equal(SpecVocabulary.Optimizers, Enum.GetValues<OptimizerKind>().Select(WireNames.Of));
        foreach (var kind in Enum.GetValues<DatasetKind>())
            Assert.True(WireNames.TryParse(WireNames.Of(kind), out DatasetKind back) && back == kind, kind.ToString());
        foreach (var kind in Enum.GetValues<OptimizerKind>())
            Assert.True(WireNames.TryParse(WireNames.Of(kind), out OptimizerKind back) && back == kind, kind.ToString());
    }

    [Theory]
    [InlineData("fashion_mnist", DatasetKind.FashionMnist)]
    [InlineData("Fashion-MNIST", DatasetKind.FashionMnist)]
    [InlineData(" mnist ", DatasetKind.Mnist)]
    public void Data_set_names_parse_ignoring_case_including_the_old_run_json_spelling(string name, DatasetKind expected)
    {
        Assert.True(WireNames.TryParse(name, out DatasetKind kind));
        Assert.Equal(expected, kind);
    }

    [Fact]
    public void The_old_adamw_spelling_parses_and_unknown_names_do_not()
    {
        Assert.True(WireNames.TryParse("adam_w", out OptimizerKind kind));
        Assert.Equal(OptimizerKind.AdamW, kind);
        Assert.False(WireNames.TryParse("rmsprop", out OptimizerKind _));
        Assert.False(WireNames.TryParse("cifar", out DatasetKind _));
        Assert.False(WireNames.TryParse(null, out DatasetKind _));
    }

    [Fact]
    public void The_data_sets_catalogue_uses_the_same_names() =>
        Assert.Equal(SpecVocabulary.Datasets, MnistGen.Core.Data.DatasetInfo.All.Select(d => d.Name));
}
