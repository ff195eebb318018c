using System.Collections.Generic;
using MnistGen.Generators.Common;
using MnistGen.Generators.Emitting;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Layers;

internal sealed record LinearLayer(
    string Kind, string Name, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, long Parameters, long Macs,
    int InFeatures, int OutFeatures, bool Bias)
    : BoundLayer(Kind, Name, InputShape, OutputShape, Parameters, Macs);

/// <summary>torch.nn.Linear on a flat input; a module field, so its name is its state_dict prefix (fc1.weight).</summary>
internal sealed class LinearKind : LayerKind<LinearLayer>
{
    public override Variant Entry { get; } = new("linear", "Linear",
        "Fully connected layer (torch.nn.Linear); its input must be flat, so put flatten before the first one.", "out",
        Field.Req("out", LayerKeys.Size, "Output features."),
        Field.Opt("bias", LayerKeys.Bool, true, "Learn an additive bias."));

    public override string NamePrefix => "fc";

    // Backward needs the input and the weight, never the output.
    public override LoweringTraits Traits { get; } = new(OutputOverwritable: true);

    public override LinearLayer? Bind(LayerInput input)
    {
        if (input.Rank != 1) return input.Fail<LinearLayer>("linear needs a flat input; add '- flatten' before it");
        if (input.Keys.Int("out") is not { } outFeatures || input.Keys.Bool("bias") is not { } bias) return null;
        var inFeatures = input[0];
        var macs = LayerInput.Multiply(inFeatures, outFeatures);
        return new LinearLayer(Name, input.Name, input.Shape, EquatableArray.Create((int)outFeatures), macs + (bias ? outFeatures : 0), macs,
            inFeatures, (int)outFeatures, bias);
    }

    public override IEnumerable<LayerField> Fields(LinearLayer layer) =>
    [
        new("global::TorchSharp.Modules.Linear", layer.Name,
            $"global::TorchSharp.torch.nn.Linear({CSharp.Int(layer.InFeatures)}, {CSharp.Int(layer.OutFeatures)}, hasBias: {CSharp.Bool(layer.Bias)})", IsModule: true),
    ];

    public override string Forward(LinearLayer layer, string x) => $"this.{layer.Name}.forward({x})";

    public override string Onnx(LinearLayer layer, string b, string x) => $"{b}.Gemm({CSharp.String(layer.Name)}, {x}, bias: {CSharp.Bool(layer.Bias)})";
}
