using MnistGen.Core.Data;
using MnistGen.Core.Functional;
using static MnistGen.Core.Tests.Data.IdxBuilder;

namespace MnistGen.Core.Tests.Data;

/// <summary>
/// Every bad input the loader can meet, each in a small data set written here both raw and gzip-compressed:
/// the load fails with one sentence that names the broken file and says what is wrong with it.
/// </summary>
public class DatasetLoaderBadInputTests
{
    public static TheoryData<string, bool> Cases()
    {
        var data = new TheoryData<string, bool>();
        foreach (var name in new[] { "truncated", "trailing bytes", "wrong magic", "not idx", "labels for images", "counts disagree",
                     "label out of range", "wrong image size", "missing file", "directory instead of file", "corrupt gzip", "truncated gzip" })
            foreach (var gz in new[] { false, true })
                data.Add(name, gz);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_bad_input_is_one_error_naming_the_file_and_the_problem(string kind, bool gz)
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        dir.WriteAll(files, gz);
        string Stored(string name) => dir.Combine(gz ? name + ".gz" : name);
        void Replace(string name, byte[] content) => File.WriteAllBytes(Stored(name), gz ? Gzip(content) : content);

        var (path, problem) = kind switch
        {
            "truncated" => Break(() => Replace("train-images-idx3-ubyte", files["train-images-idx3-ubyte"][..^100]),
                Stored("train-images-idx3-ubyte"), "is truncated: its header declares 3 images of 28x28 (2352 bytes of data) but only 2252 bytes follow."),
            "trailing bytes" => Break(() => Replace("t10k-labels-idx1-ubyte", [.. files["t10k-labels-idx1-ubyte"], 1, 2, 3]),
                Stored("t10k-labels-idx1-ubyte"), "has 3 bytes of trailing data after the 2 labels its header declares."),
            "wrong magic" => Break(() => Replace("t10k-labels-idx1-ubyte", [.. Header(2051, 2), 7, 2]),
                Stored("t10k-labels-idx1-ubyte"), "has IDX magic 2051 (an image file, 3 dimensions) but a label file (magic 2049, 1 dimension) was expected."),
            "not idx" => Break(() => Replace("train-labels-idx1-ubyte", "PK\u0003\u0004 this is a zip"u8.ToArray()),
                Stored("train-labels-idx1-ubyte"), "does not start with an IDX magic number of unsigned bytes (found 1347093252 = 0x504B0304, expected 2049 for a label file)."),
            "labels for images" => Break(() => Replace("t10k-images-idx3-ubyte", files["t10k-labels-idx1-ubyte"]),
                Stored("t10k-images-idx3-ubyte"), "has IDX magic 2049 (a label file, 1 dimension) but an image file (magic 2051, 3 dimensions) was expected."),
            "counts disagree" => Break(() => Replace("train-labels-idx1-ubyte", Labels(5, 0)),
                Stored("train-images-idx3-ubyte"), $"holds 3 images but {Stored("train-labels-idx1-ubyte")} holds 2 labels; the two counts must match."),
            "label out of range" => Break(() => Replace("train-labels-idx1-ubyte", Labels(5, 0, 11)),
                Stored("train-labels-idx1-ubyte"), "holds label 11 at index 2; labels must be 0-9."),
            "wrong image size" => Break(() => Replace("t10k-images-idx3-ubyte", Images(2, 32, 32)),
                Stored("t10k-images-idx3-ubyte"), "holds images of 32x32 pixels, but 28x28 are expected."),
            "missing file" => Break(() => File.Delete(Stored("t10k-images-idx3-ubyte")),
                dir.Combine("t10k-images-idx3-ubyte"), "is missing (and there is no t10k-images-idx3-ubyte.gz beside it either)."),
            "directory instead of file" => Break(() => { File.Delete(Stored("train-labels-idx1-ubyte")); Directory.CreateDirectory(Stored("train-labels-idx1-ubyte")); },
                Stored("train-labels-idx1-ubyte"), "is a directory, not an IDX file."),
            // A damaged gzip stream, stored under the .gz name and, in the raw case, under the plain name (detected by its magic bytes).
            "corrupt gzip" => Break(() => File.WriteAllBytes(Stored("train-images-idx3-ubyte"), Damaged(Gzip(files["train-images-idx3-ubyte"]))),
                Stored("train-images-idx3-ubyte"), "is a corrupt or truncated gzip stream: the compressed data or its checksum is damaged."),
            "truncated gzip" => Break(() => File.WriteAllBytes(Stored("train-images-idx3-ubyte"), Gzip(files["train-images-idx3-ubyte"])[..^20]),
                Stored("train-images-idx3-ubyte"), "is a corrupt or truncated gzip stream: it decompresses to "),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        var result = DatasetLoader.Load(DatasetInfo.Mnist, dir.Path);

        Assert.False(result.IsOk);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith(path + " ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Equal(ErrorKind.BadInput, error.Kind);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void Problems_in_several_files_are_all_reported()
    {
        using var dir = new TempDirectory();
        var files = SmallDataset();
        dir.WriteAll(files);
        File.Delete(dir.Combine("train-labels-idx1-ubyte"));
        File.WriteAllBytes(dir.Combine("t10k-images-idx3-ubyte"), files["t10k-images-idx3-ubyte"][..^1]);

        var errors = DatasetLoader.Load(DatasetInfo.Mnist, dir.Path).Errors;

        Assert.Collection(errors,
            e => Assert.StartsWith(dir.Combine("train-labels-idx1-ubyte") + " is missing", e.Message),
            e => Assert.StartsWith(dir.Combine("t10k-images-idx3-ubyte") + " is truncated", e.Message));
    }

    [Fact]
    public void A_missing_data_directory_says_how_to_fetch_it()
    {
        using var dir = new TempDirectory();
        var missing = dir.Combine("nowhere");
        var error = Assert.Single(DatasetLoader.Load(DatasetInfo.FashionMnist, missing).Errors);
        Assert.Equal($"The Fashion-MNIST data directory {missing} does not exist; run 'mnistgen data fetch --dataset fashion-mnist' " +
                     "or point --data at a directory holding its four IDX files.", error.Message);
    }

    [Fact]
    public void A_file_given_as_the_data_directory_is_refused()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("train-images-idx3-ubyte", Images(1));
        var error = Assert.Single(DatasetLoader.Load(DatasetInfo.Mnist, file).Errors);
        Assert.StartsWith(file + " is a file", error.Message);
    }

    private static (string Path, string Problem) Break(Action breakIt, string path, string problem)
    {
        breakIt();
        return (path, problem);
    }

    private static byte[] Damaged(byte[] gzip)
    {
        var copy = (byte[])gzip.Clone();
        for (var i = 20; i < 40; i++) copy[i] ^= 0x5A;
        return copy;
    }
}
