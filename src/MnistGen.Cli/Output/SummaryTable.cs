using System.Globalization;
using MnistGen.Core.Specs;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MnistGen.Cli.Output;

/// <summary>Parameter counts as Keras reports them: trainable, non-trainable (state that is not learnt by gradient) and their memory.</summary>
/// <param name="Bytes">float32 storage of all of them.</param>
internal sealed record ParameterCounts(long Trainable, long NonTrainable, long Bytes)
{
    public long Total => Trainable + NonTrainable;

    /// <summary>
    /// Pure. The spec compiler counts per layer the trainable parameters and the state that is not trained (a batch
    /// norm's running mean and variance, which Keras counts as non-trainable).
    /// </summary>
    public static ParameterCounts Of(ModelSummary summary)
    {
        var nonTrainable = summary.Layers.Sum(l => l.NonTrainable);
        var trainable = summary.Layers.Sum(l => l.Parameters);
        return new ParameterCounts(trainable, nonTrainable, 4 * (trainable + nonTrainable));
    }

    /// <summary>Megabytes of 2^20 bytes, two decimals, as Keras prints them.</summary>
    public static string Megabytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("0.00", CultureInfo.InvariantCulture) + " MB";
}

/// <summary>The Keras-style per-layer table, as <c>summary</c> prints it and <c>train</c> writes it to summary.txt.</summary>
internal static class SummaryTable
{
    /// <summary>Output shapes with the batch dimension (N), as Keras shows (None, ...).</summary>
    public static string Shape(System.Collections.Immutable.ImmutableArray<int> shape) => "[N, " + Format.Shape(shape)[1..];

    public static IRenderable For(ArchitectureSpec spec)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("layer").AddColumn("kind").AddColumn("output shape")
            .AddColumn(new TableColumn("parameters").RightAligned()).AddColumn(new TableColumn("MACs per image").RightAligned());
        table.AddRow("input", "", Markup.Escape(Shape(spec.InputShape)), "", "");
        foreach (var layer in spec.Summary.Layers)
            table.AddRow(Markup.Escape(layer.Name), Markup.Escape(layer.Kind), Markup.Escape(Shape(layer.OutputShape)),
                Format.Count(layer.Parameters), Format.Count(layer.Macs));
        table.AddRow("[bold]total[/]", "", "", "[bold]" + Format.Count(spec.Summary.TotalParameters) + "[/]", "[bold]" + Format.Count(spec.Summary.TotalMacs) + "[/]");
        return new Rows(table, new Spectre.Console.Text(string.Join("\n", Totals(ParameterCounts.Of(spec.Summary)))));
    }

    /// <summary>The lines under the table: total, trainable and non-trainable parameters with their float32 memory.</summary>
    public static IEnumerable<string> Totals(ParameterCounts counts)
    {
        yield return $"Total parameters: {Format.Count(counts.Total)} ({ParameterCounts.Megabytes(counts.Bytes)} as float32)";
        yield return $"Trainable parameters: {Format.Count(counts.Trainable)} ({ParameterCounts.Megabytes(4 * counts.Trainable)})";
        yield return $"Non-trainable parameters: {Format.Count(counts.NonTrainable)} ({ParameterCounts.Megabytes(4 * counts.NonTrainable)}; batch-norm running mean and variance)";
    }
}
