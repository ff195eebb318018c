using System.CommandLine;
using MnistGen.Cli.Output;
using MnistGen.Core.Specs;
using MnistGen.Cli.Runs;
using Spectre.Console;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen list</c>: every compiled architecture, without running a model.</summary>
internal static class ListCommand
{
    public static Command Create(Terminal terminal)
    {
        var command = new Command("list", "List the architectures compiled from specs/*.yaml (of --project, or of the project in the current directory): parameters, multiply-adds, data set, optimizer, epochs, expected accuracy.");
        command.SetAction(_ =>
        {
            var all = Catalog.All();
            if (!all.IsOk) return Cli.Report(terminal.Err, all.Errors);
            terminal.Console.Write(Table(all.Value));
            return Cli.Ok;
        });
        return command;
    }

    public static Table Table(IEnumerable<ArchitectureSpec> specs)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("architecture").AddColumn("class")
            .AddColumn(new TableColumn("parameters").RightAligned()).AddColumn(new TableColumn("MACs/image").RightAligned())
            .AddColumn("dataset").AddColumn("optimizer").AddColumn(new TableColumn("batch").RightAligned())
            .AddColumn(new TableColumn("epochs").RightAligned()).AddColumn(new TableColumn("expected").RightAligned());
        foreach (var s in specs.OrderBy(s => s.Id, StringComparer.Ordinal))
            table.AddRow(
                Markup.Escape(s.Id), Markup.Escape(s.Name),
                Format.Count(s.Summary.TotalParameters), Format.Count(s.Summary.TotalMacs),
                Format.Dataset(s.Training.Dataset), Markup.Escape(Format.Optimizer(s.Training.Optimizer)),
                Format.Count(s.Training.BatchSize), Format.Count(s.Training.Epochs),
                s.ExpectedAccuracy is { } a ? Format.Percent(a, 1) : "-");
        return table;
    }
}
