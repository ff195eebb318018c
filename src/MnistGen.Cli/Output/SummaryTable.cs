using MnistGen.Core.Specs;
using Spectre.Console;

namespace MnistGen.Cli.Output;

/// <summary>The Keras-style per-layer table, as <c>summary</c> prints it and <c>train</c> writes it to summary.txt.</summary>
internal static class SummaryTable
{
    public static Table For(ArchitectureSpec spec)
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
