using System.Globalization;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistGen.Core.Data;

/// <summary>
/// Reads a data set's four IDX files from a directory, validates them, and builds the in-memory
/// <see cref="Dataset"/>. Every problem in every file is reported, each naming its file.
/// </summary>
public static class DatasetLoader
{
    /// <summary>
    /// The data set, fetched first when its files are missing: what a program that trains calls. The files live in
    /// <paramref name="directory"/>, or else in <c>$MNISTGEN_DATA/&lt;dataset&gt;</c> (<c>mnist</c>,
    /// <c>fashion-mnist</c>), or else in <c>./data/&lt;dataset&gt;</c>; every file is SHA-256 verified, whether it was
    /// there or fetched (see <see cref="DataFetcher.EnsureAvailable(DatasetKind, string, Action{string}?)"/>).
    /// </summary>
    /// <param name="kind">The data set, usually the spec's: <c>spec.Training.Dataset</c>.</param>
    /// <param name="directory">Where the four IDX files are (raw or <c>.gz</c>); null for the default above.</param>
    /// <param name="notice">Told in one line when files are fetched, and from where; null says nothing.</param>
    /// <returns>Both splits on the CPU, normalised; dispose the data set to free its tensors. LibTorch is started
    /// first (<see cref="Runtime.TorchRuntime.Start"/>), so a program needs no set-up call of its own.</returns>
    public static Result<Dataset> LoadOrFetch(DatasetKind kind, string? directory = null, Action<string>? notice = null)
    {
        var info = DatasetInfo.For(kind);
        return DataFetcher.EnsureAvailable(kind, DataDirectory.Resolve(info, directory), notice)
            .Bind(dir => StartRuntime().Bind(_ => Load(info, dir)));
    }

    /// <summary>
    /// Reads a data set from a directory that already holds its four IDX files (raw or <c>.gz</c>), never fetching.
    /// Every problem in every file is reported, each naming its file.
    /// </summary>
    /// <param name="kind">The data set the files are.</param>
    /// <param name="directory">The directory holding the files.</param>
    /// <returns>Both splits on the CPU, normalised; dispose the data set to free its tensors.</returns>
    public static Result<Dataset> Load(DatasetKind kind, string directory) =>
        StartRuntime().Bind(_ => Load(DatasetInfo.For(kind), directory));

    /// <summary>
    /// The first tensor a program makes is usually the data set's, and LibTorch loads with it: started here, so that
    /// the OpenMP wait policy is set before it loads and a missing native library is an error, not an exception.
    /// </summary>
    private static Result<Runtime.RuntimeFacts> StartRuntime() => Runtime.TorchRuntime.Start();

    internal static Result<Dataset> Load(DatasetInfo info, string directory)
    {
        if (File.Exists(directory))
            return new Error($"{directory} is a file, but the {info.DisplayName} data location must be a directory holding its four IDX files.", ErrorKind.BadInput);
        if (!Directory.Exists(directory))
            return new Error(
                $"The {info.DisplayName} data directory {directory} does not exist; run 'mnistgen data fetch --dataset {info.Name}' " +
                "or point --data at a directory holding its four IDX files.", ErrorKind.BadInput);

        var train = ReadSplit(info, directory, info.TrainImages, info.TrainLabels);
        var test = ReadSplit(info, directory, info.TestImages, info.TestLabels);
        var dataset = Result.Combine(train, test).Map(splits => FromSplits(info, splits.Item1, splits.Item2));
        Runtime.StartupTrace.Mark("data_loaded");
        return dataset;
    }

    /// <summary>The tensors of two read and checked splits.</summary>
    internal static Dataset FromSplits(DatasetInfo info, (IdxImages, IdxLabels) train, (IdxImages, IdxLabels) test) =>
        new(info.Kind, ToTensors(train, info), ToTensors(test, info), info.Mean, info.Std);

    /// <summary>Reads and validates one split's image and label files; no tensors yet.</summary>
    internal static Result<(IdxImages Images, IdxLabels Labels)> ReadSplit(DatasetInfo info, string directory, DataFile imagesFile, DataFile labelsFile)
    {
        var images = IdxFile.Locate(directory, imagesFile.Name).Bind(IdxFile.ReadImages).Bind(CheckImageSize);
        var labels = IdxFile.Locate(directory, labelsFile.Name).Bind(IdxFile.ReadLabels);
        return Result.Combine(images, labels).Bind(pair => CheckCounts(pair.Item1, pair.Item2));
    }

    private static Result<IdxImages> CheckImageSize(IdxImages images) =>
        images.Rows == DatasetInfo.ImageSize && images.Columns == DatasetInfo.ImageSize
            ? images
            : new Error(string.Create(CultureInfo.InvariantCulture,
                $"{images.Path} holds images of {images.Rows}x{images.Columns} pixels, but {DatasetInfo.ImageSize}x{DatasetInfo.ImageSize} are expected."), ErrorKind.BadInput);

    private static Result<(IdxImages, IdxLabels)> CheckCounts(IdxImages images, IdxLabels labels) =>
        images.Count == labels.Count
            ? (images, labels)
            : new Error(string.Create(CultureInfo.InvariantCulture,
                $"{images.Path} holds {images.Count} images but {labels.Path} holds {labels.Count} labels; the two counts must match."), ErrorKind.BadInput);

