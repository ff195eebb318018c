using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace MnistGen.Cli.Tests.Serve;

/// <summary>Request bodies for the serve tests: drawn digits, a real MNIST image, and malformed pictures.</summary>
internal static class TestImages
{
    /// <summary>A digit drawn black on white with a thick round pen, like a person on the page's canvas.</summary>
    public static byte[] Drawn(char digit, SKEncodedImageFormat format = SKEncodedImageFormat.Png, int size = 280)
    {
        using var surface = SKSurface.Create(new SKImageInfo(size, size));
        surface.Canvas.Clear(SKColors.White);
        using var pen = new SKPaint { Color = SKColors.Black, StrokeWidth = size / 14f, IsAntialias = true, StrokeCap = SKStrokeCap.Round, Style = SKPaintStyle.Stroke };
        float S(float f) => f * size;
        switch (digit)
        {
            case '1':
                surface.Canvas.DrawLine(S(0.5f), S(0.15f), S(0.5f), S(0.85f), pen);
                break;
            case '7':
                surface.Canvas.DrawLine(S(0.25f), S(0.2f), S(0.75f), S(0.2f), pen);
                surface.Canvas.DrawLine(S(0.75f), S(0.2f), S(0.45f), S(0.85f), pen);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(digit));
        }
        using var image = surface.Snapshot();
        using var data = image.Encode(format, 95);
        return data.ToArray();
    }

    /// <summary>Image <paramref name="index"/> of the MNIST test split as 784 intensities in 0..1 (white digit on black).</summary>
    public static float[] MnistTest(int index)
    {
        const int header = 16, pixels = 28 * 28;
        using var file = File.OpenRead(Path.Combine(Repository.MnistDirectory, "t10k-images-idx3-ubyte"));
        var bytes = new byte[pixels];
        file.Seek(header + (long)index * pixels, SeekOrigin.Begin);
        file.ReadExactly(bytes);
        return [.. bytes.Select(b => b / 255f)];
    }

    /// <summary>
    /// A well-formed PNG whose header declares <paramref name="width"/> x <paramref name="height"/> pixels but
    /// whose data is a few bytes: decoding it would allocate width * height * 4 bytes, so it must be refused from the header.
    /// </summary>
    public static byte[] PngDeclaring(int width, int height)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(0), width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 0; // grayscale
        Chunk(png, "IHDR", ihdr);
        using (var compressed = new MemoryStream())
        {
            using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true)) zlib.Write(new byte[64]);
            Chunk(png, "IDAT", compressed.ToArray());
        }
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        var typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        png.Write(typed);
        Span<byte> crc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crc, Crc32(typed));
        png.Write(crc);
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return crc ^ 0xFFFFFFFFu;
    }

    /// <summary>A small GIF (a format SkiaSharp reads but the API does not accept).</summary>
    public static byte[] Gif() =>
    [
        .. "GIF89a"u8, 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0x2C, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0, 0x3B,
    ];
}
