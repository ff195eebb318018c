using SkiaSharp;

namespace MnistGen.Cli.Tests;

/// <summary>What predict does with pictures a model cannot honestly read: blank, faint, tiny.</summary>
public sealed partial class EndToEndTests
{
    [Theory]
    [InlineData("white.png", 255, " after inverting its light background")]
    [InlineData("black.png", 0, "")]
    public void A_blank_image_is_refused_exit_2_and_no_figure_is_written(string name, byte shade, string inverted)
    {
        var path = Picture(name, 120, 90, new SKColor(shade, shade, shade), _ => { });
        var outcome = CliRunner.Run("predict", trained.RunDirectory, path, "--out", _scratch);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal([$"error: {path}: the image is blank (no ink{inverted}); give a picture of a digit, dark on light or light on dark."], outcome.ErrLines);
        Assert.Empty(outcome.Out);
        Assert.False(File.Exists(Path.Combine(_scratch, "prediction.png")));
    }

    [Fact]
    public void A_faint_digit_is_predicted_with_a_warning()
    {
        var path = Picture("faint.png", 200, 300, SKColors.White, canvas =>
        {
            using var pen = new SKPaint { Color = new SKColor(200, 200, 200), StrokeWidth = 22 };
            canvas.DrawLine(100, 40, 100, 260, pen);
        });
        var outcome = CliRunner.Run("predict", trained.RunDirectory, path, "--out", _scratch);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal([$"warning: {path}: the ink is faint (contrast 0.22 of 1); the prediction may be unreliable."], outcome.ErrLines);
        Assert.Contains(": predicted ", outcome.Out);
    }

    [Fact]
    public void A_tiny_digit_is_predicted_with_a_warning()
    {
        var path = Picture("tiny.png", 200, 200, SKColors.White, canvas =>
        {
            using var fill = new SKPaint { Color = SKColors.Black };
            canvas.DrawRect(98, 97, 3, 5, fill);
        });
        var outcome = CliRunner.Run("predict", trained.RunDirectory, path, "--out", _scratch);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Equal([$"warning: {path}: the digit is tiny (3x5 pixels of 200x200); the prediction may be unreliable."], outcome.ErrLines);
    }

    private string Picture(string name, int width, int height, SKColor background, Action<SKCanvas> draw)
    {
        var path = Path.Combine(_scratch, name);
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(background);
        draw(surface.Canvas);
        using var png = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, png.ToArray());
        return path;
    }
}
