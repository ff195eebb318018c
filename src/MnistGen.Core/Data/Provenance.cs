using System.Globalization;
using System.Text.Json;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <summary>Which source a data directory's files came from, and when: what <c>mnistgen data where</c> shows.</summary>
internal sealed record DataOrigin(SourceKind Source, string From, DateTimeOffset Fetched);

/// <summary>
/// <c>.source.json</c> in a data directory, written after a fetch has installed verified files. It only
/// informs: the SHA-256 check alone decides whether files are accepted, so a missing or damaged record
/// is read as "unknown" and never stops anything.
/// </summary>
internal static class Provenance
{
    public const string FileName = ".source.json";

    private sealed record Record(string Source, string From, string Fetched);

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

    public static Result<string> Write(string directory, DataSource source)
    {
        var path = Path.Combine(directory, FileName);
        var record = new Record(DataSource.NameOf(source.Kind), source.Describe,
            DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
        try
        {
            return AtomicFile.WriteBytes(path, JsonSerializer.SerializeToUtf8Bytes(record, Json));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Error($"Could not write {path}: {e.Message.TrimEnd('.')}.", ErrorKind.Failure);
        }
    }

    /// <summary>The recorded origin, or null when there is none or it cannot be read (files put there by hand, say).</summary>
    public static DataOrigin? Read(string directory)
    {
        try
        {
            var record = JsonSerializer.Deserialize<Record>(File.ReadAllText(Path.Combine(directory, FileName)), Json);
            return record is { From: not null, Fetched: not null }
                   && DataSource.ParseKind(record.Source) is { IsOk: true } kind
                   && DateTimeOffset.TryParse(record.Fetched, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var fetched)
                ? new DataOrigin(kind.Value, record.From, fetched)
                : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or NotSupportedException)
        {
            return null;
        }
    }
}
