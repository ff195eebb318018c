using System.Collections.Immutable;
using System.Globalization;
using MnistGen.Core.Functional;
using static TorchSharp.torch;

namespace MnistGen.Core.Evaluation;

/// <summary>A 28x28 image ready for a model: normalised pixels, row-major, and what was done to get there.</summary>
public sealed record PreprocessedImage(ImmutableArray<float> Pixels, int Width, int Height, bool Inverted, bool Fitted)
{
    /// <summary>A new [1, H, W] float32 tensor on the CPU (the caller disposes it).</summary>
    public Tensor ToTensor() => tensor(Pixels.ToArray(), [1, Height, Width], dtype: ScalarType.Float32);
}

/// <summary>
/// Pure: turns a grayscale picture of any size into what an MNIST model expects, a 28x28 white digit on
/// black normalised with the data set's mean and std. Decoding PNG/JPEG files is the caller's job.
/// <list type="number">
/// <item>Pixels are scaled to [0, 1] (bytes / 255).</item>
/// <item>A light background (the mean of the border pixels above 0.5) is inverted: MNIST digits are white on black.</item>
/// <item>An image that is not already 28x28 is fitted the way MNIST was made: the ink's bounding box is
/// scaled (keeping its aspect ratio) to fit 20x20 and placed in the 28x28 field with its centre of mass at
/// the centre. An image without ink, or with <c>fit: false</c>, is resized whole to 28x28 instead.</item>
/// <item>Downscaling averages the covered source area (no aliasing from large photos); upscaling is bilinear.</item>
/// </list>
/// </summary>
public static class ImagePreprocessor
{
    /// <summary>The side of the image a model sees: 28 pixels, as MNIST's.</summary>
    public const int Size = 28;
    internal const int DigitBox = 20;
    internal const int MaxSide = 16384;
    internal const long MaxPixels = 64L * 1024 * 1024;

#pragma warning disable RS0026 // Two overloads with the same optional parameters: they differ in the pixel type only, so no call is ambiguous.
    /// <summary>An image of any size, 8-bit grayscale, made into what the model takes (see the class summary).</summary>
    /// <param name="pixels">Row-major 8-bit grayscale, 0 = black.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="mean">The data set's normalisation mean (0.1307 for MNIST).</param>
    /// <param name="std">The data set's normalisation standard deviation (0.3081 for MNIST).</param>
    /// <param name="source">Names the image in error messages, e.g. its file name.</param>
    /// <param name="fit">False only scales and normalises (for an image that is already MNIST-style 28x28).</param>
    public static Result<PreprocessedImage> FromGrayscale(
        ReadOnlySpan<byte> pixels, int width, int height, double mean, double std, string source = "the image", bool fit = true)
    {
        var check = CheckSize(pixels.Length, width, height, source);
        if (!check.IsOk) return Result<PreprocessedImage>.Fail(check.Errors);
        var values = new float[pixels.Length];
        for (var i = 0; i < values.Length; i++) values[i] = pixels[i] / 255f;
        return Process(values, width, height, mean, std, source, fit);
    }

    /// <summary>An image of any size, grayscale in [0, 1], made into what the model takes (see the class summary).</summary>
    /// <param name="pixels">Row-major grayscale in [0, 1], 0 = black.</param>
    /// <param name="width">Image width in pixels.</param>
    /// <param name="height">Image height in pixels.</param>
    /// <param name="mean">The data set's normalisation mean (0.1307 for MNIST).</param>
    /// <param name="std">The data set's normalisation standard deviation (0.3081 for MNIST).</param>
    /// <param name="source">Names the image in error messages, e.g. its file name.</param>
    /// <param name="fit">False only scales and normalises (for an image that is already MNIST-style 28x28).</param>
    public static Result<PreprocessedImage> FromGrayscale(
        ReadOnlySpan<float> pixels, int width, int height, double mean, double std, string source = "the image", bool fit = true)
    {
        var check = CheckSize(pixels.Length, width, height, source);
        if (!check.IsOk) return Result<PreprocessedImage>.Fail(check.Errors);
        foreach (var p in pixels)
            if (!(p >= 0 && p <= 1)) return new Error($"{source} has a pixel value {p.ToString(CultureInfo.InvariantCulture)} outside [0, 1].");
        return Process(pixels.ToArray(), width, height, mean, std, source, fit);
    }

    private static Result<int> CheckSize(int length, int width, int height, string source)
    {
        if (width <= 0 || height <= 0) return new Error($"{source} is empty ({width}x{height} pixels).");
        if (width > MaxSide || height > MaxSide || (long)width * height > MaxPixels)
            return new Error($"{source} is too large ({width}x{height} pixels; at most {MaxSide} per side and {MaxPixels / (1024 * 1024)} megapixels).");
        if ((long)width * height != length) return new Error($"{source} should have {width}x{height} = {(long)width * height} pixels but has {length}.");
        return length;
    }

    private static Result<PreprocessedImage> Process(float[] image, int width, int height, double mean, double std, string source, bool fit)
    {
        if (!(std > 0)) return new Error($"The normalisation std must be positive, not {std.ToString(CultureInfo.InvariantCulture)}.");
        var inverted = BorderMean(image, width, height) > 0.5;
        if (inverted) for (var i = 0; i < image.Length; i++) image[i] = 1 - image[i];

        float[] field;
        var fitted = false;
        if (fit && (width != Size || height != Size) && InkBox(image, width, height) is { } box)
        {
            field = FitDigit(image, width, box);
            fitted = true;
        }
        else field = Resize(image, width, height, Size, Size);

        var normalised = new float[field.Length];
        for (var i = 0; i < field.Length; i++) normalised[i] = (float)((field[i] - mean) / std);
        return new PreprocessedImage([.. normalised], Size, Size, inverted, fitted);
    }

