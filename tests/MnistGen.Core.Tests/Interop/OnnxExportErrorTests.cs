using MnistGen.Core.Functional;
using MnistGen.Core.Interop;
using MnistGen.Core.Tests.Training;
using static TorchSharp.torch;

namespace MnistGen.Core.Tests.Interop;

/// <summary>What <c>export --format onnx</c> says when a network cannot be written: one error naming the architecture and why, bad input.</summary>
public class OnnxExportErrorTests
{
    /// <summary>A module whose (hand-written) ONNX writer meets a kind with no ONNX form, as a descriptor's Unsupported call would.</summary>
    private sealed class Swirl : nn.Module<Tensor, Tensor>, IOnnxExport
    {
        public Swirl() : base("Swirl") { }

        public override Tensor forward(Tensor input) => input.alias();

        public string WriteOnnx(OnnxGraphBuilder b, string input) => b.Unsupported("swirl_1", "swirl", "opset 13 has no swirl operator");
    }

    private static Error Fails(nn.Module<Tensor, Tensor> module)
    {
        using var _ = module;
        var result = ModelInterop.ToOnnx(TestFixtures.Spec(), module, new Dictionary<string, string>());
        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorKind.BadInput, error.Kind);
        return error;
    }

    [Fact]
    public void A_layer_without_an_onnx_form_is_named_with_its_kind_and_why() =>
        Assert.Equal("Architecture 'tiny-mlp' (specs/tiny-mlp.yaml): layer 'swirl_1' (swirl) cannot be exported to ONNX: opset 13 has no swirl operator.",
            Fails(new Swirl()).Message);

    [Fact]
    public void A_module_without_a_generated_onnx_writer_is_refused() =>
        Assert.Equal("architecture 'tiny-mlp' was generated without an ONNX writer; rebuild it with this version of MnistGen.", Fails(new TinyMlp()).Message);
}
