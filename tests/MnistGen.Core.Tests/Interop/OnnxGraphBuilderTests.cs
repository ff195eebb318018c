using MnistGen.Core.Interop;
using Onnx;

namespace MnistGen.Core.Tests.Interop;

/// <summary>The ONNX graph builder on plain records, read back with the same official onnx.proto messages: no LibTorch, no runtime.</summary>
public class OnnxGraphBuilderTests
{
    private static TensorRecord Floats(string name, long[] shape) =>
        new(name, TensorDtype.F32, [.. shape], new byte[4 * (int)shape.Aggregate(1L, (a, b) => a * b)]);

    private static readonly TensorRecord[] Linear = [Floats("fc1.weight", [10, 784]), Floats("fc1.bias", [10])];

    private static ModelProto Build(OnnxGraphBuilder b, string output, string outputName = "log_probabilities") =>
        ModelProto.Parser.ParseFrom(b.Build(output, outputName, [1, 28, 28], 10,
            [new("mnistgen.normalize_mean", "0.1307"), new("mnistgen.spec", "tiny")], "Tiny", "doc"));

    [Fact]
    public void A_model_has_opset_13_a_dynamic_batch_the_output_named_by_the_caller_and_the_metadata()
    {
        var b = new OnnxGraphBuilder(Linear);
        var x = b.Flatten("flatten_1", b.Input);
        x = b.Gemm("fc1", x, bias: true);
        var model = Build(b, b.LogSoftmax("log_softmax_1", x));

        Assert.Equal((7L, "", 13L), (model.IrVersion, model.OpsetImport.Single().Domain, model.OpsetImport.Single().Version));
        var input = model.Graph.Input.Single();
        Assert.Equal(("input", 1), (input.Name, input.Type.TensorType.ElemType));
        Assert.Equal(["N", "1", "28", "28"], input.Type.TensorType.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal("log_probabilities", model.Graph.Output.Single().Name);
        Assert.Equal(["Flatten", "Gemm", "LogSoftmax"], model.Graph.Node.Select(n => n.OpType));
        Assert.Equal(["flatten_1", "fc1", "log_probabilities"], model.Graph.Node.Select(n => n.Output.Single()));
        Assert.Equal(["input", "flatten_1", "fc1.weight", "fc1.bias", "fc1"], model.Graph.Node.SelectMany(n => n.Input));
        Assert.Equal(1L, model.Graph.Node[1].Attribute.Single(a => a.Name == "transB").I);
        Assert.Equal(["fc1.weight", "fc1.bias"], model.Graph.Initializer.Select(t => t.Name));
        Assert.Equal([10L, 784L], model.Graph.Initializer[0].Dims);
        Assert.Equal(4 * 10 * 784, model.Graph.Initializer[0].RawData.Length);
        Assert.Equal(("0.1307", "tiny"), (model.MetadataProps[0].Value, model.MetadataProps[1].Value));
    }

    [Fact]
    public void A_layer_named_like_the_output_gives_way_to_it()
    {
        var b = new OnnxGraphBuilder([Floats("log_probabilities.weight", [10, 784]), Floats("log_probabilities.bias", [10])]);
        var x = b.Gemm("log_probabilities", b.Flatten("flatten_1", b.Input), bias: true);
        var model = Build(b, b.LogSoftmax("log_softmax_1", x));

        Assert.Equal(["flatten_1", "log_probabilities_2", "log_probabilities"], model.Graph.Node.Select(n => n.Output.Single()));
        Assert.Equal("log_probabilities_2", model.Graph.Node[2].Input.Single());
    }

    [Fact]
    public void Gelu_is_written_with_erf_and_scalar_constants()
    {
        var b = new OnnxGraphBuilder([]);
        var model = Build(b, b.Gelu("gelu_1", b.Input), "logits");

        Assert.Equal(["Div", "Erf", "Add", "Mul", "Mul"], model.Graph.Node.Select(n => n.OpType));
        var constants = model.Graph.Initializer.ToDictionary(t => t.Name, t => BitConverter.ToSingle(t.RawData.ToByteArray()));
        Assert.Equal((MathF.Sqrt(2), 1f, 0.5f), (constants["gelu_1/sqrt2"], constants["gelu_1/one"], constants["gelu_1/half"]));
        Assert.All(model.Graph.Initializer, t => Assert.Empty(t.Dims));
    }

    [Fact]
    public void A_missing_weight_and_an_unused_weight_are_export_errors()
    {
        var missing = Assert.Throws<OnnxExportException>(() => new OnnxGraphBuilder(Linear).Conv("conv1", "input", 3, 1, 0, bias: true));
        Assert.Equal("the state_dict has no conv1.weight", missing.Message);

        var b = new OnnxGraphBuilder(Linear);
        var unused = Assert.Throws<OnnxExportException>(() => Build(b, b.Gemm("fc1", b.Flatten("flatten_1", b.Input), bias: false)));
        Assert.Equal("the graph does not use the weights fc1.bias", unused.Message);
    }
}
