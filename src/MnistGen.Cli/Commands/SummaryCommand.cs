using System.CommandLine;
using MnistGen.Cli.Output;
using MnistGen.Core.Specs;
using MnistGen.Models;
using Spectre.Console;

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
            var found = Architectures.Find(parse.GetValue(arch)!);
            if (!found.IsOk) return Cli.Report(terminal.Err, found.Errors);
            var spec = found.Value;
            terminal.Line($"{spec.Name} ({spec.SourcePath}): {spec.Description}");
            terminal.Console.Write(Table(spec));
            return Cli.Ok;
        });
        return command;
    }

    public static Table Table(ArchitectureSpec spec)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("layer").AddColumn("kind").AddColumn("output shape")
            .AddColumn(new TableColumn("parameters").RightAligned()).AddColumn(new TableColumn("MACs").RightAligned());
        table.AddRow("input", "", Markup.Escape(Format.Shape(spec.InputShape)), "", "");
        foreach (var layer in spec.Summary.Layers)
            table.AddRow(Markup.Escape(layer.Name), Markup.Escape(layer.Kind), Markup.Escape(Format.Shape(layer.OutputShape)),
                Format.Count(layer.Parameters), Format.Count(layer.Macs));
        table.AddRow("[bold]total[/]", "", "", "[bold]" + Format.Count(spec.Summary.TotalParameters) + "[/]", "[bold]" + Format.Count(spec.Summary.TotalMacs) + "[/]");
        return table;
    }
}
