using System.Globalization;
using Google.Protobuf;
using Onnx;

namespace MnistGen.Core.Interop;

/// <summary>
/// Implemented by every generated module: adds the whole network to an ONNX graph, one builder call per layer,
/// the weights taken from the module's own state_dict by name. Each layer kind's descriptor says what its call is.
/// </summary>
public interface IOnnxExport
{
    /// <summary>Adds the network's nodes after the value <paramref name="input"/> and returns the name of its output value.</summary>
    string WriteOnnx(OnnxGraphBuilder b, string input);
}

/// <summary>A layer the ONNX writer cannot express: the message names the layer, its kind and why.</summary>
internal sealed class OnnxExportException(string message) : Exception(message);

/// <summary>
/// Builds one ONNX model (opset <see cref="Opset"/>) with the official onnx.proto messages: the generated
/// module calls one method per layer, each adding its nodes and initializers and returning its output's name
/// (which is the layer's name). Weights are looked up by state_dict name (<c>conv1.weight</c>), so the model's
/// initializers carry the names a PyTorch user knows. Inference semantics: batch norm uses its running
/// statistics, dropout is the identity. Public because generated modules call it (<see cref="IOnnxExport"/>);
/// to export, call <see cref="ModelInterop.ToOnnx"/> or <see cref="ModelInterop.Export"/>.
/// </summary>
public sealed class OnnxGraphBuilder
{
    /// <summary>13: what onnxruntime and python3-onnx 1.12's checker both accept, and enough for every kind here.</summary>
    internal const int Opset = 13;

    /// <summary>IR version 7 is the one that came with opset 13.</summary>
    private const long IrVersion = 7;

    internal const string InputName = "input";

    /// <summary>The dim_param of the dynamic batch dimension.</summary>
    internal const string BatchDimension = "N";

    private readonly Dictionary<string, TensorRecord> _weights;
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private readonly HashSet<string> _names = new(StringComparer.Ordinal) { InputName };
    private readonly GraphProto _graph = new();

    internal OnnxGraphBuilder(IEnumerable<TensorRecord> stateDict) =>
        _weights = stateDict.ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>The graph's input value: [N, channels, height, width] float32.</summary>
    internal string Input => InputName;

    /// <summary>torch.nn.Linear: y = x W^T + b, as Gemm with transB (W stays [out, in], as the state_dict holds it).</summary>
    public string Gemm(string name, string x, bool bias)
    {
        var inputs = new List<string> { x, Weight(name + ".weight") };
        if (bias) inputs.Add(Weight(name + ".bias"));
        return Node("Gemm", name, inputs, Int("transB", 1));
    }

