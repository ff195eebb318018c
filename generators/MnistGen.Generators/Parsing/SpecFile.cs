using System.IO;

namespace MnistGen.Generators.Parsing;

/// <summary>
/// A spec as the generator first sees it: the file's path (for locating diagnostics), its name and its
/// text. Plain strings, so nothing Roslyn-owned passes the first pipeline step.
/// </summary>
/// <param name="ReadError">Why the text could not be read (then Text is empty), or null.</param>
internal sealed record SpecFile(string Path, string Text, string? ReadError = null)
{
    public string FileName => System.IO.Path.GetFileName(Path);

    /// <summary>The file stem, e.g. <c>cnn-5x5</c>: the architecture's id on the command line.</summary>
    public string Id => System.IO.Path.GetFileNameWithoutExtension(Path);

    /// <summary>The path as generated code records it: relative and stable across machines.</summary>
    public string RelativePath => "specs/" + FileName;

    /// <summary>The per-file option that marks an additional file as a spec wherever it is (MnistGenSpec items).</summary>
    public const string MarkerMetadata = "build_metadata.AdditionalFiles.MnistGenSpec";

    /// <summary>Whether a MnistGenSpec metadata value marks the file as a spec.</summary>
    public static bool IsMarked(string? value) => string.Equals(value?.Trim(), "true", System.StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <c>specs/*.yaml</c> (or <c>.yml</c>) files are specs without being marked; other additional files are specs
    /// only when marked (<see cref="MarkerMetadata"/>).
    /// </summary>
    public static bool IsSpecPath(string path)
    {
        var extension = System.IO.Path.GetExtension(path);
        if (!string.Equals(extension, ".yaml", System.StringComparison.OrdinalIgnoreCase) &&
            !string.Equals(extension, ".yml", System.StringComparison.OrdinalIgnoreCase)) return false;
        var directory = System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(path) ?? "");
        return string.Equals(directory, "specs", System.StringComparison.OrdinalIgnoreCase);
    }
}
