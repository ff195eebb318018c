using MnistGen.Core.Functional;
using SkiaSharp;

namespace MnistGen.Cli.Imaging;

/// <summary>A decoded image as grayscale intensities 0..1 (0 = black), row-major.</summary>
/// <param name="Format">The encoded format as read from the header: PNG, JPEG, BMP, GIF, WEBP, ...</param>
internal sealed record GrayImage(float[] Pixels, int Width, int Height, string Format = "");

/// <summary>Reads an image file (PNG, JPEG, BMP, GIF, WebP) into grayscale, refusing what cannot be a digit picture.</summary>
internal static class ImageFiles
{
    public const long MaxBytes = 50L * 1024 * 1024;
    public const int MaxSide = 8192;

    /// <summary>The extensions a folder is searched for (case-insensitive).</summary>
    public static readonly string[] Extensions = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>
    /// The image files named on the command line: a file as given, a folder as its image files (by extension,
    /// not recursive, in ordinal order). A folder without any is an error; a missing path is left to <see cref="Read"/>.
    /// </summary>
    public static (IReadOnlyList<string> Files, IReadOnlyList<Error> Errors) Expand(IEnumerable<string> paths)
    {
        var files = new List<string>();
        var errors = new List<Error>();
        foreach (var path in paths)
        {
            if (!Directory.Exists(path)) { files.Add(path); continue; }
            var found = Directory.EnumerateFiles(path)
                .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal).ToList();
            if (found.Count == 0) errors.Add(new Error($"{path}: the folder has no image files ({string.Join(", ", Extensions)})."));
            files.AddRange(found);
        }
        return (files, errors);
    }

    public static Result<GrayImage> Read(string path)
    {
        if (Directory.Exists(path)) return new Error($"{path}: is a directory, not an image file.");
        if (!File.Exists(path)) return new Error($"{path}: no such image file.");
        var length = new FileInfo(path).Length;
        if (length == 0) return new Error($"{path}: the file is empty (0 bytes), not an image.");
        if (length > MaxBytes) return new Error($"{path}: the file is {length / (1024 * 1024)} MB; images over {MaxBytes / (1024 * 1024)} MB are refused.");

        using var codec = SKCodec.Create(path);
        return Decode(codec, path, MaxSide);
    }

    /// <summary>
    /// An image held in memory (an HTTP request body). Only the header is read before the size check, so a
    /// picture that declares more than <paramref name="maxSide"/> pixels a side is refused without decoding it.
    /// </summary>
    public static Result<GrayImage> Decode(byte[] bytes, string source, int maxSide)
    {
        if (bytes.Length == 0) return new Error($"{source}: empty, not an image.");
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data);
        return Decode(codec, source, maxSide);
    }

    private static Result<GrayImage> Decode(SKCodec? codec, string source, int maxSide)
    {
        if (codec is null) return new Error($"{source}: not a readable image (expected PNG, JPEG, BMP, GIF or WebP).");
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0) return new Error($"{source}: the image has no pixels.");
        if (info.Width > maxSide || info.Height > maxSide)
            return new Error($"{source}: the image is {info.Width}x{info.Height} pixels; at most {maxSide} pixels a side are accepted.");

        using var bitmap = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        var status = codec.GetPixels(bitmap.Info, bitmap.GetPixels());
        if (status is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            return new Error($"{source}: the image data is corrupt ({status}).");
        if (status == SKCodecResult.IncompleteInput)
            return new Error($"{source}: the image data is truncated.");
        return ToGray(bitmap) with { Format = codec.EncodedFormat.ToString().ToUpperInvariant() };
    }

    /// <summary>Luminance of each pixel, with transparency composited on white (a digit drawn on a transparent canvas).</summary>
    private static GrayImage ToGray(SKBitmap bitmap)
    {
        var bytes = bitmap.GetPixelSpan();
        var pixels = new float[bitmap.Width * bitmap.Height];
        for (var i = 0; i < pixels.Length; i++)
        {
            int r = bytes[4 * i], g = bytes[4 * i + 1], b = bytes[4 * i + 2], a = bytes[4 * i + 3];
            var luminance = (0.299f * r + 0.587f * g + 0.114f * b) / 255f;
            var alpha = a / 255f;
            pixels[i] = luminance * alpha + (1f - alpha);
        }
        return new GrayImage(pixels, bitmap.Width, bitmap.Height);
    }
}
