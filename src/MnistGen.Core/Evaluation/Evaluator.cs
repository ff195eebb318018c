using MnistGen.Core.Data;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistGen.Core.Evaluation;

/// <summary>
/// Runs a module over a split under <c>no_grad()</c> and <c>eval()</c>, in batches that are views of the
/// split's tensors (no copies), each in its own dispose scope. The module's training mode is restored after.
/// The split must be on the module's device (the CPU, for a module from <see cref="Checkpoints.ModelLoader"/>).
/// </summary>
public static class Evaluator
{
    /// <summary>Images per forward pass when none is given.</summary>
    public const int DefaultBatchSize = 256;
    /// <summary>How many of the most confident mistakes <see cref="Evaluate"/> keeps when not told.</summary>
    public const int DefaultWorstCount = 36;

    /// <summary>
    /// Accuracy, mean loss, per-class accuracy, the confusion matrix and the most confident mistakes.
    /// <paramref name="loss"/> defaults to cross-entropy, which equals nll on a log_softmax output.
    /// </summary>
    /// <param name="module">The model; it is put in eval mode for the pass and its training mode restored after.</param>
    /// <param name="split">Images and labels on the module's device, e.g. <c>data.Test</c>.</param>
    /// <param name="batchSize">Images per forward pass.</param>
    /// <param name="loss">The loss to report; cross-entropy when null.</param>
    /// <param name="worstCount">How many of the most confident mistakes to keep.</param>
    /// <param name="classes">Classes the model outputs.</param>
    public static EvaluationResult Evaluate(
        nn.Module<Tensor, Tensor> module, DataSplit split, int batchSize = DefaultBatchSize,
        LossConfig? loss = null, int worstCount = DefaultWorstCount, int classes = 10)
    {
        var n = split.Count;
        var labels = new long[n];
        var predicted = new long[n];
        var confidence = new float[n];
        var lossSum = 0.0;
        var lossFn = Losses.For(loss ?? new LossConfig(LossKind.CrossEntropy), nn.Reduction.Sum);
        using (var cpuLabels = split.Labels.cpu()) cpuLabels.data<long>().CopyTo(labels);
        InEvalMode(module, () =>
        {
            for (var start = 0; start < n; start += batchSize)
            {
                var count = Math.Min(batchSize, n - start);
                using var scope = NewDisposeScope();
                var (x, y) = (split.Images.narrow(0, start, count), split.Labels.narrow(0, start, count));
                var output = module.call(x);
                lossSum += lossFn(output, y).item<float>();
                var (maxLogProb, argmax) = F.log_softmax(output, 1).max(1);
                argmax.cpu().data<long>().CopyTo(predicted.AsSpan(start, count));
                maxLogProb.exp().cpu().data<float>().CopyTo(confidence.AsSpan(start, count));
            }
        });
        return Metrics.From(labels, predicted, confidence, lossSum, classes, worstCount);
    }

    /// <summary>Mean loss and accuracy only: the per-epoch test pass of training. Returns null if cancelled.</summary>
    internal static TestSummary? Summarize(
        nn.Module<Tensor, Tensor> module, DataSplit split, int batchSize, LossConfig loss, CancellationToken cancellationToken = default)
    {
        var n = split.Count;
        var lossSum = 0.0;
        var correct = 0L;
        var lossFn = Losses.For(loss, nn.Reduction.Sum);
        var cancelled = false;
        InEvalMode(module, () =>
        {
            for (var start = 0; start < n; start += batchSize)
            {
                if (cancellationToken.IsCancellationRequested) { cancelled = true; return; }
                var count = Math.Min(batchSize, n - start);
                using var scope = NewDisposeScope();
                var (x, y) = (split.Images.narrow(0, start, count), split.Labels.narrow(0, start, count));
                var output = module.call(x);
                lossSum += lossFn(output, y).item<float>();
                correct += output.argmax(1).eq(y).sum().item<long>();
            }
        });
        return cancelled ? null : new TestSummary(n == 0 ? double.NaN : lossSum / n, n == 0 ? double.NaN : (double)correct / n);
    }

    internal static void InEvalMode(nn.Module module, Action body)
    {
        var wasTraining = module.training;
        if (wasTraining) module.eval();
        try
        {
            using var _ = no_grad();
            body();
        }
        finally
        {
            if (wasTraining) module.train();
        }
    }
}
