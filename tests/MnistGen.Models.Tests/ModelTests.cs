using MnistGen.Core.Specs;
using Snapshooter;
using Snapshooter.Xunit;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistGen.Models.Tests;

/// <summary>The generated modules, run for real with TorchSharp.</summary>
public class ModelTests
{
    public static TheoryData<string> Ids => ["mlp", "cnn-3x3", "cnn-5x5"];

    private static ArchitectureSpec Spec(string id) => Architectures.Find(id).Value;

    [Fact]
    public void The_registry_lists_the_architectures_with_their_parameters_and_multiply_adds()
    {
        Assert.Equal(
            [("best", "Best", 871_082L, 19_094_528L), ("cnn-3x3", "Cnn3x3", 225_034L, 2_631_040L), ("cnn-5x5", "Cnn5x5", 317_066L, 4_002_304L),
             ("fast", "Fast", 57_082L, 743_040L), ("mlp", "Mlp", 109_386L, 109_184L)],
            Architectures.All.Select(a => (a.Id, a.Name, a.Summary.TotalParameters, a.Summary.TotalMacs)));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Forward_on_a_random_batch_of_8_returns_8_by_10_in_both_modes(string id)
    {
        using var scope = NewDisposeScope();
        using var model = Spec(id).Create();
        var images = rand(8, 1, 28, 28);

        model.train();
        Assert.Equal([8L, 10L], model.forward(images).shape);
        model.eval();
        using (no_grad())
        {
            var output = model.forward(images);
            Assert.Equal([8L, 10L], output.shape);
            // log_softmax output: each row's probabilities sum to 1.
            Assert.True(output.exp().sum(1).allclose(ones(8)));
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void TorchSharp_counts_the_same_parameters_as_the_summary_layer_by_layer(string id)
    {
        var spec = Spec(id);
        using var model = spec.Create();

        Assert.Equal(spec.Summary.TotalParameters, model.parameters().Sum(p => p.numel()));
        var children = model.named_children().ToDictionary(c => c.name, c => c.module);
        foreach (var layer in spec.Summary.Layers)
        {
            var counted = children.TryGetValue(layer.Name, out var child) ? child.parameters().Sum(p => p.numel()) : 0;
            Assert.Equal((layer.Name, layer.Parameters), (layer.Name, counted));
        }
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void State_dict_keys_and_shapes(string id)
    {
        using var model = Spec(id).Create();

        var entries = model.state_dict().Select(e => $"{e.Key}: [{string.Join(", ", e.Value.shape)}]").ToList();

        Snapshot.Match(entries, new SnapshotNameExtension(id));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Backward_reaches_every_parameter(string id)
    {
        // In-place activations must not clobber anything autograd saved; a mistake throws here.
        var spec = Spec(id);
        using var scope = NewDisposeScope();
        using var model = spec.Create();
        model.train();

        var output = model.forward(rand(8, 1, 28, 28));
        var targets = randint(0, 10, [8], dtype: ScalarType.Int64);
        var loss = spec.Training.Loss.Kind == LossKind.Nll
            ? nn.functional.nll_loss(output, targets)
            : nn.functional.cross_entropy(output, targets);
        loss.backward();

        Assert.All(model.parameters(), p => Assert.True(p.grad is not null && p.grad.abs().sum().item<float>() > 0));
    }

    [Theory]
    [MemberData(nameof(Ids))]
    public void Forward_leaves_exactly_one_live_tensor_its_result(string id)
    {
        using var model = Spec(id).Create();
        using var images = rand(8, 1, 28, 28);
        var statistics = DisposeScopeManager.Statistics;

        foreach (var training in new[] { true, false })
        {
            model.train(training);
            using var _ = no_grad();
            var before = statistics.ThreadTotalLiveCount;
            using (var output = model.forward(images))
            {
                Assert.Equal(before + 1, statistics.ThreadTotalLiveCount);
            }
            Assert.Equal(before, statistics.ThreadTotalLiveCount);
        }
    }

    [Fact]
    public void Dropout_follows_the_training_mode()
    {
        using var model = Spec("cnn-5x5").Create();
        using var images = rand(4, 1, 28, 28);
        using var _ = no_grad();

        model.eval();
        using var first = model.forward(images);
        using var second = model.forward(images);
        Assert.True(first.allclose(second));

        model.train();
        using var third = model.forward(images);
        using var fourth = model.forward(images);
        Assert.False(third.allclose(fourth));
    }

    [Theory]
    [InlineData("mlp", "Mlp", "specs/mlp.yaml", LossKind.Nll, OptimizerKind.Sgd, 0.03, 64, 15, 0.974)]
    [InlineData("cnn-3x3", "Cnn3x3", "specs/cnn-3x3.yaml", LossKind.CrossEntropy, OptimizerKind.Sgd, 0.01, 64, 25, 0.987)]
    [InlineData("cnn-5x5", "Cnn5x5", "specs/cnn-5x5.yaml", LossKind.CrossEntropy, OptimizerKind.Adam, 0.0001, 100, 15, 0.992)]
    public void Each_spec_carries_its_identity_and_training_recipe(
        string id, string name, string path, LossKind loss, OptimizerKind optimizer, double lr, int batchSize, int epochs, double accuracy)
    {
        var spec = Spec(id);

        Assert.Equal((id, name, path), (spec.Id, spec.Name, spec.SourcePath));
        Assert.Equal(("1,28,28", 10, OutputKind.LogProbabilities), (string.Join(",", spec.InputShape), spec.Classes, spec.Output));
        Assert.Equal((DatasetKind.Mnist, loss, optimizer, lr), (spec.Training.Dataset, spec.Training.Loss.Kind, spec.Training.Optimizer.Kind, spec.Training.Optimizer.Lr));
        Assert.Equal((batchSize, epochs, 1, ScheduleKind.None), (spec.Training.BatchSize, spec.Training.Epochs, spec.Training.Seed, spec.Training.Schedule.Kind));
        Assert.Null(spec.Training.Augment);
        Assert.Equal(accuracy, spec.ExpectedAccuracy);
        Assert.Equal(Sha256(File.ReadAllText(Path.Combine(MnistGen.Tests.Shared.TestRepository.Root, path)).ReplaceLineEndings("\n")), spec.SpecHash);
    }

    private static string Sha256(string text) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
}
