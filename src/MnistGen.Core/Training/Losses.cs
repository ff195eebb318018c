using MnistGen.Core.Specs;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistGen.Core.Training;

/// <summary>The spec's loss as a function of (module output, labels).</summary>
internal static class Losses
{
    /// <summary>
    /// nll expects log-probabilities (a log_softmax last layer); cross_entropy applies log_softmax itself,
    /// which is harmless on log-probabilities (log_softmax is idempotent), so both fit either last layer.
    /// </summary>
    public static Func<Tensor, Tensor, Tensor> For(LossConfig loss, nn.Reduction reduction = nn.Reduction.Mean) =>
        loss.Kind switch
        {
            LossKind.Nll => (output, target) => F.nll_loss(output, target, reduction: reduction),
            LossKind.CrossEntropy when loss.LabelSmoothing == 0 => (output, target) => F.cross_entropy(output, target, reduction: reduction),
            LossKind.CrossEntropy => (output, target) => F.cross_entropy(output, target, reduction: reduction, label_smoothing: loss.LabelSmoothing),
            _ => throw new ArgumentOutOfRangeException(nameof(loss), loss.Kind, "unknown loss"),
        };
}
