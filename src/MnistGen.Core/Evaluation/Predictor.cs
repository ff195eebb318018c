using System.Collections.Immutable;
using System.Runtime.InteropServices;
using MnistGen.Core.Functional;
using static TorchSharp.torch;

namespace MnistGen.Core.Evaluation;

/// <summary>The class probabilities for one image.</summary>
public sealed record Prediction(ImmutableArray<float> Probabilities)
{
    /// <summary>The most probable class (the first, on ties).</summary>
    public int Predicted
    {
        get
        {
            var best = 0;
            for (var i = 1; i < Probabilities.Length; i++) if (Probabilities[i] > Probabilities[best]) best = i;
            return best;
        }
    }

    /// <summary>The probability of <see cref="Predicted"/>.</summary>
    public float Confidence => Probabilities[Predicted];
}

/// <summary>
/// Class probabilities from a module under <c>inference_mode</c> and <c>eval()</c>, computed on the image
/// tensor's device (which must be the module's: the CPU for a module from <see cref="Checkpoints.ModelLoader"/>). softmax is applied to the
/// output whatever the last layer is: softmax(log_softmax(x)) = softmax(x), so it gives probabilities
/// for a log_softmax last layer and for raw logits alike.
/// </summary>
public static class Predictor
{
    /// <summary>One image: [H, W], [C, H, W] or [1, C, H, W], normalised like the training data.</summary>
    public static Result<Prediction> Predict(nn.Module<Tensor, Tensor> module, Tensor image)
    {
        var shape = image.shape;
        if (shape.Length == 4 && shape[0] != 1)
            return new Error($"Predict takes one image; this tensor holds {shape[0]} (use PredictBatch).");
        return Run(module, image, shape).Map(all => all[0]);
    }

    /// <summary>A batch [N, C, H, W] (or one image as [H, W] / [C, H, W]): one prediction per image.</summary>
    public static Result<ImmutableArray<Prediction>> PredictBatch(nn.Module<Tensor, Tensor> module, Tensor images) =>
        Run(module, images, images.shape);

    /// <summary>
    /// Kept lean, because single-image latency is the forward pass plus whatever surrounds it: one shape read,
    /// the forward pass (without its final log_softmax when the module offers <see cref="IClassScores"/>), one
    /// read of the output's bytes. The softmax over the few classes is done here in
    /// managed code rather than as one more LibTorch op (-2 to -3 us a call, an eighth of the MLP's latency).
    /// </summary>
    private static Result<ImmutableArray<Prediction>> Run(nn.Module<Tensor, Tensor> module, Tensor images, long[] shape)
    {
        if (shape.Length is < 2 or > 4)
            return new Error($"An image tensor must be [H, W], [C, H, W] or [N, C, H, W], not [{string.Join(", ", shape)}].");
        var wasTraining = module.training;
        if (wasTraining) module.eval();
        try
        {
            using var scope = NewDisposeScope();
            // inference_mode: like no_grad, and also skips version-counter and view tracking (cheaper per op).
            using var inference = inference_mode(true);
            var x = shape.Length switch { 2 => images.reshape(1, 1, shape[0], shape[1]), 3 => images.unsqueeze(0), _ => images };
            var output = module is IClassScores scored ? scored.Scores(x) : module.forward(x);
            if (output.device_type != TorchSharp.DeviceType.CPU) output = output.cpu();
            var outputShape = output.shape;
            if (outputShape.Length != 2)
                return new Error($"The model's output is [{string.Join(", ", outputShape)}], not [images, classes].", ErrorKind.Failure);
            var (count, classes) = ((int)outputShape[0], (int)outputShape[1]);
            if (!output.is_contiguous()) output = output.contiguous();
            var scores = MemoryMarshal.Cast<byte, float>(output.bytes);
            var builder = ImmutableArray.CreateBuilder<Prediction>(count);
            for (var i = 0; i < count; i++)
                builder.Add(new Prediction(Softmax(scores.Slice(i * classes, classes))));
            return builder.MoveToImmutable();
        }
        catch (ExternalException e)
        {
            return new Error($"An image tensor of shape [{string.Join(", ", shape)}] does not fit the model ({e.Message.Split('\n')[0].TrimEnd('.')}).");
        }
        finally
        {
            if (wasTraining) module.train();
        }
    }

    /// <summary>softmax(x) = exp(x - max) / sum, in double: the same for logits and for log-probabilities.</summary>
    internal static ImmutableArray<float> Softmax(ReadOnlySpan<float> scores)
    {
        var max = double.NegativeInfinity;
        foreach (var s in scores) max = Math.Max(max, s);
        Span<double> exps = scores.Length <= 256 ? stackalloc double[scores.Length] : new double[scores.Length];
        var sum = 0.0;
        for (var k = 0; k < scores.Length; k++) sum += exps[k] = Math.Exp(scores[k] - max);
        var probabilities = new float[scores.Length];
        for (var k = 0; k < scores.Length; k++) probabilities[k] = (float)(exps[k] / sum);
        return ImmutableCollectionsMarshal.AsImmutableArray(probabilities);
    }

    /// <summary>One preprocessed image (see <see cref="ImagePreprocessor"/>).</summary>
    public static Result<Prediction> Predict(nn.Module<Tensor, Tensor> module, PreprocessedImage image)
    {
        using var x = image.ToTensor();
        return Predict(module, x);
    }
}
