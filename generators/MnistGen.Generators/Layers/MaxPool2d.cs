using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>2-D max pooling; a monotone activation directly before it runs after it (see Lowerer).</summary>
internal sealed class MaxPool2dKind : PoolingKind
{
    public override Variant Entry { get; } = new("max_pool2d", "MaxPool2d", "2-D max pooling (torch.nn.functional.max_pool2d).", "kernel", Keys());

    protected override string OnnxOperator => "MaxPool";

    protected override string Function => "max_pool2d";

    // Backward reads the input and the saved indices, not the output, so an activation after it may work in place.
    public override LoweringTraits Traits { get; } = new(MaxPooling: true, OutputOverwritable: true, UsesSpatialLayout: true);
}
