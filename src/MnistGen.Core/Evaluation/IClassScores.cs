using static TorchSharp.torch;

namespace MnistGen.Core.Evaluation;

/// <summary>
/// A classifier whose forward pass ends in log_softmax or softmax and that can also stop just before it:
/// softmax of the scores gives the same probabilities, one op sooner. Generated modules implement it when their
/// spec's last layer is such a normalisation; <see cref="Predictor"/> uses it.
/// </summary>
public interface IClassScores
{
    /// <summary>[batch, ...] -> [batch, classes]: the forward pass without its final log_softmax / softmax.</summary>
    Tensor Scores(Tensor input);
}
