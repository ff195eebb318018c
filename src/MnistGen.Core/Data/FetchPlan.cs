using System.Collections.Immutable;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <summary>What the data directory holds for one expected file.</summary>
public abstract record FileState(DataFile File);

public sealed record MissingFile(DataFile File) : FileState(File);

/// <summary>A file is there (as <paramref name="Path"/>, maybe .gz); <paramref name="Sha256"/> is of its uncompressed content.</summary>
public sealed record PresentFile(DataFile File, string Path, string Sha256) : FileState(File);

public sealed record UnreadableFile(DataFile File, Error Error) : FileState(File);

/// <summary>
/// A file obtained from a data set's source, held in memory until every file is verified:
/// <paramref name="Stored"/> is written as <paramref name="StoredName"/>; <paramref name="Sha256"/> is of its uncompressed content.
/// </summary>
public sealed record SourceFile(DataFile File, string Origin, string StoredName, byte[] Stored, string Sha256);

/// <summary>The pure decisions of <c>data fetch</c>: what to fetch, and whether what was obtained may be written.</summary>
public static class FetchPlan
{
    /// <summary>
    /// The files still to fetch (empty: everything is present and verified). A file that is there but is
    /// not the expected one is never overwritten: that is an error the user resolves.
    /// </summary>
    public static Result<ImmutableArray<DataFile>> FilesToFetch(DatasetInfo info, IEnumerable<FileState> states)
    {
        var errors = new List<Error>();
        var missing = ImmutableArray.CreateBuilder<DataFile>();
        foreach (var state in states)
        {
            switch (state)
            {
                case MissingFile m:
                    missing.Add(m.File);
                    break;
                case PresentFile p when !HashEquals(p.Sha256, p.File.Sha256):
                    errors.Add(new Error(
                        $"{p.Path} is there but is not {info.DisplayName}'s {p.File.Name} (its content has SHA-256 {p.Sha256}, expected {p.File.Sha256}); " +
                        $"move it away and run 'mnistgen data fetch --dataset {info.Name}' again.", ErrorKind.BadInput));
                    break;
                case UnreadableFile u:
                    errors.Add(u.Error);
                    break;
            }
        }
        return errors.Count > 0 ? Result<ImmutableArray<DataFile>>.Fail(errors) : missing.ToImmutable();
    }

    /// <summary>Every obtained file must have its expected hash, or nothing is written.</summary>
    public static Result<ImmutableArray<SourceFile>> Verify(DatasetInfo info, string directory, ImmutableArray<SourceFile> files)
    {
        var errors = files
            .Where(f => !HashEquals(f.Sha256, f.File.Sha256))
            .Select(f => new Error(
                $"{f.Origin} is not {info.DisplayName}'s {f.File.Name}: its content has SHA-256 {f.Sha256}, expected {f.File.Sha256}; " +
                $"refused, nothing was written to {directory}.", ErrorKind.BadInput))
            .ToList();
        return errors.Count > 0 ? Result<ImmutableArray<SourceFile>>.Fail(errors) : files;
    }

    private static bool HashEquals(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
