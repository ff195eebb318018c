using MnistGen.Generators.Binding;
using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;

namespace MnistGen.Generators.Layers;

/// <summary>
/// What a descriptor's Bind sees of one layer: its checked keys (defaults applied), its name and its input
/// shape; and the one way to refuse it, an ImpossibleShape error located at the layer's kind.
/// </summary>
internal sealed class LayerInput(VariantValue layer, string name, int[] shape, Checker checker)
{
    public string Kind => layer.Kind;

    public string Name { get; } = name;

    /// <summary>The checked keys; a value that failed its check reads as null (already reported).</summary>
    public ObjectValue Keys => layer.Parameters;

    /// <summary>The input shape without the batch dimension.</summary>
    public EquatableArray<int> Shape { get; } = shape.ToEquatableArray();

    public int Rank => Shape.Count;

    public int this[int dimension] => Shape[dimension];

    /// <summary>Reports that the layer cannot take this input, and why; returns null for the caller to return.</summary>
    public T? Fail<T>(string reason) where T : class
    {
        checker.Report(SpecDiagnostics.ImpossibleShape, layer.KindSpan, Name, layer.Kind, Invariant.Shape(Shape), reason);
        return null;
    }

    /// <summary>A product of sizes, or -1 when it does not fit in a long.</summary>
    public static long Multiply(params long[] factors)
    {
        long product = 1;
        try
        {
            foreach (var factor in factors) product = checked(product * factor);
            return product;
        }
        catch (System.OverflowException)
        {
            return -1;
        }
    }
}
