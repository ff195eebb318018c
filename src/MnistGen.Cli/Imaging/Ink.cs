using System.Globalization;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Functional;

namespace MnistGen.Cli.Imaging;

/// <summary>
/// Pure: whether a grayscale picture (0..1, after the light-background inversion) has a digit's ink at all.
/// A model always answers with some class, so a blank picture must be refused before it is asked, and a
/// faint or tiny stroke flagged, since what the model says about it means little.
/// </summary>
internal static class Ink
{
    /// <summary>Strokes that rise less than this above the background are no ink (noise, JPEG artefacts, a flat grey).</summary>
    public const float BlankContrast = 0.1f;

    /// <summary>Below this contrast the ink is faint: MNIST strokes are close to full white on black.</summary>
    public const float FaintContrast = 0.4f;

    /// <summary>An ink box this many pixels a side or less, in a larger picture, is a tiny digit.</summary>
    public const int TinySide = 6;

    /// <returns>Warnings (zero or more one-line sentences) for an image with ink; an error for one without.</returns>
    public static Result<IReadOnlyList<string>> Check(float[] pixels, int width, int height, bool inverted, string source)
    {
        var ink = inverted ? Array.ConvertAll(pixels, p => 1f - p) : pixels;
        var background = (float)ImagePreprocessor.BorderMean(ink, width, height);
        var peak = ink.Max();
        var contrast = peak - background;
        if (contrast < BlankContrast)
            return new Error($"{source}: the image is blank (no ink{(inverted ? " after inverting its light background" : "")}); give a picture of a digit, dark on light or light on dark.");

        var warnings = new List<string>();
        if (contrast < FaintContrast)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"{source}: the ink is faint (contrast {contrast:0.00} of 1); the prediction may be unreliable."));
        var threshold = background + contrast / 2;
        // The peak lies above the threshold, so there is always a box.
        var (_, _, boxWidth, boxHeight) = ImagePreprocessor.BoxAbove(ink, width, height, threshold) ?? default;
        if (Math.Max(boxWidth, boxHeight) <= TinySide && Math.Max(width, height) > TinySide)
            warnings.Add(string.Create(CultureInfo.InvariantCulture,
                $"{source}: the digit is tiny ({boxWidth}x{boxHeight} pixels of {width}x{height}); the prediction may be unreliable."));
        return Result<IReadOnlyList<string>>.Ok(warnings);
    }
}
