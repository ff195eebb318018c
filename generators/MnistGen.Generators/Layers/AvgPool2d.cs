using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

/// <summary>2-D average pooling; unlike max-pooling it does not commute with an activation, so nothing moves past it.</summary>
internal sealed class AvgPool2dKind : PoolingKind
{
    public override Variant Entry { get; } = new("avg_pool2d", "AvgPool2d", "2-D average pooling (torch.nn.functional.avg_pool2d).", "kernel", Keys());

    protected override string OnnxOperator => "AveragePool";

    protected override string Function => "avg_pool2d";

    public override LoweringTraits Traits { get; } = new(UsesSpatialLayout: true);
}
