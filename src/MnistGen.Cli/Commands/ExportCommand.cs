using System.CommandLine;
using MnistGen.Cli.Output;
using MnistGen.Cli.Runs;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Interop;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen export RUN --format pytorch|safetensors|onnx [--out FILE]</c>: the run's weights (or whole network) for other tools.</summary>
internal static class ExportCommand
{
    public static Command Create(Terminal terminal)
    {
        var model = CommonOptions.Model();
        var format = new Option<string>("--format")
        {
            Description = "pytorch: a state_dict file for torch.load and load_state_dict; safetensors: the Hugging Face format " +
                          "(its metadata records the spec, the data set and the normalisation); onnx: the whole network as an ONNX model (opset 13, " +
                          "input [N, 1, 28, 28] float32, the normalisation and test accuracy in its metadata) for ONNX Runtime and other tools.",
            Required = true,
            HelpName = "FORMAT",
        };
        // Checked by ModelInterop.ParseFormat, whose one-line error lists the formats.
        var output = new Option<string?>("--out") { Description = "The file to write. Default: model.pt, model.safetensors or model.onnx in the run directory.", HelpName = "FILE" };
        var weights = CommonOptions.Weights();
        var command = new Command("export", "Write a trained model as a PyTorch state_dict (.pt), as safetensors, or as an ONNX model (.onnx).") { model, format, output, weights };
        command.SetAction(parse => Export(terminal, parse.GetValue(model)!, parse.GetValue(format)!, parse.GetValue(output), parse.GetValue(weights)));
        return command;
    }

    private static int Export(Terminal terminal, string path, string formatName, string? output, string? weightsName)
    {
        var format = ModelInterop.ParseFormat(formatName);
        if (!format.IsOk) return Cli.Report(terminal.Err, format.Errors);
        var weights = ModelLoader.ParseWeights(weightsName);
        if (!weights.IsOk) return Cli.Report(terminal.Err, weights.Errors);
        var loaded = TrainedRuns.Load(path, threads: 1, weights.Value);
        if (!loaded.IsOk) return Cli.Report(terminal.Err, loaded.Errors);
        using var model = loaded.Value;
        var target = Path.GetFullPath(output ?? Path.Combine(Path.GetDirectoryName(model.ModelPath)!, "model" + ModelInterop.ExtensionOf(format.Value)));
        var written = ModelInterop.Export(model, format.Value, target);
        if (!written.IsOk) return Cli.Report(terminal.Err, written.Errors);
        var keys = model.Module.state_dict().Keys.ToList();
        terminal.Line(format.Value == ExportFormat.Onnx
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"Wrote {target} (onnx, opset {OnnxGraphBuilder.Opset}: input '{OnnxGraphBuilder.InputName}' [N, {string.Join(", ", model.Spec.InputShape.Select(d => d.ToString(System.Globalization.CultureInfo.InvariantCulture)))}], " +
                $"output '{ModelInterop.OutputNameOf(model.Spec.Output)}' [N, {model.Spec.Classes}]; {keys.Count} weight tensors).")
            : $"Wrote {target} ({ModelInterop.NameOf(format.Value)}: {keys.Count} tensors, {string.Join(", ", keys.Take(3))}, ...).");
        return Cli.Ok;
    }
}
