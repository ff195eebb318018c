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
        return Result.Combine(train, test).Map(splits =>
            new Dataset(info.Kind, ToTensors(splits.Item1, info), ToTensors(splits.Item2, info), info.Mean, info.Std));
    }

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
    /// One bulk pass per step, as torchvision's ToTensor + Normalize: bytes -> float32 / 255 -> (x - mean) / std.
    /// The byte view shares the managed buffer; only the float tensors outlive the scope.
    /// </summary>
    private static DataSplit ToTensors((IdxImages Images, IdxLabels Labels) split, DatasetInfo info)
    {
        var (images, labels) = split;
        using var scope = NewDisposeScope();
        var bytes = frombuffer(images.Buffer, ScalarType.Byte, images.PixelCount, images.Offset);
        var x = bytes.to_type(ScalarType.Float32).div_(255.0).sub_(info.Mean).div_(info.Std)
            .view(images.Count, 1, images.Rows, images.Columns);
        var y = frombuffer(labels.Buffer, ScalarType.Byte, labels.Count, labels.Offset).to_type(ScalarType.Int64);
        return new DataSplit(x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }
}
