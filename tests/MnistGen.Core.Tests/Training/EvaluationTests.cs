using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Training;
using static MnistGen.Core.Tests.Training.TestFixtures;
using static TorchSharp.torch;

namespace MnistGen.Core.Tests.Training;

/// <summary>Reads its logits straight from the first pixels, so every output is known by hand.</summary>
internal sealed class FirstPixelsAreLogits(int classes) : nn.Module<Tensor, Tensor>(nameof(FirstPixelsAreLogits))
{
    public override Tensor forward(Tensor x) => x.flatten(1).narrow(1, 0, classes);
}

[Collection(TorchCollection.Name)]
public sealed class EvaluationTests
{
    private static DataSplit SplitOf(float[][] logits, long[] labels)
    {
        var pixels = new float[logits.Length * 784];
        for (var i = 0; i < logits.Length; i++) logits[i].CopyTo(pixels, i * 784);
        return new DataSplit(tensor(pixels, [logits.Length, 1, 28, 28]), tensor(labels));
    }

    private static double Softmax(float[] logits, int k) => Math.Exp(logits[k]) / logits.Sum(l => Math.Exp(l));

    [Fact]
    public void Evaluation_matches_a_hand_computed_case_across_batches()
    {
        float[][] logits = [[2, 0, 0], [0, 3, 0], [0, 0, 1], [1, 1, 5]];
        long[] labels = [0, 2, 2, 0];
        var split = SplitOf(logits, labels);
        using var module = new FirstPixelsAreLogits(3);

        var result = Evaluator.Evaluate(module, split, batchSize: 3, classes: 3, worstCount: 10);

        Assert.Equal(0.5, result.Accuracy);
        var expectedLoss = -Enumerable.Range(0, 4).Average(i => Math.Log(Softmax(logits[i], (int)labels[i])));
        Assert.Equal(expectedLoss, result.Loss, 5);
        Assert.Equal([1, 0, 1, 0, 0, 0, 0, 1, 1], result.Confusion.Counts.ToArray());
        Assert.Equal(2, result.WorstMistakes.Length);
        Assert.Equal((3, 0, 2), (result.WorstMistakes[0].Index, result.WorstMistakes[0].Label, result.WorstMistakes[0].Predicted));
        Assert.Equal(Softmax(logits[3], 2), result.WorstMistakes[0].Confidence, 5);
        Assert.Equal(Softmax(logits[1], 1), result.WorstMistakes[1].Confidence, 5);

        var summary = Evaluator.Summarize(module, split, batchSize: 3, new MnistGen.Core.Specs.LossConfig(MnistGen.Core.Specs.LossKind.CrossEntropy))!.Value;
        Assert.Equal(result.Accuracy, summary.Accuracy);
        Assert.Equal(result.Loss, summary.Loss, 6);
    }

    [Fact]
    public void Predict_gives_softmax_probabilities_for_logits_and_log_probabilities_alike()
    {
        float[] logits = [1, 2, 0.5f];
        var split = SplitOf([logits], [0]);
        using var raw = new FirstPixelsAreLogits(3);
        var fromLogits = Predictor.Predict(raw, split.Images[0]).Value;   // [1, 28, 28]
        Assert.Equal(1, fromLogits.Predicted);
        for (var k = 0; k < 3; k++) Assert.Equal(Softmax(logits, k), fromLogits.Probabilities[k], 5);

        using var logProbabilities = tensor(logits).log_softmax(0);
        var logSplit = SplitOf([logProbabilities.data<float>().ToArray()], [0]);
        var fromLogProbabilities = Predictor.Predict(raw, logSplit.Images[0, 0]).Value;   // [28, 28]
        for (var k = 0; k < 3; k++) Assert.Equal(fromLogits.Probabilities[k], fromLogProbabilities.Probabilities[k], 5);
    }

    [Fact]
    public void Predict_batch_gives_one_prediction_per_image_and_refuses_bad_shapes()
    {
        var split = SplitOf([[0, 0, 4], [5, 0, 0]], [2, 0]);
        using var module = new FirstPixelsAreLogits(3);
        var predictions = Predictor.PredictBatch(module, split.Images).Value;
        Assert.Equal([2, 0], predictions.Select(p => p.Predicted));
        Assert.All(predictions, p => Assert.Equal(1.0, p.Probabilities.Sum(), 5));

        Assert.Contains("holds 2", Predictor.Predict(module, split.Images).Errors[0].Message);
        using var flat = zeros(784);
        Assert.Contains("[784]", Predictor.PredictBatch(module, flat).Errors[0].Message);
    }

    [Fact]
    public void A_preprocessed_image_feeds_predict()
    {
        var pixels = new byte[784];
        pixels[1] = 255;                                   // class 1's logit is the brightest
        var image = ImagePreprocessor.FromGrayscale(pixels, 28, 28, Mean, Std).Value;
        using var module = new FirstPixelsAreLogits(3);
        Assert.Equal(1, Predictor.Predict(module, image).Value.Predicted);
    }

    [Fact]
    public void A_trained_run_loads_and_evaluates_to_its_recorded_test_accuracy()
    {
        var dir = TempDir();
        using var data = SyntheticData();
        try
        {
            var spec = Spec(Config(epochs: 1));
            var run = Trainer.Train(spec, data, Options(dir)).Value;
            foreach (var path in new[] { run.Directory!, run.Paths!.Model })
            {
                var resolved = new List<string>();
                using var loaded = ModelLoader.Load(path, id => { resolved.Add(id); return spec; }).Value;
                Assert.Equal(["tiny-mlp"], resolved);
                Assert.False(loaded.Module.training);
                var result = Evaluator.Evaluate(loaded.Module, data.Test, loss: spec.Training.Loss);
                Assert.Equal(run.History[^1].TestAccuracy, result.Accuracy);
                Assert.Equal(run.History[^1].TestLoss, result.Loss, 5);
                var first = Predictor.Predict(loaded.Module, data.Test.Images[0]).Value;
                Assert.Equal(1.0, first.Probabilities.Sum(), 5);
            }
            var unknown = ModelLoader.Load(run.Directory!, id => new MnistGen.Core.Functional.Error($"unknown architecture '{id}'."));
            Assert.Equal("unknown architecture 'tiny-mlp'.", Assert.Single(unknown.Errors).Message);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }
}
