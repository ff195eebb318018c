using MnistGen.Core.Evaluation;

namespace MnistGen.Core.Tests.Training;

public class ImagePreprocessorTests
{
    private const double Mean = 0.1307, Std = 0.3081;

    private static double Raw(float normalised) => normalised * Std + Mean;

    [Fact]
    public void A_28x28_image_is_only_scaled_and_normalised()
    {
        var pixels = new byte[784];
        pixels[0] = 255; pixels[100] = 51;
        var image = ImagePreprocessor.FromGrayscale(pixels, 28, 28, Mean, Std).Value;
        Assert.False(image.Inverted);
        Assert.False(image.Fitted);
        Assert.Equal((1 - Mean) / Std, image.Pixels[0], 5);
        Assert.Equal((0.2 - Mean) / Std, image.Pixels[100], 5);
        Assert.Equal(-Mean / Std, image.Pixels[1], 5);
    }

    [Fact]
    public void A_light_background_is_inverted()
    {
        var pixels = Enumerable.Repeat((byte)255, 784).ToArray();
        pixels[14 * 28 + 14] = 0;
        var image = ImagePreprocessor.FromGrayscale(pixels, 28, 28, Mean, Std).Value;
        Assert.True(image.Inverted);
        Assert.Equal(0, Raw(image.Pixels[0]), 5);
        Assert.Equal(1, Raw(image.Pixels[14 * 28 + 14]), 5);
    }

    [Fact]
    public void Without_fitting_a_56x56_image_is_averaged_in_2x2_blocks()
    {
        var pixels = new float[56 * 56];
        for (var y = 0; y < 56; y++)
            for (var x = 0; x < 56; x++)
                pixels[y * 56 + x] = ((x + y) % 2 == 0 ? 0.2f : 0.4f) + (y / 2 == 3 && x / 2 == 5 ? 0.5f : 0f);
        var image = ImagePreprocessor.FromGrayscale(pixels, 56, 56, Mean, Std, fit: false).Value;
        Assert.Equal(0.3, Raw(image.Pixels[0]), 5);
        Assert.Equal(0.8, Raw(image.Pixels[3 * 28 + 5]), 5);
    }

    [Fact]
    public void Fitting_scales_the_ink_to_20_pixels_and_centres_it()
    {
        // A 10x40 white bar on black, off-centre in a 200x100 image.
        var (w, h) = (200, 100);
        var pixels = new byte[w * h];
        for (var y = 10; y < 50; y++)
            for (var x = 20; x < 30; x++) pixels[y * w + x] = 255;
        var image = ImagePreprocessor.FromGrayscale(pixels, w, h, Mean, Std).Value;
        Assert.True(image.Fitted);
        var ink = Enumerable.Range(0, 784).Where(i => Raw(image.Pixels[i]) > 0.5).ToList();
        var rows = ink.Select(i => i / 28).Distinct().Order().ToList();
        var cols = ink.Select(i => i % 28).Distinct().Order().ToList();
        Assert.Equal(20, rows.Count);                       // the long side becomes 20 pixels
        Assert.Equal(5, cols.Count);                        // the aspect ratio is kept
        Assert.InRange(rows.Average() + 0.5, 13.5, 14.5);  // centred (pixel centres at +0.5)
        Assert.InRange(cols.Average() + 0.5, 13.5, 14.5);
    }

    [Fact]
    public void Upscaling_is_bilinear()
    {
        float[] pixels = [0f, 1f, 0f, 1f];                 // 2x2: left column black, right white
        var resized = ImagePreprocessor.Resize(pixels, 2, 2, 4, 1);
        Assert.Equal([0f, 0.25f, 0.75f, 1f], resized);
    }

    [Theory]
    [InlineData(0, 10, 0, "is empty (0x10 pixels)")]
    [InlineData(20000, 1, 20000, "is too large")]
    [InlineData(10, 10, 99, "should have 10x10 = 100 pixels but has 99")]
    public void Bad_images_get_one_clear_sentence(int width, int height, int length, string expected)
    {
        var result = ImagePreprocessor.FromGrayscale(new byte[length], width, height, Mean, Std, source: "digit.png");
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("digit.png ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Float_pixels_must_be_in_0_1() =>
        Assert.Contains("outside [0, 1]", ImagePreprocessor.FromGrayscale(new float[] { 2f }, 1, 1, Mean, Std).Errors[0].Message);
}
