using System.CommandLine;
using MnistGen.Cli.Output;
using MnistGen.Cli.Runs;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen summary ARCH</c>: the Keras-style per-layer table computed at build time.</summary>
internal static class SummaryCommand
{
    public static Command Create(Terminal terminal)
    {
        var arch = new Argument<string>("architecture") { Description = "Spec file stem (cnn-5x5) or class name (Cnn5x5), any case." };
        var command = new Command("summary", "Print an architecture's layers: output shape, parameters and multiply-adds per image.") { arch };
        command.SetAction(parse =>
        {
            var found = Catalog.Find(parse.GetValue(arch)!);
            if (!found.IsOk) return Cli.Report(terminal.Err, found.Errors);
            var spec = found.Value;
            terminal.Line($"{spec.Name} ({spec.SourcePath}): {spec.Description}");
            terminal.Console.Write(SummaryTable.For(spec));
            return Cli.Ok;
        });
        return command;
    }
}
