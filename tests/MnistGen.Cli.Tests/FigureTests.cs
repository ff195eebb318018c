using MnistGen.Cli.Plots;
using SkiaSharp;

namespace MnistGen.Cli.Tests;

public sealed class FigureTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mnistgen-fig-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static SKBitmap Decode(string path)
    {
        Assert.True(File.Exists(path), path + " was not written");
        return SKBitmap.Decode(path) ?? throw new Xunit.Sdk.XunitException(path + " is not a PNG");
    }

    private static float[] Digit()
    {
        var pixels = new float[28 * 28];
        for (var y = 6; y < 22; y++) pixels[y * 28 + 14] = 1f; // a vertical stroke: a "1"
        return pixels;
    }

    [Fact]
    public void Loss_figure_is_written_as_png()
    {
        var path = Path.Combine(_dir, "losses.png");
        Figures.Losses(path, "mlp", [new(1, 0.5, 0.3, 0.9), new(2, 0.3, 0.25, 0.95)]);
        using var png = Decode(path);
        Assert.Equal(900, png.Width);
        Assert.Equal(540, png.Height);
    }

    [Fact]
    public void Confusion_figure_shades_the_diagonal()
    {
        var m = new int[10, 10];
        for (var i = 0; i < 10; i++) m[i, i] = 100;
        m[3, 5] = 7;
        var path = Path.Combine(_dir, "confusion.png");
        Figures.Confusion(path, "confusion", m);
        using var png = Decode(path);
        // Cell (0,0) is a full-row diagonal cell: dark blue, not white.
        var c = png.GetPixel(90 + 5, 90 + 5);
        Assert.True(c.Blue > 200 && c.Red < 120, $"diagonal cell colour {c}");
        // Cell (0,1) is empty: white.
        Assert.Equal(SKColors.White, png.GetPixel(90 + 56 + 5, 90 + 5));
    }

    [Fact]
    public void Misclassified_grid_draws_each_digit()
    {
        var path = Path.Combine(_dir, "misclassified.png");
        Figures.Misclassified(path, "worst mistakes", [new(12, Digit(), 1, 7, 0.93), new(40, Digit(), 1, 4, 0.8)]);
        using var png = Decode(path);
        // The stroke at column 14 of the first tile (112 px for 28 px => 4x) is white.
        var x = 10 + 14 * 4 + 1;
        var y = 50 + 10 * 4;
        Assert.Equal(SKColors.White, png.GetPixel(x, y));
        Assert.Equal(SKColors.Black, png.GetPixel(10 + 2, 50 + 2));
    }

    [Fact]
    public void Prediction_figure_shows_image_and_bars()
    {
        var path = Path.Combine(_dir, "prediction.png");
        var probs = new double[10];
        probs[1] = 0.9;
        probs[7] = 0.1;
        Figures.Prediction(path, "predicted 1", Digit(), probs);
        using var png = Decode(path);
        Assert.Equal(280 + 40 + 520, png.Width);
    }
}
