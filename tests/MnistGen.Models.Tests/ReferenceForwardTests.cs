using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistGen.Models.Tests;

/// <summary>
/// The generated CNNs run their layers with speed-minded rewrites (channels-last from the first convolution,
/// max-pooling before the ReLU it follows in the spec). These tests hold them to the spec's plain meaning: the
/// same parameters pushed through the layers in the spec's order, in the default NCHW layout, must give the
/// same outputs and the same parameter gradients.
/// </summary>
public class ReferenceForwardTests
{
    [Theory]
    [InlineData("cnn-3x3")]
    [InlineData("cnn-5x5")]
    public void Generated_cnn_matches_the_spec_order_reference_in_outputs_and_gradients(string id)
    {
        using var scope = NewDisposeScope();
        manual_seed(11);
        using var model = Architectures.Find(id).Value.Create();
        model.eval(); // dropout off on both sides, so the gradients are comparable
        var p = model.named_parameters().ToDictionary(n => n.name, n => n.parameter);
        var images = randn(16, 1, 28, 28);
        var labels = randint(0, 10, 16, dtype: ScalarType.Int64);

        var generated = model.forward(images);
        F.nll_loss(generated, labels).backward();
        var generatedGrads = p.ToDictionary(kv => kv.Key, kv => kv.Value.grad!.clone());
        model.zero_grad();

        // The spec, layer by layer: conv2d, relu, max_pool2d, conv2d, relu, max_pool2d, flatten, linear, relu, dropout, linear, log_softmax.
        var x = F.conv2d(images, p["conv1.weight"], p["conv1.bias"]);
        x = F.max_pool2d(F.relu(x), 2, 2);
        x = F.conv2d(x, p["conv2.weight"], p["conv2.bias"]);
        x = F.max_pool2d(F.relu(x), 2, 2);
        x = x.flatten(1);
        x = F.relu(F.linear(x, p["fc1.weight"], p["fc1.bias"]));
        var reference = F.linear(x, p["fc2.weight"], p["fc2.bias"]).log_softmax(1);
        F.nll_loss(reference, labels).backward();

        Assert.Equal(reference.shape, generated.shape);
        Assert.True(allclose(reference, generated, rtol: 1e-4, atol: 1e-5), $"{id}: outputs differ");
        foreach (var (name, parameter) in p)
            Assert.True(allclose(parameter.grad!, generatedGrads[name], rtol: 1e-3, atol: 1e-6), $"{id}: gradient of {name} differs");
    }

    [Theory]
    [InlineData("mlp")]
    [InlineData("cnn-3x3")]
    [InlineData("cnn-5x5")]
    public void Scores_are_the_forward_pass_before_its_final_log_softmax(string id)
    {
        using var scope = NewDisposeScope();
        manual_seed(5);
        using var model = Architectures.Find(id).Value.Create();
        model.eval();
        var scored = Assert.IsAssignableFrom<MnistGen.Core.Evaluation.IClassScores>(model);
        var images = randn(4, 1, 28, 28);
        using var _ = no_grad();
        var forward = model.forward(images);
        var scores = scored.Scores(images);
        Assert.False(allclose(scores, forward), "scores are not yet normalised");
        Assert.True(allclose(scores.log_softmax(1), forward, rtol: 1e-5, atol: 1e-6));
    }
}
