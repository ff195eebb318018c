using System.Collections.Generic;
using System.Linq;

namespace MnistGen.Generators.Layers;

/// <summary>
/// THE registry of layer kinds: one line per kind, in the order the key table, the schema, the reference
/// docs and "valid kinds" messages list them. Everything that depends on a layer's kind asks its descriptor
/// here; nothing else switches over kind names.
/// </summary>
internal static class LayerKinds
{
    public static readonly IReadOnlyList<ILayerKind> All =
    [
        new LinearKind(),
        new Conv2dKind(),
        new MaxPool2dKind(),
        new AvgPool2dKind(),
        new BatchNormKind(),
        new DropoutKind(),
        new Dropout2dKind(),
        new FlattenKind(),
        new ReluKind(),
        new LeakyReluKind(),
        new GeluKind(),
        new TanhKind(),
        new SigmoidKind(),
        new LogSoftmaxKind(),
        new SoftmaxKind(),
    ];

    private static readonly Dictionary<string, ILayerKind> ByName = All.ToDictionary(k => k.Name, System.StringComparer.Ordinal);

    /// <summary>The descriptor of a kind the key table accepted (the checker has refused every other name).</summary>
    public static ILayerKind Get(string kind) => ByName.TryGetValue(kind, out var descriptor)
        ? descriptor
        : throw new KeyNotFoundException($"'{kind}' is not a registered layer kind.");

    public static ILayerKind Of(BoundLayer layer) => Get(layer.Kind);
}
