using MnistGen.Generators.Common;

namespace MnistGen.Generators.Layers;

/// <summary>
/// One layer after binding: its kind, name, inferred shapes (without the batch dimension) and costs. Each
/// kind's subtype adds only the fields that kind has. Equatable records, so an unchanged spec is a cache hit.
/// </summary>
/// <param name="Kind">The spec's kind, e.g. conv2d; <see cref="LayerKinds.Of"/> finds its descriptor.</param>
/// <param name="Name">Field name for parameterised layers (conv1), summary name for the others (relu_1).</param>
/// <param name="Macs">Multiply-adds of the weights per image (bias and activations excluded).</param>
internal abstract record BoundLayer(
    string Kind,
    string Name,
    EquatableArray<int> InputShape,
    EquatableArray<int> OutputShape,
    long Parameters,
    long Macs)
{
    /// <summary>The kind as the summary shows it; batch_norm says which one it became.</summary>
    public string DisplayKind => LayerKinds.Of(this).DisplayKind(this);

    /// <summary>State the layer keeps that training does not learn (Keras' non-trainable parameters), in elements.</summary>
    public virtual long NonTrainable => 0;
}

/// <summary>A layer with no keys of its own: flatten and the activations without parameters.</summary>
internal sealed record PlainLayer(string Kind, string Name, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, long Parameters, long Macs)
    : BoundLayer(Kind, Name, InputShape, OutputShape, Parameters, Macs);
