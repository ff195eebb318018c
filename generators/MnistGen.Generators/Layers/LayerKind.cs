using System.Collections.Generic;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>
/// What the binder, the lowering stage and the emitter ask of a layer kind, whatever its bound model.
/// Implemented only by <see cref="LayerKind{TLayer}"/>; looked up in <see cref="LayerKinds"/>.
/// </summary>
internal interface ILayerKind
{
    /// <summary>The kind's entry of the key table: its name, documentation, shorthand and keys.</summary>
    Variant Entry { get; }

    string Name { get; }

    /// <summary>Prefix of default layer names: conv for conv1, fc for fc1, relu_ for relu_1.</summary>
    string NamePrefix { get; }

    /// <summary>Facts the lowering stage uses to reorder ops and choose in-place and channels-last forms.</summary>
    LoweringTraits Traits { get; }

    /// <summary>Core's OutputKind member for a network that ends in this layer (LogProbabilities, Probabilities), or null for logits.</summary>
    string? NetworkOutput { get; }

    /// <summary>Shape rule, parameter count and multiply-adds: the typed bound layer, or null after reporting why not.</summary>
    BoundLayer? Bind(LayerInput input);

    /// <summary>The kind as the summary shows it (batch_norm says which one it became).</summary>
    string DisplayKind(BoundLayer layer);

    /// <summary>Fields the generated module declares for this layer, in constructor order.</summary>
    IEnumerable<LayerField> Fields(BoundLayer layer);

    /// <summary>The forward expression applied to the tensor expression <paramref name="x"/>; returns a fresh tensor.</summary>
    string Forward(BoundLayer layer, string x);

    /// <summary>A statement that applies the layer to <c>x</c> in place, or null when the kind has no in-place form.</summary>
    string? InPlaceForward(BoundLayer layer);

    /// <summary>A forward expression whose result is channels-last, or null when the kind cannot produce that layout itself.</summary>
    string? ChannelsLastForward(BoundLayer layer, string x);

    /// <summary>The ONNX form: a call on the graph builder <paramref name="b"/> that adds the layer after value <paramref name="x"/> and returns its output's name.</summary>
    string Onnx(BoundLayer layer, string b, string x);
}

/// <summary>
/// One layer kind: subclass this in one file under Layers/ and add the instance to <see cref="LayerKinds.All"/>.
/// The abstract members are what every kind must say (its keys, its shape rule, its forward code, its fields),
/// so a forgotten one is a compile error; the virtual ones have safe defaults (no in-place form, no layout
/// of its own, no reordering).
/// </summary>
/// <typeparam name="TLayer">The kind's bound model: only the fields this kind has, typed.</typeparam>
internal abstract class LayerKind<TLayer> : ILayerKind where TLayer : BoundLayer
{
    public abstract Variant Entry { get; }

    public string Name => Entry.Name;

    public virtual string NamePrefix => Name + "_";

    public virtual LoweringTraits Traits => LoweringTraits.None;

    public virtual string? NetworkOutput => null;

    /// <summary>Infers the output shape, counts parameters and multiply-adds; reports through <see cref="LayerInput.Fail"/>.</summary>
    public abstract TLayer? Bind(LayerInput input);

    public abstract string Forward(TLayer layer, string x);

    public abstract IEnumerable<LayerField> Fields(TLayer layer);

    /// <summary>
    /// How the layer is written to ONNX, at inference: an expression calling the Core graph builder <paramref name="b"/>
    /// (<c>MnistGen.Core.Interop.OnnxGraphBuilder</c>) on the value name <paramref name="x"/>, returning the name of the
    /// layer's output, e.g. <c>b.Conv("conv1", x, 3, 1, 0, true)</c>. Weights are looked up by their state_dict
    /// names (the layer's name plus ".weight", ...). A kind with no ONNX form returns <c>b.Unsupported(name, kind, why)</c>,
    /// which makes the export say so.
    /// </summary>
    public abstract string Onnx(TLayer layer, string b, string x);

    public virtual string DisplayKind(TLayer layer) => Name;

    public virtual string? InPlaceForward(TLayer layer) => null;

    public virtual string? ChannelsLastForward(TLayer layer, string x) => null;

    BoundLayer? ILayerKind.Bind(LayerInput input) => Bind(input);

    string ILayerKind.DisplayKind(BoundLayer layer) => DisplayKind(Typed(layer));

    IEnumerable<LayerField> ILayerKind.Fields(BoundLayer layer) => Fields(Typed(layer));

    string ILayerKind.Forward(BoundLayer layer, string x) => Forward(Typed(layer), x);

    string? ILayerKind.InPlaceForward(BoundLayer layer) => InPlaceForward(Typed(layer));

    string? ILayerKind.ChannelsLastForward(BoundLayer layer, string x) => ChannelsLastForward(Typed(layer), x);

    string ILayerKind.Onnx(BoundLayer layer, string b, string x) => Onnx(Typed(layer), b, x);

    // The registry finds a descriptor by the layer's Kind, which only this descriptor's Bind writes.
    private TLayer Typed(BoundLayer layer) => layer as TLayer
        ?? throw new System.InvalidOperationException($"Layer '{layer.Name}' of kind '{layer.Kind}' is a {layer.GetType().Name}, not a {typeof(TLayer).Name}.");
}

/// <summary>A kind without parameters: the generated module declares nothing for it.</summary>
internal abstract class ParameterFreeKind<TLayer> : LayerKind<TLayer> where TLayer : BoundLayer
{
    public sealed override IEnumerable<LayerField> Fields(TLayer layer) => [];
}

/// <summary>An element-wise kind without keys: same shape out as in, no parameters, no multiply-adds.</summary>
internal abstract class ElementwiseKind : ParameterFreeKind<PlainLayer>
{
    public override PlainLayer? Bind(LayerInput input) => new(Name, input.Name, input.Shape, input.Shape, 0, 0);
}

/// <summary>
/// What the lowering stage may do with a kind's op. All false unless the kind says otherwise, which is
/// always correct (the spec's order, a fresh tensor per op, the default layout) if sometimes slower.
/// </summary>
/// <param name="MonotoneActivation">
/// Element-wise, monotone non-decreasing and cheap per element: max-pooling may run first (same values, same gradients).
/// </param>
/// <param name="MaxPooling">Max-pooling: a monotone activation directly before it may run after it.</param>
/// <param name="OutputOverwritable">
/// Its output is fresh and its backward reads its input, weights or indices, never its output: the next op may overwrite it.
/// </param>
/// <param name="UsesSpatialLayout">Spatial work (pooling, convolution) that a channels-last input speeds up.</param>
internal sealed record LoweringTraits(
    bool MonotoneActivation = false,
    bool MaxPooling = false,
    bool OutputOverwritable = false,
    bool UsesSpatialLayout = false)
{
    public static readonly LoweringTraits None = new();
}

/// <summary>A field of the generated module and the value the constructor gives it.</summary>
/// <param name="IsModule">A registered submodule (Module.Dispose frees it and its parameters become state_dict entries); else a value the module disposes itself.</param>
/// <param name="Comment">A trailing comment for the constructor line, if any.</param>
internal sealed record LayerField(string Type, string Name, string Value, bool IsModule, string? Comment = null);
