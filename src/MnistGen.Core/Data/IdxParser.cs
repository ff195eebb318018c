using System.Buffers.Binary;
using System.Globalization;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <summary>An IDX image file's content: <see cref="Count"/> images of Rows x Columns bytes, starting at <see cref="Offset"/> of <see cref="Buffer"/>.</summary>
internal sealed record IdxImages(string Path, int Count, int Rows, int Columns, byte[] Buffer, int Offset)
{
    public long PixelCount => (long)Count * Rows * Columns;
    public ReadOnlySpan<byte> Pixels => Buffer.AsSpan(Offset, checked((int)PixelCount));
}

/// <summary>An IDX label file's content: <see cref="Count"/> labels (each 0-9), starting at <see cref="Offset"/> of <see cref="Buffer"/>.</summary>
internal sealed record IdxLabels(string Path, int Count, byte[] Buffer, int Offset)
{
    public ReadOnlySpan<byte> Labels => Buffer.AsSpan(Offset, Count);
}

/// <summary>
/// Parses uncompressed IDX content (big-endian header: two zero bytes, a type byte, a rank byte, then one
/// int32 per dimension). Pure: bytes in, a value or one sentence naming the file and the problem out.
/// </summary>
internal static class IdxParser
{
    public const int ImagesMagic = 0x0803; // unsigned bytes, 3 dimensions
    public const int LabelsMagic = 0x0801; // unsigned bytes, 1 dimension
    private const byte UnsignedByte = 0x08;

    public static Result<IdxImages> ParseImages(string path, byte[] content) =>
        ParseHeader(path, content, ImagesMagic, "an image file").Bind(dims =>
        {
            var (count, rows, columns) = (dims[0], dims[1], dims[2]);
            if (count == 0) return Bad(path, $"declares 0 images");
            if (rows == 0 || columns == 0) return Bad(path, $"declares images of {Dims(rows, columns)} pixels");
            return CheckLength(path, content, HeaderLength(3), (long)count * rows * columns, $"{count} images of {Dims(rows, columns)}")
                .Map(_ => new IdxImages(path, count, rows, columns, content, HeaderLength(3)));
        });

    public static Result<IdxLabels> ParseLabels(string path, byte[] content) =>
        ParseHeader(path, content, LabelsMagic, "a label file").Bind(dims =>
        {
            var count = dims[0];
            if (count == 0) return Bad(path, $"declares 0 labels");
            return CheckLength(path, content, HeaderLength(1), count, $"{count} labels").Bind(_ =>
            {
                var labels = content.AsSpan(HeaderLength(1), count);
                var bad = labels.IndexOfAnyInRange((byte)DatasetInfo.Classes, byte.MaxValue);
                return bad < 0
                    ? Result<IdxLabels>.Ok(new IdxLabels(path, count, content, HeaderLength(1)))
                    : Bad(path, $"holds label {labels[bad].ToString(CultureInfo.InvariantCulture)} at index {bad}; labels must be 0-9");
            });
        });

    private static int HeaderLength(int rank) => 4 + 4 * rank;

    private static Result<int[]> ParseHeader(string path, byte[] content, int expectedMagic, string expectedKind)
    {
        var expectedRank = expectedMagic & 0xFF;
        if (content.Length < 4)
            return Bad(path, $"is too short to be an IDX file ({Bytes(content.Length)}; an IDX header starts with a 4-byte magic number)");

        var magic = BinaryPrimitives.ReadInt32BigEndian(content);
        if (content[0] != 0 || content[1] != 0 || content[2] != UnsignedByte)
            return Bad(path, $"does not start with an IDX magic number of unsigned bytes (found {magic} = 0x{magic:X8}, expected {expectedMagic} for {expectedKind})");
        if (magic != expectedMagic)
            return Bad(path, $"has IDX magic {magic} ({Describe(magic & 0xFF)}) but {expectedKind} (magic {expectedMagic}, {expectedRank} dimension{(expectedRank == 1 ? "" : "s")}) was expected");

        if (content.Length < HeaderLength(expectedRank))
            return Bad(path, $"is truncated: it ends after {Bytes(content.Length)}, inside its {HeaderLength(expectedRank)}-byte header");

        var dims = new int[expectedRank];
        for (var i = 0; i < expectedRank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(4 + 4 * i));
            if (dims[i] < 0)
                return Bad(path, $"declares an impossible size {(uint)dims[i]} for dimension {i + 1} of its header");
        }
        return dims;
    }

    private static Result<long> CheckLength(string path, byte[] content, int header, long declared, string what)
    {
        long actual = content.Length - header;
        if (actual < declared)
            return Bad(path, $"is truncated: its header declares {what} ({Bytes(declared)} of data) but only {Bytes(actual)} follow");
        if (actual > declared)
            return Bad(path, $"has {Bytes(actual - declared)} of trailing data after the {what} its header declares");
        return declared;
    }

    private static string Describe(int rank) => rank switch
    {
        1 => "a label file, 1 dimension",
        3 => "an image file, 3 dimensions",
        _ => rank.ToString(CultureInfo.InvariantCulture) + " dimensions",
    };

    private static string Dims(int rows, int columns) => string.Create(CultureInfo.InvariantCulture, $"{rows}x{columns}");

    private static string Bytes(long n) => n == 1 ? "1 byte" : n.ToString(CultureInfo.InvariantCulture) + " bytes";

    private static Error Bad(string path, FormattableString problem) =>
        new(path + " " + problem.ToString(CultureInfo.InvariantCulture) + ".", ErrorKind.BadInput);
}
