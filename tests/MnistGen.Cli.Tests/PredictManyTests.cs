using SkiaSharp;

namespace MnistGen.Cli.Tests;

/// <summary>predict over a folder: a table of the top K classes, a CSV, bad files reported and skipped.</summary>
public sealed partial class EndToEndTests
{
    [Fact]
    public void Predict_a_folder_skips_the_bad_files_prints_the_top_k_and_writes_the_csv_exit_1()
    {
        var folder = Path.Combine(_scratch, "digits");
        Directory.CreateDirectory(folder);
        var one = Picture(Path.Combine("digits", "a-one.png"), 200, 300, SKColors.White, canvas =>
        {
            using var pen = new SKPaint { Color = SKColors.Black, StrokeWidth = 22, IsAntialias = true };
            canvas.DrawLine(100, 40, 100, 260, pen);
        });
        var zero = Picture(Path.Combine("digits", "b-zero.png"), 200, 300, SKColors.White, canvas =>
        {
            using var pen = new SKPaint { Color = SKColors.Black, StrokeWidth = 24, IsAntialias = true, Style = SKPaintStyle.Stroke };
            canvas.DrawOval(100, 150, 60, 100, pen);
        });
        var blank = Picture(Path.Combine("digits", "c-blank.png"), 64, 64, SKColors.White, _ => { });
        var broken = Path.Combine(folder, "d-broken.png");
        File.WriteAllText(broken, "not a picture");
        File.WriteAllText(Path.Combine(folder, "notes.txt"), "not an image, and not named like one: ignored");
        var csv = Path.Combine(_scratch, "out", "predictions.csv");

        var outcome = CliRunner.Run("predict", trained.RunDirectory, folder, "--top", "2", "--csv", csv, "--out", _scratch);

        Assert.Equal(1, outcome.ExitCode);
        outcome.AssertNoStackTrace();
        Assert.Equal(
            [$"error: {blank}: the image is blank (no ink after inverting its light background); give a picture of a digit, dark on light or light on dark. Skipped.",
             $"error: {broken}: not a readable image (expected PNG, JPEG, BMP, GIF or WebP). Skipped."],
            outcome.ErrLines);
        Assert.Contains(outcome.OutLines, l => l.Contains(one, StringComparison.Ordinal) && l.Contains("1 (0.", StringComparison.Ordinal));
        Assert.Contains(outcome.OutLines, l => l.Contains(zero, StringComparison.Ordinal));
        Assert.Contains("Predicted 2 of 4 images; 2 skipped (named above).", outcome.OutLines);
        Assert.Contains($"Wrote {csv} (2 rows).", outcome.OutLines);
        Assert.False(File.Exists(Path.Combine(_scratch, "prediction.png")));

        var rows = File.ReadAllLines(csv);
        Assert.Equal("file,class_1,probability_1,class_2,probability_2", rows[0]);
        Assert.Equal(3, rows.Length);
        Assert.StartsWith(one + ",1,", rows[1]);
        Assert.StartsWith(zero + ",", rows[2]);
        var fields = rows[1].Split(',');
        Assert.True(double.Parse(fields[2], System.Globalization.CultureInfo.InvariantCulture) >= double.Parse(fields[4], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Predict_a_folder_with_no_images_is_one_line_exit_2()
    {
        var folder = Path.Combine(_scratch, "nothing");
        Directory.CreateDirectory(folder);
        var outcome = CliRunner.Run("predict", trained.RunDirectory, folder);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal([$"error: {folder}: the folder has no image files (.png, .jpg, .jpeg, .bmp, .gif, .webp)."], outcome.ErrLines);
    }

    [Fact]
    public void Predict_top_beyond_the_classes_is_one_line_exit_2()
    {
        var one = Picture("one-top.png", 28, 28, SKColors.Black, canvas =>
        {
            using var pen = new SKPaint { Color = SKColors.White, StrokeWidth = 3 };
            canvas.DrawLine(14, 4, 14, 24, pen);
        });
        var outcome = CliRunner.Run("predict", trained.RunDirectory, one, one, "--top", "11");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(["error: --top 11: mlp has 10 classes; give 1 to 10."], outcome.ErrLines);
    }
}
