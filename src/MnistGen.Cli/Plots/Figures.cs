using MnistGen.Core.Checkpoints;
using System.Globalization;
using SkiaSharp;

namespace MnistGen.Cli.Plots;

/// <summary>A point of the loss figure: one epoch's train and test loss and test accuracy (0..1).</summary>
internal sealed record EpochPoint(int Epoch, double TrainLoss, double TestLoss, double TestAccuracy);

/// <summary>One misclassified test image for the grid: pixels 28x28 in 0..1 (white digit on black).</summary>
internal sealed record Mistake(int Index, float[] Pixels, int True, int Predicted, double Confidence);

/// <summary>The figures the shell writes. Each takes plain data and writes one PNG.</summary>
internal static class Figures
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>Train and test loss per epoch (left axis), as the tutorial plots them, with test accuracy on the right axis.</summary>
    public static void Losses(string path, string title, IReadOnlyList<EpochPoint> history)
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
        plot.ShowLegend(ScottPlot.Alignment.UpperCenter);
        if (history.Count == 1) plot.Axes.SetLimitsX(0.5, 1.5);
        var png = plot.GetImage(900, 540).GetImageBytes();
        AtomicFile.WriteBytes(path, png);
    }

    /// <summary>A 10x10 confusion matrix: rows true class, columns predicted, cells shaded by row share.</summary>
    public static void Confusion(string path, string title, int[,] matrix)
    {
        const int cell = 56, left = 90, top = 90, n = 10;
        var size = left + cell * n + 30;
        using var surface = SKSurface.Create(new SKImageInfo(size, top + cell * n + 40));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        Canvas.Text(canvas, title, size / 2f, 32, 20, SKColors.Black, SKTextAlign.Center);
        Canvas.Text(canvas, "predicted", left + cell * n / 2f, top - 30, 15, SKColors.Black, SKTextAlign.Center);
        canvas.Save();
        canvas.RotateDegrees(-90, 24, top + cell * n / 2f);
        Canvas.Text(canvas, "true", 24, top + cell * n / 2f, 15, SKColors.Black, SKTextAlign.Center);
        canvas.Restore();
        using var fill = new SKPaint();
        for (var t = 0; t < n; t++)
        {
            var rowTotal = Math.Max(1, Enumerable.Range(0, n).Sum(p => matrix[t, p]));
            Canvas.Text(canvas, t.ToString(Inv), left - 16, top + t * cell + cell / 2f + 6, 15, SKColors.Black, SKTextAlign.Center);
            for (var p = 0; p < n; p++)
            {
                if (t == 0) Canvas.Text(canvas, p.ToString(Inv), left + p * cell + cell / 2f, top - 8, 15, SKColors.Black, SKTextAlign.Center);
                var share = matrix[t, p] / (double)rowTotal;
                var shade = (byte)(255 - Math.Round(Math.Sqrt(share) * 200));
                fill.Color = t == p ? new SKColor(shade, shade, 255) : new SKColor(255, shade, shade);
                canvas.DrawRect(left + p * cell, top + t * cell, cell - 1, cell - 1, fill);
                var ink = share > 0.5 ? SKColors.White : SKColors.Black;
                Canvas.Text(canvas, matrix[t, p].ToString(Inv), left + p * cell + cell / 2f, top + t * cell + cell / 2f + 5, 13, ink, SKTextAlign.Center);
            }
        }
        Canvas.SavePng(surface, path);
    }

    /// <summary>A grid of the worst mistakes, each with its true and predicted label and the confidence.</summary>
    public static void Misclassified(string path, string title, IReadOnlyList<Mistake> mistakes, int columns = 8)
    {
        const int tile = 112, caption = 38, pad = 10, header = 50;
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
            Canvas.Text(canvas, $"true {m.True}  pred {m.Predicted}", x + tile / 2f, y + tile + 16, 13, SKColors.Black, SKTextAlign.Center);
            Canvas.Text(canvas, string.Create(Inv, $"#{m.Index}  p={m.Confidence:0.00}"), x + tile / 2f, y + tile + 32, 12, SKColors.DimGray, SKTextAlign.Center);
        }
        Canvas.SavePng(surface, path);
    }

    /// <summary>The tutorial's prediction figure: the input image beside a bar chart of the class probabilities.</summary>
    public static void Prediction(string path, string title, ReadOnlySpan<float> pixels, IReadOnlyList<double> probabilities)
    {
        const int image = 280, height = 360, chartWidth = 520;
        var plot = new ScottPlot.Plot();
        plot.Font.Set(Canvas.FontName);
        var bars = plot.Add.Bars(probabilities.ToArray());
        bars.Horizontal = true;
        var best = probabilities.Select((p, i) => (p, i)).MaxBy(t => t.p).i;
        foreach (var (bar, i) in bars.Bars.Select((b, i) => (b, i)))
            bar.FillColor = i == best ? ScottPlot.Colors.OrangeRed : ScottPlot.Colors.SteelBlue;
        plot.Axes.Left.SetTicks(Enumerable.Range(0, 10).Select(i => (double)i).ToArray(), Enumerable.Range(0, 10).Select(i => i.ToString(Inv)).ToArray());
        plot.Axes.SetLimits(0, 1.05, -0.6, 9.6);
        plot.Axes.InvertY();
        plot.Title("class probability");
        plot.XLabel("probability");
        plot.YLabel("digit");
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
