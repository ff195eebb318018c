using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using System.Text.Json;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Interop;

/// <summary>A safetensors file read back: its tensors in file order and its <c>__metadata__</c>.</summary>
internal sealed record SafeTensorsFile(ImmutableArray<TensorRecord> Tensors, ImmutableDictionary<string, string> Metadata);

/// <summary>
/// The safetensors format (Hugging Face), written and read by hand because it is tiny, and checked
/// against its published rules. Byte layout of what <see cref="Write"/> produces:
/// <list type="number">
/// <item>8 bytes: N, the header's length, unsigned 64-bit little-endian.</item>
/// <item>N bytes: the header, UTF-8 JSON starting with <c>{</c>, padded with spaces so the data starts at a
/// multiple of 8. One entry per tensor, <c>"name": {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}</c>,
/// offsets relative to the start of the data; and <c>"__metadata__"</c>, a string-to-string map.</item>
/// <item>The data: each tensor's row-major little-endian bytes, in header order, with no gaps.</item>
/// </list>
/// The reader refuses a file that breaks a rule: a header longer than the file or than 100 MB, JSON that is not
/// an object, unknown dtypes, a shape that does not match the byte range, offsets outside the data, and ranges
/// that overlap or leave holes (the format requires the data to be indexed entirely).
/// </summary>
internal static class SafeTensors
{
    public const int MaxHeaderBytes = 100_000_000;
    private const string MetadataKey = "__metadata__";

    public static byte[] Write(IReadOnlyList<TensorRecord> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        using var json = new MemoryStream();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            writer.WriteStartObject(MetadataKey);
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) writer.WriteString(key, value);
            writer.WriteEndObject();
            long offset = 0;
            foreach (var tensor in tensors)
            {
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", tensor.Dtype.ToString());
                writer.WriteStartArray("shape");
                foreach (var d in tensor.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + tensor.Data.Length);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += tensor.Data.Length;
            }
            writer.WriteEndObject();
        }
        var header = json.ToArray();
        var padded = (header.Length + 8 + 7) / 8 * 8 - 8;
        var file = new byte[8 + padded + tensors.Sum(t => (long)t.Data.Length)];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)padded);
        header.CopyTo(file, 8);
        file.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        var at = 8 + padded;
        foreach (var tensor in tensors)
        {
            tensor.Data.CopyTo(file, at);
            at += tensor.Data.Length;
        }
        return file;
    }

    /// <param name="path">Names the file in errors.</param>
    public static Result<SafeTensorsFile> Read(ReadOnlySpan<byte> file, string path)
    {
        Error Bad(string why) => new($"{path} is not a valid safetensors file: {why}.", ErrorKind.BadInput);

        if (file.Length < 8) return Bad(string.Create(CultureInfo.InvariantCulture, $"it is {file.Length} bytes long, shorter than the 8-byte header length"));
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes) return Bad(string.Create(CultureInfo.InvariantCulture, $"its header claims {headerLength} bytes, more than the {MaxHeaderBytes} allowed"));
        if (headerLength > (ulong)(file.Length - 8))
            return Bad(string.Create(CultureInfo.InvariantCulture, $"its header claims {headerLength} bytes but only {file.Length - 8} follow (the file is truncated)"));
        var header = file.Slice(8, (int)headerLength);
        var data = file[(8 + (int)headerLength)..];
        if (header.Length == 0 || header[0] != (byte)'{') return Bad("its header does not start with '{'");

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header.ToArray().AsMemory().TrimEnd((byte)' '), new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            return Bad("its header is not JSON (" + e.Message.Split('.')[0] + ")");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) return Bad("its header is not a JSON object");
            var metadata = ImmutableDictionary<string, string>.Empty;
            var entries = new List<(TensorRecord Tensor, long Begin, long End)>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!names.Add(property.Name)) return Bad($"'{property.Name}' appears twice in its header");
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object || property.Value.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String))
                        return Bad("its __metadata__ is not a map of strings to strings");
                    metadata = property.Value.EnumerateObject().ToImmutableDictionary(p => p.Name, p => p.Value.GetString()!);
                    continue;
                }
                var entry = Entry(property, data.Length);
                if (!entry.IsOk) return Bad(entry.Errors[0].Message);
                entries.Add((entry.Value.Tensor with { Data = data[(int)entry.Value.Begin..(int)entry.Value.End].ToArray() }, entry.Value.Begin, entry.Value.End));
            }

            long expected = 0;
            foreach (var (tensor, begin, end) in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
            {
                if (begin != expected)
                    return Bad(begin < expected
                        ? $"the data of '{tensor.Name}' overlaps the tensor before it"
                        : string.Create(CultureInfo.InvariantCulture, $"bytes {expected}-{begin} of its data belong to no tensor"));
                expected = end;
            }
            if (expected != data.Length)
                return Bad(string.Create(CultureInfo.InvariantCulture, $"its last {data.Length - expected} bytes of data belong to no tensor"));
            return new SafeTensorsFile([.. entries.Select(e => e.Tensor)], metadata);
        }
    }

    private static Result<(TensorRecord Tensor, long Begin, long End)> Entry(JsonProperty property, int dataLength)
    {
        var name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) return new Error($"the entry of '{name}' is not an object");
        var keys = value.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        if (!keys.SequenceEqual(["data_offsets", "dtype", "shape"]))
            return new Error($"the entry of '{name}' must have exactly dtype, shape and data_offsets (it has {string.Join(", ", keys)})");
        var dtypeText = value.GetProperty("dtype").ValueKind == JsonValueKind.String ? value.GetProperty("dtype").GetString()! : "";
        if (!Enum.TryParse<TensorDtype>(dtypeText, ignoreCase: false, out var dtype) || !Enum.IsDefined(dtype))
            return new Error($"'{name}' has dtype '{dtypeText}'; MnistGen models hold F32 tensors (and I64 counters)");
        if (!Longs(value.GetProperty("shape"), out var shape) || shape.Any(d => d < 0))
            return new Error($"the shape of '{name}' is not a list of non-negative integers");
        if (!Longs(value.GetProperty("data_offsets"), out var offsets) || offsets.Length != 2)
            return new Error($"the data_offsets of '{name}' are not two integers");
        var (begin, end) = (offsets[0], offsets[1]);
        if (begin < 0 || end < begin || end > dataLength)
            return new Error(string.Create(CultureInfo.InvariantCulture, $"the data_offsets of '{name}' ([{begin}, {end}]) lie outside the {dataLength} bytes of data"));
        long elements = 1;
        foreach (var d in shape) elements = d == 0 ? 0 : elements > long.MaxValue / d ? -1 : elements * d;
        if (elements < 0 || elements * TensorRecord.SizeOf(dtype) != end - begin)
            return new Error(string.Create(CultureInfo.InvariantCulture,
                $"'{name}' has shape {TensorRecord.ShapeText(shape)} of {dtype} but {end - begin} bytes of data"));
        return (new TensorRecord(name, dtype, [.. shape], []), begin, end);
    }

    private static bool Longs(JsonElement element, out long[] values)
    {
        values = [];
        if (element.ValueKind != JsonValueKind.Array) return false;
        var list = new List<long>();
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out var v)) return false;
            list.Add(v);
        }
        values = [.. list];
        return true;
    }
}
