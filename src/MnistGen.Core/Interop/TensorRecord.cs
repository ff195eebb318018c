using System.Collections.Immutable;

namespace MnistGen.Core.Interop;

/// <summary>The element types a state_dict of MnistGen's layers holds (weights, batch-norm statistics and counters).</summary>
internal enum TensorDtype { F32, I64 }

/// <summary>
/// One named tensor as plain data: its dtype, shape and row-major (C-contiguous) little-endian bytes.
/// What every interchange format is read into and written from, so checks run without LibTorch.
/// </summary>
internal sealed record TensorRecord(string Name, TensorDtype Dtype, ImmutableArray<long> Shape, byte[] Data)
{
    public long Elements => Shape.Aggregate(1L, (a, b) => a * b);

    public static int SizeOf(TensorDtype dtype) => dtype switch
    {
        TensorDtype.F32 => 4,
        TensorDtype.I64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, null),
    };

    public static string ShapeText(IEnumerable<long> shape) => "[" + string.Join(", ", shape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";
}