    /// <summary>
    /// As torchvision's ToTensor + Normalize: bytes -> float32 / 255 -> (x - mean) / std, each step in float32 as
    /// LibTorch computes it, so the values are bit-identical to those tensor operations (a test checks this).
    /// A byte has 256 values, so the pixels go through a 256-entry table: one pass, in managed code, which needs
    /// no LibTorch and so can run on the prefetch's worker thread while LibTorch loads. The float tensor wraps
    /// the array (pinned for the tensor's life); only the label tensor is made by LibTorch.
    /// </summary>
    internal static float[] Normalize(IdxImages images, double mean, double std)
    {
        var table = NormalizationTable(mean, std);
        var pixels = images.Pixels;
        var result = GC.AllocateUninitializedArray<float>(pixels.Length);
        for (var i = 0; i < pixels.Length; i++) result[i] = table[pixels[i]];
        return result;
    }

    /// <summary>((b / 255) - mean) / std for every byte b, in float32 arithmetic.</summary>
    internal static float[] NormalizationTable(double mean, double std)
    {
        var table = new float[256];
        float m = (float)mean, s = (float)std;
        for (var b = 0; b < 256; b++) table[b] = ((float)b / 255f - m) / s;
        return table;
    }

    private static DataSplit ToTensors((IdxImages Images, IdxLabels Labels) split, DatasetInfo info, float[]? normalized = null)
    {
        var (images, labels) = split;
        using var scope = NewDisposeScope();
        var pixels = normalized ?? Normalize(images, info.Mean, info.Std);
        var x = frombuffer(pixels, ScalarType.Float32).view(images.Count, 1, images.Rows, images.Columns);
        var y = frombuffer(labels.Buffer, ScalarType.Byte, labels.Count, labels.Offset).to_type(ScalarType.Int64);
        return new DataSplit(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    /// <summary>The tensors of two read and checked splits whose pixels are already normalized.</summary>
    internal static Dataset FromPrepared(DatasetInfo info, PreparedSplit train, PreparedSplit test) =>
        new(info.Kind, ToTensors(train.Split, info, train.Pixels), ToTensors(test.Split, info, test.Pixels), info.Mean, info.Std);
}

/// <summary>A split read and checked, with its pixels normalized (<see cref="DatasetLoader.Normalize"/>).</summary>
internal sealed record PreparedSplit((IdxImages Images, IdxLabels Labels) Split, float[] Pixels);

/// <summary>
/// A data set's files read, verified (SHA-256) and parsed on a worker thread while the caller does something
/// else, typically loading LibTorch (about half a second each; they overlap on a second core). Only files that
/// are already present are read: when anything is missing or fails its check, the prefetch gives nothing and
/// the caller's normal path fetches and reports. The tensors are made by <see cref="Load"/>, on the caller's thread.
/// </summary>
internal sealed class DataPrefetch
{
    private readonly Task<PreparedSplit[]?> _task;

    private DataPrefetch(DatasetInfo info, string directory)
    {
        Info = info;
        Directory = FullPath(directory);
        _task = Task.Run(() => Read(info, directory));
    }

    /// <summary>The data set being read.</summary>
    public DatasetInfo Info { get; }

    /// <summary>Where it is read from (full path).</summary>
    public string Directory { get; }

    /// <summary>Starts reading <paramref name="info"/>'s files in <paramref name="directory"/> on a worker thread.</summary>
    public static DataPrefetch Start(DatasetInfo info, string directory) => new(info, directory);

    /// <summary>
    /// The data set as tensors, if this prefetch read exactly <paramref name="info"/> in <paramref name="directory"/>
    /// and every file was present and valid; null otherwise (load it the normal way).
    /// </summary>
    public Dataset? Load(DatasetInfo info, string directory)
    {
        if (info.Kind != Info.Kind || FullPath(directory) != Directory) return null;
        if (_task.GetAwaiter().GetResult() is not { } splits) return null;
        Runtime.StartupTrace.Mark("data_read");
        var dataset = DatasetLoader.FromPrepared(info, splits[0], splits[1]);
        Runtime.StartupTrace.Mark("data_loaded");
        return dataset;
    }

    private static string FullPath(string directory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));

    private static PreparedSplit[]? Read(DatasetInfo info, string directory)
    {
        try
        {
            if (!System.IO.Directory.Exists(directory)) return null;
            // Verification and parsing, the four files side by side: what the normal path checks, in the same order of trust.
            var needed = FetchPlan.FilesToFetch(info, DataFetcher.Inspect(info, directory));
            if (!needed.IsOk || !needed.Value.IsEmpty) return null;
            PreparedSplit? Prepare(DataFile images, DataFile labels) =>
                DatasetLoader.ReadSplit(info, directory, images, labels) is { IsOk: true } read
                    ? new PreparedSplit(read.Value, DatasetLoader.Normalize(read.Value.Images, info.Mean, info.Std))
                    : null;
            var train = Task.Run(() => Prepare(info.TrainImages, info.TrainLabels));
            var test = Prepare(info.TestImages, info.TestLabels);
            var trainSplit = train.GetAwaiter().GetResult();
            Runtime.StartupTrace.Mark("data_read");
            return trainSplit is not null && test is not null ? [trainSplit, test] : null;
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
