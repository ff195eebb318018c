using MnistGen.Core.Checkpoints;
using System.Globalization;
using SkiaSharp;

namespace MnistGen.Cli.Plots;

/// <summary>A point of the loss figure: one epoch's train and test loss and test accuracy (0..1).</summary>
internal sealed record EpochPoint(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy);

/// <summary>One run's curves for <c>compare</c>: its name in the legend and its history.</summary>
internal sealed record RunCurves(string Name, IReadOnlyList<EpochPoint> History);

/// <summary>One misclassified test image for the grid: pixels 28x28 in 0..1 (white digit on black).</summary>
internal sealed record Mistake(int Index, float[] Pixels, int True, int Predicted, double Confidence);

/// <summary>The figures the shell writes. Each takes plain data and writes one PNG.</summary>
internal static class Figures
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Train and test loss per epoch (left axis), as the tutorial plots them, with test accuracy on the right axis.</summary>
    public static void Losses(string path, string title, IReadOnlyList<EpochPoint> history)
    {
        var png = LossPlot(title, history).GetImage(LossWidth, LossHeight).GetImageBytes();
        AtomicFile.WriteBytes(path, png);
    }

    public const int LossWidth = 900, LossHeight = 540;

    /// <summary>
    /// The plot behind losses.png: epochs are whole numbers, so the epoch axis has integer ticks only, and the
    /// legend sits below the axes, outside the data (inside it could cover a point, e.g. a one-epoch run's).
    /// </summary>
    internal static ScottPlot.Plot LossPlot(string title, IReadOnlyList<EpochPoint> history)
    {
        var plot = new ScottPlot.Plot();
        plot.Font.Set(Canvas.FontName);
        var epochs = history.Select(h => (double)h.Epoch).ToArray();
        var train = plot.Add.Scatter(epochs, history.Select(h => h.TrainLoss).ToArray());
        train.LegendText = "train loss";
        var test = plot.Add.Scatter(epochs, history.Select(h => h.TestLoss).ToArray());
        test.LegendText = "test loss";
        var accuracy = plot.Add.Scatter(epochs, history.Select(h => h.TestAccuracy * 100).ToArray());
        accuracy.LegendText = "test accuracy (%)";
        accuracy.LinePattern = ScottPlot.LinePattern.Dashed;
        accuracy.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Right.Label.Text = "test accuracy (%)";
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel("loss");
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.EvenlySpacedMinorTickGenerator(1),
        };
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        if (history.Count == 1) plot.Axes.SetLimitsX(0.5, 1.5);
        return plot;
    }

    public const int CompareWidth = 1400, ComparePanelHeight = 560, CompareTitleHeight = 44;

    /// <summary>
    /// <c>compare</c>'s figure: two panels side by side, test accuracy per epoch (left) and loss per epoch (right:
    /// test loss solid, train loss dashed), one colour per run, the legend naming the runs under each panel.
    /// </summary>
    public static void Compare(string path, IReadOnlyList<RunCurves> runs)
    {
        var (accuracy, loss) = ComparePlots(runs);
        var half = CompareWidth / 2;
        using var left = Canvas.Render(accuracy, half, ComparePanelHeight);
        using var right = Canvas.Render(loss, half, ComparePanelHeight);
        using var surface = SKSurface.Create(new SKImageInfo(CompareWidth, CompareTitleHeight + ComparePanelHeight));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        Canvas.Text(canvas, string.Create(Inv, $"{runs.Count} runs compared"), CompareWidth / 2f, 30, 20, SKColors.Black, SKTextAlign.Center);
        canvas.DrawImage(left, 0, CompareTitleHeight);
        canvas.DrawImage(right, half, CompareTitleHeight);
        Canvas.SavePng(surface, path);
    }

    /// <summary>The two panels of <see cref="Compare"/>: the i-th run has the i-th colour of the palette in both.</summary>
    internal static (ScottPlot.Plot Accuracy, ScottPlot.Plot Loss) ComparePlots(IReadOnlyList<RunCurves> runs)
    {
        var palette = new ScottPlot.Palettes.Category10();
        var accuracy = NewEpochPlot("test accuracy per epoch", "test accuracy (%)");
        var loss = NewEpochPlot("loss per epoch (solid: test, dashed: train)", "loss");
        var maxEpoch = 1;
        for (var i = 0; i < runs.Count; i++)
        {
            var (name, history) = (runs[i].Name, runs[i].History);
            var color = palette.GetColor(i);
            var epochs = history.Select(h => (double)h.Epoch).ToArray();
            maxEpoch = Math.Max(maxEpoch, history.Count == 0 ? 1 : history.Max(h => h.Epoch));
            var a = accuracy.Add.Scatter(epochs, history.Select(h => h.TestAccuracy * 100).ToArray());
            a.Color = color;
            a.LegendText = name;
            var test = loss.Add.Scatter(epochs, history.Select(h => h.TestLoss).ToArray());
            test.Color = color;
            test.LegendText = name;
            var train = loss.Add.Scatter(epochs, history.Select(h => h.TrainLoss).ToArray());
            train.Color = color;
            train.LinePattern = ScottPlot.LinePattern.Dashed;
            train.MarkerSize = 0;
        }
        foreach (var plot in new[] { accuracy, loss })
            if (maxEpoch == 1) plot.Axes.SetLimitsX(0.5, 1.5);
        return (accuracy, loss);
    }

    private static ScottPlot.Plot NewEpochPlot(string title, string yLabel)
    {
        var plot = new ScottPlot.Plot();
        plot.Font.Set(Canvas.FontName);
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            MinorTickGenerator = new ScottPlot.TickGenerators.EvenlySpacedMinorTickGenerator(1),
        };
        plot.ShowLegend(ScottPlot.Edge.Bottom);
        return plot;
    }

    /// <summary>A cell's colour: blue on the diagonal (correct), red off it, darker for a larger share of the row.</summary>
    internal static SKColor CellColor(double share, bool diagonal)
    {
        var shade = (byte)(255 - Math.Round(Math.Sqrt(Math.Clamp(share, 0, 1)) * 200));
        return diagonal ? new SKColor(shade, shade, 255) : new SKColor(255, shade, shade);
    }

    private const int ConfusionCell = 56, ConfusionLeft = 90, ConfusionTop = 90, ConfusionScaleWidth = 16;

    /// <summary>
    /// Where the colour scale of the confusion figure is: two bars (correct, mistaken), the share of the row
    /// going from 100% at <c>Top</c> to 0% at <c>Bottom</c>.
    /// </summary>
    internal static (int CorrectX, int MistakenX, int Top, int Bottom, int Width) ConfusionScale => ConfusionScaleAt(ConfusionLeft, ConfusionTop);

    /// <summary>The colour scale's place for a grid whose top-left corner is (<paramref name="left"/>, <paramref name="top"/>).</summary>
    internal static (int CorrectX, int MistakenX, int Top, int Bottom, int Width) ConfusionScaleAt(int left, int top, int gap = 30) =>
        (left + ConfusionCell * 10 + gap, left + ConfusionCell * 10 + gap + ConfusionScaleWidth + 4, top, top + ConfusionCell * 10, ConfusionScaleWidth);

    /// <summary>Room for class names instead of digits: rows named on the left, columns named at 45 degrees above.</summary>
    internal const int NamedConfusionLeft = 150, NamedConfusionTop = 150;

    /// <summary>
    /// A 10x10 confusion matrix: rows true class, columns predicted, cells shaded by row share, with a colour scale.
    /// <paramref name="classNames"/> labels the rows and columns with names (Fashion-MNIST's clothing) instead of the class ids.
    /// </summary>
    public static void Confusion(string path, string title, int[,] matrix, IReadOnlyList<string>? classNames = null)
    {
        const int cell = ConfusionCell, n = 10;
        var named = classNames is { Count: n };
        var (left, top) = named ? (NamedConfusionLeft, NamedConfusionTop) : (ConfusionLeft, ConfusionTop);
        // Named columns lean right above the grid: the scale's heading moves clear of the last name.
        var scale = ConfusionScaleAt(left, top, named ? 70 : 30);
        var size = scale.MistakenX + scale.Width + 70;
        using var surface = SKSurface.Create(new SKImageInfo(size, top + cell * n + 40));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        Canvas.Text(canvas, title, size / 2f, 32, 20, SKColors.Black, SKTextAlign.Center);
        Canvas.Text(canvas, "predicted", left + cell * n / 2f, named ? 62 : top - 30, 15, SKColors.Black, SKTextAlign.Center);
        canvas.Save();
        canvas.RotateDegrees(-90, 24, top + cell * n / 2f);
        Canvas.Text(canvas, "true", 24, top + cell * n / 2f, 15, SKColors.Black, SKTextAlign.Center);
        canvas.Restore();
        using var fill = new SKPaint();
        for (var t = 0; t < n; t++)
        {
            var rowTotal = Math.Max(1, Enumerable.Range(0, n).Sum(p => matrix[t, p]));
            if (named) Canvas.Text(canvas, classNames![t], left - 8, top + t * cell + cell / 2f + 5, 13, SKColors.Black, SKTextAlign.Right);
            else Canvas.Text(canvas, t.ToString(Inv), left - 16, top + t * cell + cell / 2f + 6, 15, SKColors.Black, SKTextAlign.Center);
            for (var p = 0; p < n; p++)
            {
                if (t == 0 && named)
                {
                    // Names read upwards to the right from the column's centre, so neighbours never overlap.
                    var x = left + p * cell + cell / 2f;
                    canvas.Save();
                    canvas.RotateDegrees(-45, x, top - 8);
                    Canvas.Text(canvas, classNames![p], x, top - 8, 13, SKColors.Black);
                    canvas.Restore();
                }
                else if (t == 0) Canvas.Text(canvas, p.ToString(Inv), left + p * cell + cell / 2f, top - 8, 15, SKColors.Black, SKTextAlign.Center);
                var share = matrix[t, p] / (double)rowTotal;
                fill.Color = CellColor(share, t == p);
                canvas.DrawRect(left + p * cell, top + t * cell, cell - 1, cell - 1, fill);
                var ink = share > 0.5 ? SKColors.White : SKColors.Black;
                Canvas.Text(canvas, matrix[t, p].ToString(Inv), left + p * cell + cell / 2f, top + t * cell + cell / 2f + 5, 13, ink, SKTextAlign.Center);
            }
        }

        // The colour scale: one row of pixels per share step, the same colour function as the cells.
        for (var y = scale.Top; y < scale.Bottom; y++)
        {
            var share = 1 - (y - scale.Top) / (double)(scale.Bottom - scale.Top - 1);
            fill.Color = CellColor(share, diagonal: true);
            canvas.DrawRect(scale.CorrectX, y, scale.Width, 1, fill);
            fill.Color = CellColor(share, diagonal: false);
            canvas.DrawRect(scale.MistakenX, y, scale.Width, 1, fill);
        }
        using var frame = new SKPaint { Color = SKColors.Gray, Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(scale.CorrectX - 0.5f, scale.Top - 0.5f, scale.MistakenX + scale.Width - scale.CorrectX + 1, scale.Bottom - scale.Top + 1, frame);
        Canvas.Text(canvas, "share of row", (scale.CorrectX + scale.MistakenX + scale.Width) / 2f, top - 30, 13, SKColors.Black, SKTextAlign.Center);
        Canvas.Text(canvas, "ok  err", (scale.CorrectX + scale.MistakenX + scale.Width) / 2f, top - 8, 11, SKColors.DimGray, SKTextAlign.Center);
        foreach (var share in new[] { 0.0, 0.25, 0.5, 0.75, 1.0 })
        {
            var y = scale.Top + (float)((1 - share) * (scale.Bottom - scale.Top - 1));
            Canvas.Text(canvas, share.ToString("0%", Inv), scale.MistakenX + scale.Width + 6, y + 5, 12, SKColors.Black);
        }
        Canvas.SavePng(surface, path);
    }

    /// <summary>
    /// A grid of the worst mistakes, each with its true and predicted label and the confidence; with
    /// <paramref name="classNames"/> the labels are names, one line each.
    /// </summary>
    public static void Misclassified(string path, string title, IReadOnlyList<Mistake> mistakes, int columns = 8, IReadOnlyList<string>? classNames = null)
    {
        const int tile = 112, pad = 10, header = 50;
        var named = classNames is { Count: > 0 };
        var caption = named ? 54 : 38;
        var rows = Math.Max(1, (mistakes.Count + columns - 1) / columns);
        var width = pad + columns * (tile + pad);
        using var surface = SKSurface.Create(new SKImageInfo(width, header + rows * (tile + caption + pad)));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        Canvas.Text(canvas, title, width / 2f, 32, 20, SKColors.Black, SKTextAlign.Center);
        if (mistakes.Count == 0)
            Canvas.Text(canvas, "no misclassified images", width / 2f, header + 40, 16, SKColors.Gray, SKTextAlign.Center);
        for (var i = 0; i < mistakes.Count; i++)
        {
            var m = mistakes[i];
            float x = pad + i % columns * (tile + pad), y = header + i / columns * (tile + caption + pad);
            Canvas.Gray(canvas, m.Pixels, 28, 28, x, y, tile);
            if (named)
            {
                Canvas.Text(canvas, "true " + Name(classNames!, m.True), x + tile / 2f, y + tile + 15, 12, SKColors.Black, SKTextAlign.Center);
                Canvas.Text(canvas, "pred " + Name(classNames!, m.Predicted), x + tile / 2f, y + tile + 31, 12, SKColors.Black, SKTextAlign.Center);
            }
            else Canvas.Text(canvas, $"true {m.True}  pred {m.Predicted}", x + tile / 2f, y + tile + 16, 13, SKColors.Black, SKTextAlign.Center);
            Canvas.Text(canvas, string.Create(Inv, $"#{m.Index}  p={m.Confidence:0.00}"), x + tile / 2f, y + tile + (named ? 47 : 32), 12, SKColors.DimGray, SKTextAlign.Center);
        }
        Canvas.SavePng(surface, path);
    }

    private static string Name(IReadOnlyList<string> names, int c) => c >= 0 && c < names.Count ? names[c] : c.ToString(Inv);

    /// <summary>
    /// The tutorial's prediction figure: the input image beside a bar chart of the class probabilities, the bars
    /// labelled with the data set's class names (digits for MNIST).
    /// </summary>
    public static void Prediction(string path, string title, ReadOnlySpan<float> pixels, IReadOnlyList<double> probabilities, Core.Data.DatasetInfo? dataset = null)
    {
        var named = dataset is { HasNamedClasses: true };
        const int image = 280, height = 360, chartWidth = 520;
        var plot = new ScottPlot.Plot();
        plot.Font.Set(Canvas.FontName);
        var bars = plot.Add.Bars(probabilities.ToArray());
        bars.Horizontal = true;
        var best = probabilities.Select((p, i) => (p, i)).MaxBy(t => t.p).i;
        foreach (var (bar, i) in bars.Bars.Select((b, i) => (b, i)))
            bar.FillColor = i == best ? ScottPlot.Colors.OrangeRed : ScottPlot.Colors.SteelBlue;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, 10).Select(i => (double)i).ToArray(),
            Enumerable.Range(0, 10).Select(i => named ? dataset!.NameOf(i) : i.ToString(Inv)).ToArray());
        plot.Axes.SetLimits(0, 1.05, -0.6, 9.6);
        plot.Axes.InvertY();
        plot.Title("class probability");
        plot.XLabel("probability");
        plot.YLabel(named ? "class" : "digit");
        using var chart = Canvas.Render(plot, chartWidth, height);

        using var surface = SKSurface.Create(new SKImageInfo(image + 40 + chartWidth, height + 40));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        Canvas.Text(canvas, title, (image + 40 + chartWidth) / 2f, 26, 18, SKColors.Black, SKTextAlign.Center);
        Canvas.Gray(canvas, pixels, 28, 28, 20, 40 + (height - image) / 2f, image);
        canvas.DrawImage(chart, image + 40, 40);
        Canvas.SavePng(surface, path);
    }
}
