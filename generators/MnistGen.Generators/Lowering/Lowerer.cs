using System.Collections.Generic;
using System.Linq;
using MnistGen.Generators.Binding;
using MnistGen.Generators.Common;
using MnistGen.Generators.Layers;

namespace MnistGen.Generators.Lowering;

/// <summary>
/// Bound layers -> the ordered ops the forward pass runs. A pure function of the model that decides every
/// optimisation the generated code makes, each from the descriptors' <see cref="LoweringTraits"/>:
/// <list type="number">
/// <item>Order: a monotone activation directly followed by max-pooling runs after it. max(f(x)) = f(max(x)) for
/// any monotone non-decreasing f, in values and in gradients (the gradient is zero wherever f's is), so the network
/// computes the same numbers while the activation and its backward see 4x fewer values (-7% per cnn-3x3 training
/// step here). Not for average pooling, which does not commute.</item>
/// <item>In place: an op with an in-place form overwrites its input when that input is the fresh output of the op
/// before it in this order (never the caller's tensor) and that op's backward never reads its own output.</item>
/// <item>Layout: the first op that can write channels-last itself does so when spatial work (pooling, another
/// convolution) follows it; every op after it then works on channels-last tensors without a copy.</item>
/// </list>
/// </summary>
internal static class Lowerer
{
    public static LoweredModel Lower(SpecModel model)
    {
        var layers = model.Layers;
        var order = Order(layers);
        var ops = new List<LoweredOp>(order.Count);
        var channelsLast = false;
        var shape = model.InputShape;
        for (var position = 0; position < order.Count; position++)
        {
            var layer = layers[order[position]];
            var kind = LayerKinds.Of(layer);
            var movedAfterPool = position > 0 && order[position - 1] > order[position];
            var outputShape = movedAfterPool ? shape : layer.OutputShape; // an activation keeps the pooled shape
            var form = OpForm.Fresh;
            if (position > 0 && kind.InPlaceForward(layer) is not null && LayerKinds.Of(layers[order[position - 1]]).Traits.OutputOverwritable)
            {
                form = OpForm.InPlace;
            }
            else if (!channelsLast && kind.ChannelsLastForward(layer, "x") is not null
                     && order.Skip(position + 1).Any(i => LayerKinds.Of(layers[i]).Traits.UsesSpatialLayout))
            {
                form = OpForm.ChannelsLast;
                channelsLast = true;
            }
            var runsBefore = position + 1 < order.Count && order[position + 1] < order[position] ? layers[order[position + 1]].Name : null;
            ops.Add(new LoweredOp(layer, shape, outputShape, form, runsBefore));
            shape = outputShape;
        }
        var last = layers[layers.Count - 1];
        var hasScores = layers.Count > 1 && LayerKinds.Of(last).NetworkOutput is not null;
        return new LoweredModel(model, ops.ToEquatableArray(), hasScores);
    }

    /// <summary>The spec's order, except that a monotone activation directly followed by max-pooling swaps with it.</summary>
    private static List<int> Order(EquatableArray<BoundLayer> layers)
    {
        var order = Enumerable.Range(0, layers.Count).ToList();
        for (var i = 0; i + 1 < order.Count; i++)
        {
            if (LayerKinds.Of(layers[order[i]]).Traits.MonotoneActivation && LayerKinds.Of(layers[order[i + 1]]).Traits.MaxPooling)
            {
                (order[i], order[i + 1]) = (order[i + 1], order[i]);
                i++;
            }
        }
        return order;
    }
}