    /// <summary>The mean of the border pixels (row-major, 0..1): the background's brightness.</summary>
    internal static double BorderMean(float[] image, int width, int height)
    {
        double sum = 0;
        long count = 0;
        for (var x = 0; x < width; x++)
        {
            sum += image[x]; count++;
            if (height > 1) { sum += image[(height - 1) * width + x]; count++; }
        }
        for (var y = 1; y < height - 1; y++)
        {
            sum += image[y * width]; count++;
            if (width > 1) { sum += image[y * width + width - 1]; count++; }
        }
        return sum / count;
    }

    /// <summary>A rectangle of pixels: left, top, width, height.</summary>
    internal readonly record struct Box(int X, int Y, int Width, int Height);

    /// <summary>The bounding box of the pixels brighter than a fifth of the brightest, or null for a blank image.</summary>
    private static Box? InkBox(float[] image, int width, int height)
    {
        var max = image.Max();
        return max < 0.1f ? null : BoxAbove(image, width, height, 0.2f * max);
    }

    /// <summary>The bounding box of the pixels brighter than <paramref name="threshold"/>, or null when there are none.</summary>
    internal static Box? BoxAbove(float[] image, int width, int height, float threshold)
    {
        int x0 = width, y0 = height, x1 = -1, y1 = -1;
        for (var y = 0; y < height; y++)
            for (var x = 0; x < width; x++)
                if (image[y * width + x] > threshold)
                {
                    x0 = Math.Min(x0, x); x1 = Math.Max(x1, x);
                    y0 = Math.Min(y0, y); y1 = Math.Max(y1, y);
                }
        return x1 < 0 ? null : new Box(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    }

    private static float[] FitDigit(float[] image, int width, Box box)
    {
        var crop = new float[box.Width * box.Height];
        for (var y = 0; y < box.Height; y++)
            Array.Copy(image, (box.Y + y) * width + box.X, crop, y * box.Width, box.Width);
        var scale = (double)DigitBox / Math.Max(box.Width, box.Height);
        var w = Math.Clamp((int)Math.Round(box.Width * scale), 1, DigitBox);
        var h = Math.Clamp((int)Math.Round(box.Height * scale), 1, DigitBox);
        var digit = Resize(crop, box.Width, box.Height, w, h);

        // Centre of mass of the scaled digit, placed at the field's centre (MNIST's recipe), kept inside.
        double mass = 0, cx = 0, cy = 0;
        for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++) { var v = digit[y * w + x]; mass += v; cx += v * (x + 0.5); cy += v * (y + 0.5); }
        var (comX, comY) = mass > 0 ? (cx / mass, cy / mass) : (w / 2.0, h / 2.0);
        var left = Math.Clamp((int)Math.Round(Size / 2.0 - comX), 0, Size - w);
        var top = Math.Clamp((int)Math.Round(Size / 2.0 - comY), 0, Size - h);
        var field = new float[Size * Size];
        for (var y = 0; y < h; y++)
            Array.Copy(digit, y * w, field, (top + y) * Size + left, w);
        return field;
    }

    /// <summary>Separable resize: area averaging along an axis that shrinks, bilinear along one that grows.</summary>
    internal static float[] Resize(float[] image, int width, int height, int newWidth, int newHeight)
    {
        var wx = AxisWeights(width, newWidth);
        var wy = AxisWeights(height, newHeight);
        var rows = new float[height * newWidth];
        for (var y = 0; y < height; y++)
            for (var x = 0; x < newWidth; x++)
            {
                double sum = 0;
                foreach (var (i, weight) in wx[x]) sum += weight * image[y * width + i];
                rows[y * newWidth + x] = (float)sum;
            }
        var result = new float[newHeight * newWidth];
        for (var y = 0; y < newHeight; y++)
            for (var x = 0; x < newWidth; x++)
            {
                double sum = 0;
                foreach (var (i, weight) in wy[y]) sum += weight * rows[i * newWidth + x];
                result[y * newWidth + x] = (float)sum;
            }
        return result;
    }

    /// <summary>For each output index, the source indices and weights (summing to 1) that make it.</summary>
    private static (int Index, double Weight)[][] AxisWeights(int source, int target)
    {
        var weights = new (int, double)[target][];
        var scale = (double)source / target;
        for (var t = 0; t < target; t++)
        {
            if (scale >= 1)
            {
                // Area: the output pixel covers [t*scale, (t+1)*scale) of the source.
                var (from, to) = (t * scale, (t + 1) * scale);
                var list = new List<(int, double)>();
                for (var s = (int)Math.Floor(from); s < Math.Min(source, (int)Math.Ceiling(to)); s++)
                {
                    var overlap = Math.Min(to, s + 1) - Math.Max(from, s);
                    if (overlap > 1e-12) list.Add((s, overlap / scale));
                }
                weights[t] = [.. list];
            }
            else
            {
                // Bilinear with pixel centres aligned (align_corners = false), edges clamped.
                var position = Math.Clamp((t + 0.5) * scale - 0.5, 0, source - 1);
                var low = (int)Math.Floor(position);
                var high = Math.Min(low + 1, source - 1);
                var fraction = position - low;
                weights[t] = high == low ? [(low, 1.0)] : [(low, 1 - fraction), (high, fraction)];
            }
        }
        return weights;
    }
}
