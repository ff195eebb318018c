using MnistGen.Core.Specs;
using MnistGen.Generators.Language;
using MnistGen.Vocabulary;

namespace MnistGen.Generators.Tests;

/// <summary>The key table's training names and limits are the ones Core trains with, from the one shared file.</summary>
public class TrainingVocabularyTests
{
    [Fact]
    public void The_key_table_lists_the_shared_data_sets_each_as_the_core_enum_member_it_emits()
    {
        Assert.Equal(SpecVocabulary.Datasets, SpecLanguage.Dataset.Names);
        Assert.Equal(SpecVocabulary.Datasets.Order(), SpecLanguage.DatasetShapes.Keys.Order());
        foreach (var value in SpecLanguage.Dataset.Values)
            Assert.Equal(value.Name, WireNames.Of(Enum.Parse<DatasetKind>(value.CSharpName)));
    }

    [Fact]
    public void The_key_table_lists_the_shared_optimizers_each_as_the_core_enum_member_it_emits()
    {
        Assert.Equal(SpecVocabulary.Optimizers, SpecLanguage.Optimizer.Names);
        foreach (var variant in SpecLanguage.Optimizer.Variants)
            Assert.Equal(variant.Name, WireNames.Of(Enum.Parse<OptimizerKind>(variant.CSharpName)));
    }

    [Fact]
    public void The_augment_limits_are_the_shared_ones()
    {
        var shift = Assert.IsType<IntType>(SpecLanguage.Augment.Find("max_shift")!.Type);
        var rotation = Assert.IsType<NumberType>(SpecLanguage.Augment.Find("max_rotation")!.Type);
        Assert.Equal((0, SpecVocabulary.MaxShiftLimit), (shift.Min, shift.Max));
        Assert.Equal((0.0, SpecVocabulary.MaxRotationLimit), (rotation.Min, rotation.Max));
    }
}
