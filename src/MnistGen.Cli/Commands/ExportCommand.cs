using System.CommandLine;
using MnistGen.Cli.Output;
using MnistGen.Cli.Runs;
using MnistGen.Core.Interop;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen export RUN --format pytorch|safetensors [--out FILE]</c>: the run's weights for other tools.</summary>
internal static class ExportCommand
{
    public static Command Create(Terminal terminal)
    {
        var model = CommonOptions.Model();
        var format = new Option<string>("--format")
        {
            Description = "pytorch: a state_dict file for torch.load and load_state_dict; safetensors: the Hugging Face format " +
                          "(its metadata records the spec, the data set and the normalisation).",
            Required = true,
            HelpName = "FORMAT",
        };
        // Checked by ModelInterop.ParseFormat, whose one-line error lists the formats.
        var output = new Option<string?>("--out") { Description = "The file to write. Default: model.pt or model.safetensors in the run directory.", HelpName = "FILE" };
        var command = new Command("export", "Write a trained model's weights as a PyTorch state_dict (.pt) or as safetensors.") { model, format, output };
        command.SetAction(parse => Export(terminal, parse.GetValue(model)!, parse.GetValue(format)!, parse.GetValue(output)));
        return command;
    }

    private static int Export(Terminal terminal, string path, string formatName, string? output)
    {
        var format = ModelInterop.ParseFormat(formatName);
        if (!format.IsOk) return Cli.Report(terminal.Err, format.Errors);
        var loaded = TrainedRuns.Load(path, threads: 1);
        if (!loaded.IsOk) return Cli.Report(terminal.Err, loaded.Errors);
        using var model = loaded.Value;
        var target = Path.GetFullPath(output ?? Path.Combine(Path.GetDirectoryName(model.ModelPath)!, "model" + ModelInterop.ExtensionOf(format.Value)));
        var written = ModelInterop.Export(model, format.Value, target);
        if (!written.IsOk) return Cli.Report(terminal.Err, written.Errors);
        var keys = model.Module.state_dict().Keys.ToList();
        terminal.Line($"Wrote {target} ({ModelInterop.NameOf(format.Value)}: {keys.Count} tensors, {string.Join(", ", keys.Take(3))}, ...).");
        return Cli.Ok;
    }
}
