using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <summary>
/// The file-system edge of the IDX reader: finds a file by name with or without <c>.gz</c>, reads it, and
/// inflates it when it starts with the gzip magic bytes (whatever its name says).
/// </summary>
internal static class IdxFile
{
    public const string GzipSuffix = ".gz";

    /// <summary>The path of <paramref name="name"/> or <paramref name="name"/>.gz in <paramref name="directory"/>, the uncompressed one first.</summary>
    public static Result<string> Locate(string directory, string name)
    {
        var raw = Path.Combine(directory, name);
        var gz = raw + GzipSuffix;
        if (File.Exists(raw)) return raw;
        if (File.Exists(gz)) return gz;
        if (Directory.Exists(raw)) return IsDirectory(raw);
        if (Directory.Exists(gz)) return IsDirectory(gz);
        return new Error($"{raw} is missing (and there is no {name}{GzipSuffix} beside it either).", ErrorKind.BadInput);
    }

    /// <summary>True when <paramref name="name"/> or its .gz is a file in <paramref name="directory"/>.</summary>
    public static bool Exists(string directory, string name) =>
        File.Exists(Path.Combine(directory, name)) || File.Exists(Path.Combine(directory, name + GzipSuffix));

    /// <summary>The file's bytes as stored (compressed or not).</summary>
    public static Result<byte[]> ReadStored(string path)
    {
        if (Directory.Exists(path)) return IsDirectory(path);
        if (!File.Exists(path)) return new Error($"{path} does not exist.", ErrorKind.BadInput);
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Error($"{path} could not be read: {e.Message.TrimEnd('.')}.", ErrorKind.BadInput);
        }
    }

    /// <summary>The uncompressed IDX content of a stored file: gzip is recognised by its magic bytes.</summary>
    public static Result<byte[]> Content(string path, byte[] stored) =>
        Gzip.IsGzip(stored) ? Gzip.Decompress(path, stored) : stored;

    public static Result<byte[]> ReadContent(string path) => ReadStored(path).Bind(stored => Content(path, stored));

    public static Result<IdxImages> ReadImages(string path) => ReadContent(path).Bind(content => IdxParser.ParseImages(path, content));

    public static Result<IdxLabels> ReadLabels(string path) => ReadContent(path).Bind(content => IdxParser.ParseLabels(path, content));

    private static Error IsDirectory(string path) => new($"{path} is a directory, not an IDX file.", ErrorKind.BadInput);
}
