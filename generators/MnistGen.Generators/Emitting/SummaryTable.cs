using System.Collections.Generic;
using System.Linq;
using MnistGen.Generators.Binding;
using MnistGen.Generators.Common;

namespace MnistGen.Generators.Emitting;

/// <summary>The Keras-style summary table (layer, output shape, parameters, multiply-adds) as text lines.</summary>
internal static class SummaryTable
{
    public static IReadOnlyList<string> Lines(SpecModel model)
    {
        var header = new[] { "Layer (kind)", "Output shape", "Param #", "MACs" };
        var rows = model.Layers
            .Select(l => new[] { $"{l.Name} ({l.DisplayKind})", Invariant.Shape(l.OutputShape), Invariant.Grouped(l.Parameters), Invariant.Grouped(l.Macs) })
            .ToList();
        var widths = Enumerable.Range(0, header.Length)
            .Select(c => rows.Select(r => r[c].Length).Concat([header[c].Length]).Max())
            .ToArray();

        string Row(string[] cells) =>
            (cells[0].PadRight(widths[0]) + "  " + cells[1].PadRight(widths[1]) + "  " +
             cells[2].PadLeft(widths[2]) + "  " + cells[3].PadLeft(widths[3])).TrimEnd();

        var rule = new string('=', widths.Sum() + 6);
        var lines = new List<string> { Row(header), rule };
        lines.AddRange(rows.Select(Row));
        lines.Add(rule);
        lines.Add("Input: " + Invariant.Shape(model.InputShape));
        lines.Add("Total params: " + Invariant.Grouped(model.TotalParameters));
        lines.Add("Forward multiply-adds per image: " + Invariant.Grouped(model.TotalMacs));
        return lines;
    }
}
