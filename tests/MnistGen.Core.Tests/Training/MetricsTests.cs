using MnistGen.Core.Evaluation;

namespace MnistGen.Core.Tests.Training;

public class MetricsTests
{
    [Fact]
    public void A_hand_computed_three_class_case()
    {
        long[] labels = [0, 0, 1, 1, 1, 2];
        long[] predicted = [0, 1, 1, 1, 2, 0];
        float[] confidence = [0.9f, 0.6f, 0.8f, 0.7f, 0.95f, 0.5f];

        var result = Metrics.From(labels, predicted, confidence, lossSum: 3.0, classes: 3, worstCount: 2);

        Assert.Equal(6, result.Count);
        Assert.Equal(3, result.Correct);
        Assert.Equal(0.5, result.Accuracy);
        Assert.Equal(0.5, result.Loss);
        Assert.Equal([new ClassAccuracy(0, 2, 1), new ClassAccuracy(1, 3, 2), new ClassAccuracy(2, 1, 0)], result.PerClass.ToArray());
        Assert.Equal(2.0 / 3, result.PerClass[1].Accuracy);
        //            predicted: 0  1  2
        int[] expected = [1, 1, 0,   // true 0
                          0, 2, 1,   // true 1
                          1, 0, 0];  // true 2
        Assert.Equal(expected, result.Confusion.Counts.ToArray());
        Assert.Equal(1, result.Confusion[1, 2]);
        Assert.Equal([0, 2, 1], result.Confusion.Rows[1].ToArray());
        // Most confident mistakes first: image 4 (1 -> 2 at 0.95), then image 1 (0 -> 1 at 0.6).
        Assert.Equal([new Mistake(4, 1, 2, 0.95f), new Mistake(1, 0, 1, 0.6f)], result.WorstMistakes.ToArray());
    }

    [Fact]
    public void A_class_without_images_has_no_accuracy()
    {
        var result = Metrics.From([0L], [0L], [1f], 0, classes: 2, worstCount: 5);
        Assert.True(double.IsNaN(result.PerClass[1].Accuracy));
        Assert.Empty(result.WorstMistakes);
    }
}
