using System.Globalization;
using MnistGen.Core.Data;
using MnistGen.Core.Functional;
using static TorchSharp.torch;

namespace MnistGen.Core.Training;

/// <summary>Which training images are held out for validation and which are trained on: disjoint, together every image once, each in ascending order.</summary>
internal sealed record ValidationIndices(int[] Train, int[] Validation);

/// <summary>
/// <c>train --validation N</c>: N training images held out, stratified (N / 10 per class, the remainder one
/// each to the lowest classes) and drawn with the run's seed, so a resumed run holds out the same images. The
/// decision is a pure function of the labels; <see cref="Apply"/> cuts the tensors. The test split is never touched.
/// </summary>
internal static class ValidationSplit
{
    /// <summary>Pure: the held-out and trained-on indices of <paramref name="labels"/> (class ids 0..classes-1).</summary>
    public static Result<ValidationIndices> Choose(ReadOnlySpan<long> labels, int count, long seed, int classes = DatasetInfo.Classes)
    {
        var byClass = new List<int>[classes];
        for (var c = 0; c < classes; c++) byClass[c] = [];
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (label < 0 || label >= classes)
                return new Error(string.Create(CultureInfo.InvariantCulture, $"Training label {label} at index {i} is not a class 0 to {classes - 1}."), ErrorKind.BadInput, ErrorCode.DataMismatch);
            byClass[label].Add(i);
        }
        var errors = new List<Error>();
        if (count < 1 || count >= labels.Length)
            errors.Add(Option($"--validation {count} must hold out between 1 and {labels.Length - 1} of the {labels.Length} training images."));
        for (var c = 0; c < classes && errors.Count == 0; c++)
            if (Quota(count, c, classes) >= byClass[c].Count)
                errors.Add(Option($"--validation {count} would hold out {Quota(count, c, classes)} images of class {c}, which has only {byClass[c].Count} training images; give a smaller number."));
        if (errors.Count > 0) return Result<ValidationIndices>.Fail(errors);

        var held = new bool[labels.Length];
        for (var c = 0; c < classes; c++)
        {
            // A partial Fisher-Yates over the class's indices, seeded per class: the first quota drawn are held out.
            var members = byClass[c].ToArray();
            var rng = new SplitMix64(Shuffle.DeriveSeed(seed, c, Shuffle.Stream.Validation));
            var quota = Quota(count, c, classes);
            for (var k = 0; k < quota; k++)
            {
                var j = k + (int)rng.NextBelow((uint)(members.Length - k));
                (members[k], members[j]) = (members[j], members[k]);
                held[members[k]] = true;
            }
        }
        var validation = new int[count];
        var train = new int[labels.Length - count];
        int v = 0, t = 0;
        for (var i = 0; i < held.Length; i++)
            if (held[i]) validation[v++] = i; else train[t++] = i;
        return new ValidationIndices(train, validation);
    }

    /// <summary>Pure: images of class <paramref name="c"/> held out: count / classes, plus one for the first count % classes classes.</summary>
    public static int Quota(int count, int c, int classes = DatasetInfo.Classes) => count / classes + (c < count % classes ? 1 : 0);

    /// <summary>
    /// Cuts <paramref name="split"/> into the images trained on and the held-out ones (new tensors on the split's
    /// device; the caller disposes both).
    /// </summary>
    public static Result<(DataSplit Train, DataSplit Validation)> Apply(DataSplit split, int count, long seed)
    {
        long[] labels;
        using (var cpu = split.Labels.cpu()) labels = cpu.data<long>().ToArray();
        return Choose(labels, count, seed).Map(indices =>
        {
            using var scope = NewDisposeScope();
            var device = split.Labels.device;
            var train = tensor(indices.Train.Select(i => (long)i).ToArray(), device: device);
            var validation = tensor(indices.Validation.Select(i => (long)i).ToArray(), device: device);
            var parts = (
                new DataSplit(split.Images.index_select(0, train).MoveToOuterDisposeScope(), split.Labels.index_select(0, train).MoveToOuterDisposeScope()),
                new DataSplit(split.Images.index_select(0, validation).MoveToOuterDisposeScope(), split.Labels.index_select(0, validation).MoveToOuterDisposeScope()));
            return parts;
        });
    }

    private static Error Option(FormattableString message) => new(FormattableString.Invariant(message), ErrorKind.BadInput, ErrorCode.InvalidOption);
}

/// <summary>Pure: when an epoch's validation accuracy replaces best.bin.</summary>
public static class BestCheckpointPolicy
{
    /// <summary>Strictly better than the best so far (ties keep the earlier epoch); the first validated epoch always is. NaN never is.</summary>
    public static bool Improves(BestCheckpoint? best, double validationAccuracy) =>
        !double.IsNaN(validationAccuracy) && (best is null || validationAccuracy > best.ValidationAccuracy);
}
