using MnistGen.Cli.Commands;
using MnistGen.Cli.Serving;
using MnistGen.Core.Evaluation;
using TorchSharp;

namespace MnistGen.Cli.Tests.Serve;

/// <summary>The replica pool behind <c>POST /api/predict</c>, without HTTP.</summary>
[Collection("Serve")]
public sealed class ServedModelTests(ServeFixture server)
{
    // Blocking on purpose: the tensor counts are per thread, so every prediction must run on this one.
#pragma warning disable xUnit1031
    [Fact]
    public void Predictions_through_the_pool_leave_no_live_tensor_behind()
    {
        var loaded = ServeCommand.LoadAll([server.RunDirectories[0]], workers: 1);
        Assert.True(loaded.IsOk, string.Join("; ", loaded.Errors));
        using var model = loaded.Value.Single();
        var image = ImagePreprocessor.FromGrayscale(TestImages.MnistTest(0), 28, 28, model.Mean, model.Std).Value;
        var statistics = DisposeScopeManager.Statistics;

        // A free replica makes the call complete synchronously, on this thread, whose tensor count we read.
        Assert.Equal(7, model.PredictAsync(image, default).AsTask().GetAwaiter().GetResult().Value.Predicted);
        var before = statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 200; i++)
        {
            var prediction = model.PredictAsync(image, default);
            Assert.True(prediction.IsCompletedSuccessfully, "a free replica is taken without waiting");
            Assert.Equal(7, prediction.Result.Value.Predicted);
        }
        Assert.Equal(before, statistics.ThreadTotalLiveCount);
    }
#pragma warning restore xUnit1031

    [Fact]
    public async Task A_request_waits_for_a_busy_replica_instead_of_sharing_it()
    {
        var loaded = ServeCommand.LoadAll([server.RunDirectories[0]], workers: 1);
        using var model = loaded.Value.Single();
        var image = ImagePreprocessor.FromGrayscale(TestImages.MnistTest(0), 28, 28, model.Mean, model.Std).Value;
        // 32 concurrent requests on one replica: all answer, all the same (none saw a half-used module).
        var answers = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () => await model.PredictAsync(image, default))));
        var expected = answers[0].Value.Probabilities.ToArray();
        Assert.All(answers, a => Assert.Equal(expected, a.Value.Probabilities.ToArray()));
    }
}
