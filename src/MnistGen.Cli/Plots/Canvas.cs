using MnistGen.Core.Checkpoints;
using SkiaSharp;

namespace MnistGen.Cli.Plots;

/// <summary>Small SkiaSharp helpers shared by the figures: fonts, digit bitmaps, PNG output.</summary>
internal static class Canvas
{
    /// <summary>DejaVu Sans where installed (Debian: fonts-dejavu-core), else what ScottPlot finds.</summary>
    public static string FontName { get; } =
        SKFontManager.Default.GetFontFamilies().Contains("DejaVu Sans") ? "DejaVu Sans" : ScottPlot.Fonts.Default;

    private static readonly Lazy<SKTypeface> Typeface = new(() =>
        ScottPlot.Fonts.GetTypeface(FontName, bold: false, italic: false));

    public static SKFont Font(float size) => new(Typeface.Value, size);

    public static void Text(SKCanvas canvas, string text, float x, float y, float size, SKColor color, SKTextAlign align = SKTextAlign.Left)
    {
        using var font = Font(size);
        using var paint = new SKPaint { Color = color, IsAntialias = true };
        canvas.DrawText(text, x, y, align, font, paint);
    }

    /// <summary>Draws a grayscale image (values 0..1, row-major) scaled to a square of <paramref name="size"/> pixels.</summary>
    public static void Gray(SKCanvas canvas, ReadOnlySpan<float> pixels, int width, int height, float x, float y, float size)
    {
        using var bitmap = new SKBitmap(width, height, SKColorType.Gray8, SKAlphaType.Opaque);
        var bytes = new byte[width * height];
        for (var i = 0; i < bytes.Length; i++) bytes[i] = (byte)Math.Clamp(MathF.Round(pixels[i] * 255f), 0f, 255f);
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, bitmap.GetPixels(), bytes.Length);
        using var image = SKImage.FromBitmap(bitmap);
        canvas.DrawImage(image, SKRect.Create(x, y, size, size), new SKSamplingOptions(SKFilterMode.Nearest));
    }

    /// <summary>Renders a ScottPlot plot to an image that can be drawn on a canvas.</summary>
    public static SKImage Render(ScottPlot.Plot plot, int width, int height)
    {
        var png = plot.GetImage(width, height).GetImageBytes();
        return SKImage.FromEncodedData(png);
    }

    /// <summary>Writes the surface as PNG through a temp file, so a failed write never leaves half a figure.</summary>
    public static void SavePng(SKSurface surface, string path)
    {
        using var image = surface.Snapshot();
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        AtomicFile.Write(path, stream => data.SaveTo(stream));
    }
}
