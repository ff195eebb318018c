using MnistGen.Generators.Lowering;
using Snapshooter;
using Snapshooter.Xunit;

namespace MnistGen.Generators.Tests;

/// <summary>
/// The lowering stage (bound layers -> the ops the forward pass runs) as a plain function: its output for each
/// real spec is a reviewed snapshot, and each rule (order, in place, layout) has a test of its own.
/// </summary>
public class LoweringTests
{
    private static LoweredModel Lower(string layers)
    {
        var yaml = "name: Order\ninput: [1, 28, 28]\nlayers:\n" + layers + "training: { loss: cross_entropy, optimizer: adam }\n";
        return Lowerer.Lower(TestSpecs.Model(yaml));
    }

    private static LoweredModel AllKinds() =>
        Lowerer.Lower(TestSpecs.Compile(new Parsing.SpecFile("/x/specs/all-kinds.yaml", File.ReadAllText("TestData/all-kinds.yaml"))).Model!);

    private static string Text(LoweredModel lowered) => string.Join("\n", lowered.Describe()) + "\n";

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn-3x3")]
    [InlineData("cnn-5x5")]
    public void Lowered_ops_of_each_tutorial_spec(string id) =>
        Snapshot.Match(Text(Lowerer.Lower(TestSpecs.Compile(TestSpecs.Real(id)).Model!)), new SnapshotNameExtension(id));

    [Theory]
    [InlineData("fast")]
    [InlineData("best")]
    public void Lowered_ops_of_each_tuned_spec(string id) =>
        Snapshot.Match(Text(Lowerer.Lower(TestSpecs.Compile(TestSpecs.Real(id)).Model!)), new SnapshotNameExtension(id));

    [Fact]
    public void Lowered_ops_for_every_layer_kind() => Snapshot.Match(Text(AllKinds()));

    [Fact]
    public void Every_layer_runs_exactly_once()
    {
        var lowered = AllKinds();

        Assert.Equal(lowered.Spec.Layers.Select(l => l.Name).Order(), lowered.Ops.Select(o => o.Layer.Name).Order());
    }

    [Theory]
    [InlineData("relu", true)]
    [InlineData("leaky_relu: 0.1", true)]
    [InlineData("gelu", false)]  // not monotone
    [InlineData("tanh", false)]  // monotone, but only the measured activations move
    public void A_monotone_activation_runs_after_the_max_pool_that_follows_it(string activation, bool moved)
    {
        var lowered = Lower($"  - conv2d: {{ out: 4, kernel: 3 }}\n  - {activation}\n  - max_pool2d: 2\n  - flatten\n  - linear: 10\n");

        var names = lowered.Ops.Select(o => o.Layer.Name).ToList();
        var act = activation.Split(':')[0] + "_1";
        Assert.Equal(moved, names.IndexOf(act) > names.IndexOf("max_pool2d_1"));
        Assert.Equal(moved ? act : null, lowered.Ops.Single(o => o.Layer.Name == "max_pool2d_1").RunsBefore);
        if (moved) Assert.Equal("[4, 13, 13]", lowered.Ops.Single(o => o.Layer.Name == act).InputShape.ToString());
    }

    [Fact]
    public void Average_pooling_keeps_the_spec_order()
    {
        var lowered = Lower("  - conv2d: { out: 4, kernel: 3 }\n  - relu\n  - avg_pool2d: 2\n  - flatten\n  - linear: 10\n");

        Assert.Equal(["conv1", "relu_1", "avg_pool2d_1", "flatten_1", "fc1"], lowered.Ops.Select(o => o.Layer.Name));
    }

    [Fact]
    public void In_place_is_decided_on_the_lowered_order()
    {
        // In spec order relu_1 follows avg_pool2d (whose output we never overwrite); it runs after max_pool2d,
        // whose fresh output its backward does not read, so there it works in place.
        var lowered = Lower("  - conv2d: { out: 4, kernel: 3 }\n  - avg_pool2d: 2\n  - relu\n  - max_pool2d: 2\n  - flatten\n  - linear: 10\n");

        Assert.Equal(
            [("conv1", OpForm.ChannelsLast), ("avg_pool2d_1", OpForm.Fresh), ("max_pool2d_1", OpForm.Fresh), ("relu_1", OpForm.InPlace), ("flatten_1", OpForm.Fresh), ("fc1", OpForm.Fresh)],
            lowered.Ops.Select(o => (o.Layer.Name, o.Form)));
    }

    [Fact]
    public void The_callers_tensor_is_never_overwritten()
    {
        var lowered = Lower("  - relu\n  - flatten\n  - linear: 10\n");

        Assert.Equal(OpForm.Fresh, lowered.Ops[0].Form);
    }

    [Fact]
    public void Activations_work_in_place_only_on_a_fresh_output_whose_backward_does_not_need_it()
    {
        Assert.Equal(["leaky_relu_1"], AllKinds().Ops.Where(o => o.Form == OpForm.InPlace).Select(o => o.Layer.Name)); // relu_1 follows softmax
        var cnn = Lowerer.Lower(TestSpecs.Compile(TestSpecs.Real("cnn-3x3")).Model!);
        Assert.All(cnn.Ops.Where(o => o.Layer.Kind == "relu"), o => Assert.Equal(OpForm.InPlace, o.Form));
        // relu after relu: the first one's output is what its backward reads.
        Assert.Equal([OpForm.InPlace, OpForm.Fresh], Lower("  - flatten\n  - linear: 10\n  - relu\n  - relu\n").Ops.Skip(2).Select(o => o.Form));
    }

    [Theory]
    [InlineData("  - conv2d: { out: 4, kernel: 3 }\n  - conv2d: { out: 4, kernel: 3 }\n  - flatten\n  - linear: 10\n", "conv1")]
    [InlineData("  - conv2d: { out: 4, kernel: 3 }\n  - relu\n  - max_pool2d: 2\n  - flatten\n  - linear: 10\n", "conv1")]
    [InlineData("  - conv2d: { out: 4, kernel: 3 }\n  - flatten\n  - linear: 10\n", null)]       // no spatial work after it
    [InlineData("  - max_pool2d: 2\n  - conv2d: { out: 4, kernel: 3 }\n  - flatten\n  - linear: 10\n", null)]
    public void Only_the_first_convolution_followed_by_spatial_work_writes_channels_last(string layers, string? expected)
    {
        var lowered = Lower(layers);

        Assert.Equal(expected, lowered.Ops.SingleOrDefault(o => o.Form == OpForm.ChannelsLast)?.Layer.Name);
    }

    [Fact]
    public void Scores_stops_before_a_final_normaliser()
    {
        Assert.True(Lowerer.Lower(TestSpecs.Compile(TestSpecs.Real("mlp")).Model!).HasScores);
        Assert.False(Lower("  - flatten\n  - linear: 10\n").HasScores);
        var lowered = Lower("  - conv2d: { out: 4, kernel: 3 }\n  - relu\n  - max_pool2d: 2\n  - flatten\n  - linear: 10\n  - log_softmax\n");
        Assert.True(lowered.HasScores);
        Assert.Equal("log_softmax_1", lowered.Ops.Last().Layer.Name);
        Assert.Equal(lowered.Ops.Take(lowered.Ops.Count - 1), lowered.ScoreOps);
    }

    [Fact]
    public void Lowering_is_a_pure_function_of_the_model()
    {
        var model = TestSpecs.Compile(TestSpecs.Real("cnn-5x5")).Model!;

        Assert.Equal(Lowerer.Lower(model), Lowerer.Lower(model with { }));
    }
}
