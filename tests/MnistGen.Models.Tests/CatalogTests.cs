using System.Collections.Immutable;
using MnistGen.Core.Specs;

namespace MnistGen.Models.Tests;

public class CatalogTests
{
    [Theory]
    [InlineData("cnn-5x5")]
    [InlineData("Cnn5x5")]
    [InlineData("CNN-5X5")]
    [InlineData("cnn5x5")]
    [InlineData("  cnn-5x5 ")]
    public void An_architecture_is_found_by_id_or_class_name_ignoring_case(string name)
    {
        var found = Architectures.Find(name);

        Assert.True(found.IsOk);
        Assert.Same(Cnn5x5.Spec, found.Value);
    }

    [Fact]
    public void An_unknown_name_lists_the_known_ones_and_suggests_the_closest()
    {
        var result = Architectures.Find("cnn-5x6");

        var error = Assert.Single(result.Errors);
        Assert.Equal(
            "Unknown architecture 'cnn-5x6'. Did you mean 'cnn-5x5'? Known architectures: best (Best), cnn-3x3 (Cnn3x3), cnn-5x5 (Cnn5x5), fast (Fast), mlp (Mlp).",
            error.Message);
        Assert.Equal(Core.Functional.ErrorKind.BadInput, error.Kind);
    }

    [Fact]
    public void A_name_far_from_every_architecture_gets_no_suggestion()
    {
        var error = Assert.Single(Architectures.Find("resnet152").Errors);

        Assert.Equal("Unknown architecture 'resnet152'. Known architectures: best (Best), cnn-3x3 (Cnn3x3), cnn-5x5 (Cnn5x5), fast (Fast), mlp (Mlp).", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void An_empty_name_asks_for_one(string? name) =>
        Assert.Equal("Name an architecture: best (Best), cnn-3x3 (Cnn3x3), cnn-5x5 (Cnn5x5), fast (Fast), mlp (Mlp).", Assert.Single(ArchitectureCatalog.Find(Architectures.All, name).Errors).Message);

    [Fact]
    public void An_id_match_wins_over_a_class_name_match()
    {
        var a = Fake("foo", "Bar");
        var b = Fake("bar", "Foo");

        Assert.Same(b, ArchitectureCatalog.Find([a, b], "BAR").Value);
        Assert.Same(a, ArchitectureCatalog.Find([a, b], "foo").Value);
    }

    [Fact]
    public void With_no_architectures_the_error_says_how_to_add_one() =>
        Assert.Equal("Unknown architecture 'mlp': no architectures are defined (add a spec to specs/ and build).",
            Assert.Single(ArchitectureCatalog.Find([], "mlp").Errors).Message);

    private static ArchitectureSpec Fake(string id, string name) => new(
        id, name, "", $"specs/{id}.yaml", "", [1, 28, 28], 10, new ModelSummary([], 0, 0),
        new TrainingConfig(DatasetKind.Mnist, new LossConfig(LossKind.Nll), new OptimizerConfig(OptimizerKind.Sgd, 0.1), 1, 1, 1, ScheduleConfig.None),
        null, () => throw new NotSupportedException());
}