    /// <summary>torch.nn.Conv2d with a square kernel and symmetric zero padding.</summary>
    public string Conv(string name, string x, int kernel, int stride, int padding, bool bias)
    {
        var inputs = new List<string> { x, Weight(name + ".weight") };
        if (bias) inputs.Add(Weight(name + ".bias"));
        return Node("Conv", name, inputs, Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride),
            Ints("pads", padding, padding, padding, padding), Ints("dilations", 1, 1));
    }

    /// <summary>max_pool2d without padding, floor mode (PyTorch's default and ONNX's).</summary>
    public string MaxPool(string name, string x, int kernel, int stride) =>
        Node("MaxPool", name, [x], Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride));

    /// <summary>avg_pool2d without padding (so count_include_pad does not matter).</summary>
    public string AveragePool(string name, string x, int kernel, int stride) =>
        Node("AveragePool", name, [x], Ints("kernel_shape", kernel, kernel), Ints("strides", stride, stride));

    /// <summary>BatchNorm1d/2d in eval mode: (x - running_mean) / sqrt(running_var + eps) * weight + bias, over axis 1.</summary>
    public string BatchNormalization(string name, string x, double epsilon) =>
        Node("BatchNormalization", name,
            [x, Weight(name + ".weight"), Weight(name + ".bias"), Weight(name + ".running_mean"), Weight(name + ".running_var")],
            Float("epsilon", epsilon));

    /// <summary>What dropout is at inference.</summary>
    public string Identity(string name, string x) => Node("Identity", name, [x]);

    /// <summary>Keeps the batch, flattens the rest (torch's flatten(1)).</summary>
    public string Flatten(string name, string x) => Node("Flatten", name, [x], Int("axis", 1));

    /// <summary>Relu.</summary>
    public string Relu(string name, string x) => Node("Relu", name, [x]);

    /// <summary>LeakyRelu with <paramref name="slope"/> as its alpha.</summary>
    public string LeakyRelu(string name, string x, double slope) => Node("LeakyRelu", name, [x], Float("alpha", slope));

    /// <summary>Tanh.</summary>
    public string Tanh(string name, string x) => Node("Tanh", name, [x]);

    /// <summary>Sigmoid.</summary>
    public string Sigmoid(string name, string x) => Node("Sigmoid", name, [x]);

    /// <summary>Exact GELU, which opset 13 has no operator for: 0.5 * x * (1 + erf(x / sqrt 2)).</summary>
    public string Gelu(string name, string x)
    {
        var scaled = Node("Div", name + "/div", [x, Constant(name + "/sqrt2", Math.Sqrt(2))]);
        var erf = Node("Erf", name + "/erf", [scaled]);
        var plusOne = Node("Add", name + "/add", [erf, Constant(name + "/one", 1)]);
        var times = Node("Mul", name + "/mul", [x, plusOne]);
        return Node("Mul", name, [times, Constant(name + "/half", 0.5)]);
    }

    /// <summary>Over the features (axis 1), as the generated forward does.</summary>
    public string LogSoftmax(string name, string x) => Node("LogSoftmax", name, [x], Int("axis", 1));

    /// <summary>Over the features (axis 1), as the generated forward does.</summary>
    public string Softmax(string name, string x) => Node("Softmax", name, [x], Int("axis", 1));

    /// <summary>Element-wise product, for kinds composed of other operators (SiLU is x * sigmoid(x)).</summary>
    public string Mul(string name, string a, string b) => Node("Mul", name, [a, b]);

    /// <summary>Any single ONNX operator (default domain, no attributes) on the given inputs; its output is named <paramref name="name"/>.</summary>
    public string Op(string opType, string name, params string[] inputs) => Node(opType, name, inputs);

    /// <summary>For a kind that has no ONNX form: stops the export with a message naming the layer, its kind and why.</summary>
    public string Unsupported(string name, string kind, string reason) =>
        throw new OnnxExportException($"layer '{name}' ({kind}) cannot be exported to ONNX: {reason}");

    /// <summary>
    /// The serialized model: <paramref name="output"/> (the last layer's value) renamed to <paramref name="outputName"/>,
    /// input [N, ..inputShape], output [N, classes], and <paramref name="metadata"/> as metadata_props.
    /// Every float tensor of the state_dict must have been used: one left over means a layer was written without its weights.
    /// </summary>
    internal byte[] Build(string output, string outputName, IReadOnlyList<int> inputShape, int classes,
        IEnumerable<KeyValuePair<string, string>> metadata, string graphName, string docString)
    {
        var unused = _weights.Values.Where(t => t.Dtype == TensorDtype.F32 && !_used.Contains(t.Name)).Select(t => t.Name).OrderBy(n => n, StringComparer.Ordinal).ToList();
        if (unused.Count > 0) throw new OnnxExportException($"the graph does not use the weights {string.Join(", ", unused)}");
        if (output == InputName) output = Node("Identity", outputName, [output]);
        if (output != outputName)
        {
            // An earlier layer named like the output (a linear called logits before a log_softmax) gives way.
            if (_names.Contains(outputName)) Rename(outputName, Unique(outputName));
            Rename(output, outputName);
        }
        _graph.Name = graphName;
        _graph.Input.Add(Value(InputName, inputShape));
        _graph.Output.Add(Value(outputName, [classes]));
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "mnistgen",
            ProducerVersion = typeof(OnnxGraphBuilder).Assembly.GetName().Version?.ToString() ?? "0",
            DocString = docString,
            Graph = _graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model.ToByteArray();
    }

    private void Rename(string from, string to)
    {
        foreach (var node in _graph.Node)
        {
            for (var i = 0; i < node.Output.Count; i++) if (node.Output[i] == from) node.Output[i] = to;
            for (var i = 0; i < node.Input.Count; i++) if (node.Input[i] == from) node.Input[i] = to;
        }
        _names.Add(to);
    }

    private string Weight(string key)
    {
        if (!_weights.TryGetValue(key, out var record)) throw new OnnxExportException($"the state_dict has no {key}");
        if (record.Dtype != TensorDtype.F32) throw new OnnxExportException($"{key} is {record.Dtype}, not float32");
        if (_used.Add(key))
        {
            var tensor = new TensorProto { Name = key, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(record.Data) };
            tensor.Dims.AddRange(record.Shape);
            _graph.Initializer.Add(tensor);
        }
        return key;
    }

    /// <summary>A float32 scalar initializer.</summary>
    private string Constant(string name, double value)
    {
        var unique = Unique(name);
        _graph.Initializer.Add(new TensorProto
        {
            Name = unique,
            DataType = (int)TensorProto.Types.DataType.Float,
            RawData = ByteString.CopyFrom(BitConverter.GetBytes((float)value)),
        });
        return unique;
    }

    private string Node(string opType, string name, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        var output = Unique(name);
        var node = new NodeProto { OpType = opType, Name = output, Domain = "" };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return output;
    }

    /// <summary>The name itself, or name_2, name_3, ... if a value already has it (a layer named like a weight).</summary>
    private string Unique(string name)
    {
        var candidate = name;
        for (var i = 2; !_names.Add(candidate) || _weights.ContainsKey(candidate); i++) candidate = name + "_" + i.ToString(CultureInfo.InvariantCulture);
        return candidate;
    }

    private static ValueInfoProto Value(string name, IEnumerable<int> shapeWithoutBatch)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = BatchDimension });
        foreach (var d in shapeWithoutBatch) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Float(string name, double value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = (float)value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }
}
