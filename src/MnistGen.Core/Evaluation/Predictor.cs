using System.Collections.Immutable;
using System.Runtime.InteropServices;
using MnistGen.Core.Functional;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace MnistGen.Core.Evaluation;

/// <summary>The class probabilities for one image.</summary>
public sealed record Prediction(ImmutableArray<float> Probabilities)
{
    public int Predicted
    {
        get
        {
            var best = 0;
            for (var i = 1; i < Probabilities.Length; i++) if (Probabilities[i] > Probabilities[best]) best = i;
            return best;
        }
    }

    public float Confidence => Probabilities[Predicted];
}

/// <summary>
/// Class probabilities from a module under <c>no_grad()</c> and <c>eval()</c>, computed on the image
/// tensor's device (which must be the module's: the CPU for a module from <see cref="Checkpoints.ModelLoader"/>). softmax is applied to the
/// output whatever the last layer is: softmax(log_softmax(x)) = softmax(x), so it gives probabilities
/// for a log_softmax last layer and for raw logits alike.
/// </summary>
public static class Predictor
{
    /// <summary>One image: [H, W], [C, H, W] or [1, C, H, W], normalised like the training data.</summary>
    public static Result<Prediction> Predict(nn.Module<Tensor, Tensor> module, Tensor image)
    {
        if (image.dim() == 4 && image.shape[0] != 1)
            return new Error($"Predict takes one image; this tensor holds {image.shape[0]} (use PredictBatch).");
        return PredictBatch(module, image).Map(all => all[0]);
    }

    /// <summary>A batch [N, C, H, W] (or one image as [H, W] / [C, H, W]): one prediction per image.</summary>
    public static Result<ImmutableArray<Prediction>> PredictBatch(nn.Module<Tensor, Tensor> module, Tensor images)
    {
        if (images.dim() is < 2 or > 4)
            return new Error($"An image tensor must be [H, W], [C, H, W] or [N, C, H, W], not [{string.Join(", ", images.shape)}].");
        // Kept lean: single-image latency is dominated by the forward pass, so add as little around it as possible.
        var wasTraining = module.training;
        if (wasTraining) module.eval();
        try
        {
            using var scope = NewDisposeScope();
            // inference_mode: like no_grad, and also skips version-counter and view tracking (cheaper per op).
            using var inference = inference_mode(true);
            var x = images.dim() switch { 2 => images.reshape(1, 1, images.shape[0], images.shape[1]), 3 => images.unsqueeze(0), _ => images };
            var probabilities = F.softmax(module.forward(x), 1);
            if (probabilities.device_type != TorchSharp.DeviceType.CPU) probabilities = probabilities.cpu();
            var (count, classes) = ((int)probabilities.shape[0], (int)probabilities.shape[1]);
            var flat = MemoryMarshal.Cast<byte, float>(probabilities.contiguous().bytes);
            var builder = ImmutableArray.CreateBuilder<Prediction>(count);
            for (var i = 0; i < count; i++)
                builder.Add(new Prediction([.. flat.Slice(i * classes, classes)]));
            return builder.MoveToImmutable();
        }
        catch (ExternalException e)
        {
            return new Error($"An image tensor of shape [{string.Join(", ", images.shape)}] does not fit the model ({e.Message.Split('\n')[0].TrimEnd('.')}).");
        }
        finally
        {
            if (wasTraining) module.train();
        }
    }

    /// <summary>One preprocessed image (see <see cref="ImagePreprocessor"/>).</summary>
    public static Result<Prediction> Predict(nn.Module<Tensor, Tensor> module, PreprocessedImage image)
    {
        using var x = image.ToTensor();
        return Predict(module, x);
    }
}
