using System.Collections.Immutable;
using System.Globalization;
using MnistGen.Core.Functional;
using static TorchSharp.torch;

namespace MnistGen.Core.Interop;

/// <summary>
/// A module's state_dict as <see cref="TensorRecord"/>s and back. Keys are the module's own (<c>conv1.weight</c>,
/// the names a PyTorch user writes for the same network); data is always written row-major, whatever memory
/// format a tensor has inside LibTorch, so other tools never see LibTorch's strides.
/// </summary>
internal static class StateDict
{
    /// <summary>Every parameter and buffer of the module, as contiguous CPU copies.</summary>
    public static ImmutableArray<TensorRecord> Extract(nn.Module module)
    {
        using var scope = NewDisposeScope();
        var records = ImmutableArray.CreateBuilder<TensorRecord>();
        foreach (var (name, tensor) in module.state_dict())
        {
            var dtype = DtypeOf(tensor.dtype) ?? throw new InvalidOperationException($"{name} has dtype {tensor.dtype}, which no export format here carries.");
            var plain = tensor.detach().cpu().contiguous();
            records.Add(new TensorRecord(name, dtype, [.. plain.shape], plain.bytes.ToArray()));
        }
        return records.ToImmutable();
    }

    /// <summary>
    /// Pure: every way <paramref name="found"/> does not fit <paramref name="expected"/>: missing keys, unexpected
    /// keys, other shapes or dtypes. Empty when they fit exactly.
    /// </summary>
    public static ImmutableArray<string> Mismatches(IReadOnlyList<TensorRecord> expected, IReadOnlyList<TensorRecord> found)
    {
        var byName = found.GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var problems = ImmutableArray.CreateBuilder<string>();
        foreach (var want in expected)
        {
            if (!byName.TryGetValue(want.Name, out var have))
                problems.Add($"missing key {want.Name} ({want.Dtype} {TensorRecord.ShapeText(want.Shape)})");
            else if (!have.Shape.SequenceEqual(want.Shape))
                problems.Add($"{want.Name} has shape {TensorRecord.ShapeText(have.Shape)}, expected {TensorRecord.ShapeText(want.Shape)}");
            else if (have.Dtype != want.Dtype)
                problems.Add($"{want.Name} has dtype {have.Dtype}, expected {want.Dtype}");
        }
        var known = expected.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var extra in found.Where(t => !known.Contains(t.Name)).OrderBy(t => t.Name, StringComparer.Ordinal))
            problems.Add($"unexpected key {extra.Name} ({extra.Dtype} {TensorRecord.ShapeText(extra.Shape)})");
        return problems.ToImmutable();
    }

    /// <summary>
    /// Loads <paramref name="found"/> into <paramref name="module"/> after checking every key, shape and dtype;
    /// nothing is changed unless all fit, and every mismatch is listed in the one error.
    /// </summary>
    /// <param name="source">Names the file in the error.</param>
    /// <param name="what">The architecture, for the error.</param>
    public static Result<int> Apply(nn.Module module, IReadOnlyList<TensorRecord> found, string source, string what)
    {
        var mismatches = Mismatches(Extract(module), found);
        if (!mismatches.IsEmpty)
            return new Error(string.Create(CultureInfo.InvariantCulture,
                $"{source} does not fit {what}: {string.Join("; ", mismatches)}."), ErrorKind.BadInput);

        var byName = found.ToDictionary(t => t.Name, StringComparer.Ordinal);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        foreach (var (name, target) in module.state_dict())
        {
            var record = byName[name];
            var incoming = empty([.. record.Shape], target.dtype);
            incoming.bytes = record.Data;
            target.copy_(incoming);
        }
        return found.Count;
    }

    private static TensorDtype? DtypeOf(ScalarType type) => type switch
    {
        ScalarType.Float32 => TensorDtype.F32,
        ScalarType.Int64 => TensorDtype.I64,
        _ => null,
    };
}
