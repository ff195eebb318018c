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
    public static Result<Dataset> Load(DatasetKind kind, string directory) => Load(DatasetInfo.For(kind), directory);

    public static Result<Dataset> Load(DatasetInfo info, string directory)
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
    public static Result<(IdxImages Images, IdxLabels Labels)> ReadSplit(DatasetInfo info, string directory, DataFile imagesFile, DataFile labelsFile)
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
