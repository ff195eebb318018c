using System.Globalization;
using MnistGen.Cli.Plots;
using SkiaSharp;

namespace MnistGen.Cli.Tests;

/// <summary>The figures as a reader looks at them: whole-number epochs, nothing hiding the data, a colour scale, bars to the top class.</summary>
public sealed partial class EndToEndTests
{
    [Fact]
    public void Plot_draws_integer_epoch_ticks_and_a_legend_that_hides_no_point()
    {
        var copy = CopyRun();
        Assert.Equal(0, CliRunner.Run("plot", copy).ExitCode);

        // The plot the command drew, laid out again at its size, says where the one-epoch run's train-loss point is.
        var history = trained.Run.History.Select(h => new EpochPoint(h.Epoch, h.TrainLoss, h.TestLoss, h.TestAccuracy)).ToArray();
        var plot = Figures.LossPlot("mlp: loss per epoch", history);
        plot.GetImage(Figures.LossWidth, Figures.LossHeight);
        var majors = plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).ToArray();
        Assert.NotEmpty(majors);
        Assert.All(majors, t => Assert.Equal(Math.Round(t.Position), t.Position));
        Assert.Equal(["1"], majors.Select(t => t.Label).ToArray());

        var train = plot.GetPlottables().OfType<ScottPlot.Plottables.Scatter>().First();
        var at = plot.GetPixel(new ScottPlot.Coordinates(1, history[0].TrainLoss));
        using var png = SKBitmap.Decode(Path.Combine(copy, "losses.png"));
        var pixel = png.GetPixel((int)Math.Round(at.X), (int)Math.Round(at.Y));
        var expected = train.Color.ToSKColor();
        Assert.True(Close(expected, pixel), $"the train-loss point at ({at.X}, {at.Y}) is {pixel}, not the series colour {expected}: something covers it");
    }

    [Fact]
    public void The_confusion_figure_has_a_colour_scale_from_none_to_the_whole_row()
    {
        var outcome = CliRunner.Run("eval", trained.RunDirectory, "--data", Repository.MnistDirectory, "--out", _scratch);
        Assert.Equal(0, outcome.ExitCode);
        using var png = SKBitmap.Decode(Path.Combine(_scratch, "confusion.png"));
        var scale = Figures.ConfusionScale;
        Assert.True(png.Width > scale.MistakenX + scale.Width, "the figure has no room for a colour scale");
        foreach (var (x, diagonal) in new[] { (scale.CorrectX, true), (scale.MistakenX, false) })
        {
            var middle = x + scale.Width / 2;
            Assert.Equal(Figures.CellColor(1, diagonal), png.GetPixel(middle, scale.Top + 1));
            Assert.Equal(Figures.CellColor(0, diagonal), png.GetPixel(middle, scale.Bottom - 1));
            Assert.Equal(Figures.CellColor(0.5, diagonal), png.GetPixel(middle, (scale.Top + scale.Bottom) / 2), Close);
        }
    }

    [Fact]
    public void Predict_bars_are_scaled_to_the_top_class()
    {
        // An image the model is unsure of, so that bars scaled to 1.0 would stop short of the full width.
        for (var index = 0; index < 50; index++)
        {
            var outcome = CliRunner.Run("predict", trained.RunDirectory, "--test-index", index.ToString(CultureInfo.InvariantCulture), "--data", Repository.MnistDirectory, "--out", _scratch);
            Assert.Equal(0, outcome.ExitCode);
            var first = outcome.OutLines[0];
            var confidence = first[(first.LastIndexOf(' ') + 1)..];
            if (double.Parse(confidence, CultureInfo.InvariantCulture) > 0.9) continue;
            var predicted = first[(first.IndexOf("predicted ", StringComparison.Ordinal) + 10)..][0];
            var row = outcome.OutLines.Single(l => l.StartsWith(predicted + "  ", StringComparison.Ordinal));
            // Width 60: the label, two spaces, the bar, a space, the value.
            Assert.Equal($"{predicted}  {new string('█', 60 - 3 - 1 - confidence.Length)} {confidence}", row.TrimEnd());
            return;
        }
        Assert.Fail("no test image among the first 50 was predicted with probability 0.9 or less");
    }

    private static bool Close(SKColor a, SKColor b) =>
        Math.Abs(a.Red - b.Red) <= 8 && Math.Abs(a.Green - b.Green) <= 8 && Math.Abs(a.Blue - b.Blue) <= 8;
}
