using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <summary>gzip detection and decompression over bytes in memory.</summary>
internal static class Gzip
{
    private const int MinimumLength = 18; // 10-byte header + 8-byte trailer (CRC-32, size)

    /// <summary>True when the content starts with the gzip magic bytes 1f 8b, whatever the file is called.</summary>
    public static bool IsGzip(ReadOnlySpan<byte> content) => content.Length >= 2 && content[0] == 0x1f && content[1] == 0x8b;

    /// <summary>
    /// Decompresses a single-member gzip stream. .NET's GZipStream stops quietly at the end of a truncated
    /// stream, so the decompressed length is checked against the size recorded in the gzip trailer; the
    /// CRC-32 is checked by the inflater, which reports a mismatch as invalid data.
    /// </summary>
    public static Result<byte[]> Decompress(string path, byte[] compressed)
    {
        if (compressed.Length < MinimumLength)
            return Corrupt(path, $"it is only {compressed.Length} bytes long, shorter than any gzip stream");

        var recordedSize = BinaryPrimitives.ReadUInt32LittleEndian(compressed.AsSpan(compressed.Length - 4));
        try
        {
            // Deflate expands at most ~1032:1, so a larger recorded size is damage, not a capacity to reserve.
            var plausible = recordedSize <= compressed.Length * 1032L && recordedSize <= Array.MaxLength;
            using var output = new MemoryStream(plausible ? (int)recordedSize : 0);
            using (var gzip = new GZipStream(new MemoryStream(compressed, writable: false), CompressionMode.Decompress))
                gzip.CopyTo(output);
            if ((uint)output.Length != recordedSize)
                return Corrupt(path, $"it decompresses to {output.Length} bytes but its trailer records {recordedSize}");
            return output.Length == output.Capacity ? output.GetBuffer() : output.ToArray();
        }
        catch (InvalidDataException)
        {
            return Corrupt(path, $"the compressed data or its checksum is damaged");
        }
    }

    private static Error Corrupt(string path, FormattableString detail) =>
        new($"{path} is a corrupt or truncated gzip stream: {detail.ToString(CultureInfo.InvariantCulture)}.", ErrorKind.BadInput);
}
