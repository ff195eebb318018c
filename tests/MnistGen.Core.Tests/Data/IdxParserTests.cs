using MnistGen.Core.Data;
using MnistGen.Core.Functional;
using static MnistGen.Core.Tests.Data.IdxBuilder;

namespace MnistGen.Core.Tests.Data;

/// <summary>The pure IDX parser: every header and length rule, on bytes built here.</summary>
public class IdxParserTests
{
    private const string Path = "some/dir/file-idx";

    [Fact]
    public void Valid_images_are_parsed_with_their_dimensions_and_pixel_offset()
    {
        var images = IdxParser.ParseImages(Path, Images(3, 4, 5)).Value;
        Assert.Equal((3, 4, 5, 16), (images.Count, images.Rows, images.Columns, images.Offset));
        Assert.Equal(60, images.Pixels.Length);
        Assert.Equal(31, images.Pixels[20]); // image 1, pixel 0
    }

    [Fact]
    public void Valid_labels_are_parsed()
    {
        var labels = IdxParser.ParseLabels(Path, Labels(0, 9, 3)).Value;
        Assert.Equal(3, labels.Count);
        Assert.Equal(new byte[] { 0, 9, 3 }, labels.Labels.ToArray());
    }

    [Theory]
    [InlineData(new byte[0], "is too short to be an IDX file (0 bytes")]
    [InlineData(new byte[] { 0, 0, 8 }, "is too short to be an IDX file (3 bytes")]
    [InlineData(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0 }, "does not start with an IDX magic number")]
    [InlineData(new byte[] { 0, 0, 0x0D, 3, 0, 0, 0, 1 }, "does not start with an IDX magic number of unsigned bytes (found 3331")]
    [InlineData(new byte[] { 0, 0, 8, 3, 0, 0, 0, 1 }, "has IDX magic 2051 (an image file, 3 dimensions) but a label file (magic 2049, 1 dimension) was expected")]
    [InlineData(new byte[] { 0, 0, 8, 2, 0, 0, 0, 1 }, "has IDX magic 2050 (2 dimensions) but a label file")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0 }, "is truncated: it ends after 6 bytes, inside its 8-byte header")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0x80, 0, 0, 0 }, "declares an impossible size 2147483648 for dimension 1")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 0 }, "declares 0 labels")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 1, 2 }, "is truncated: its header declares 3 labels (3 bytes of data) but only 2 bytes follow")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 1, 1, 2 }, "has 1 byte of trailing data after the 1 labels its header declares")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 1, 10, 2 }, "holds label 10 at index 1; labels must be 0-9")]
    [InlineData(new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 1, 255 }, "holds label 255 at index 1")]
    public void Bad_label_files_are_refused_with_the_path_and_the_problem(byte[] content, string problem)
    {
        var result = IdxParser.ParseLabels(Path, content);
        AssertOneError(result.Errors, problem);
    }

    [Fact]
    public void A_label_file_where_images_are_expected_is_named_as_such() =>
        AssertOneError(IdxParser.ParseImages(Path, Labels(1, 2)).Errors,
            "has IDX magic 2049 (a label file, 1 dimension) but an image file (magic 2051, 3 dimensions) was expected");

    [Fact]
    public void Truncated_image_data_is_refused_with_both_sizes()
    {
        var content = Images(2, 3, 3)[..^5];
        AssertOneError(IdxParser.ParseImages(Path, content).Errors,
            "is truncated: its header declares 2 images of 3x3 (18 bytes of data) but only 13 bytes follow");
    }

    [Fact]
    public void Trailing_bytes_after_the_images_are_refused()
    {
        byte[] content = [.. Images(2, 3, 3), 7, 7];
        AssertOneError(IdxParser.ParseImages(Path, content).Errors, "has 2 bytes of trailing data after the 2 images of 3x3 its header declares");
    }

    [Fact]
    public void A_header_cut_inside_the_dimensions_is_truncated()
    {
        var content = Images(2, 3, 3)[..10];
        AssertOneError(IdxParser.ParseImages(Path, content).Errors, "is truncated: it ends after 10 bytes, inside its 16-byte header");
    }

    [Theory]
    [InlineData(0, 28, 28, "declares 0 images")]
    [InlineData(5, 0, 28, "declares images of 0x28 pixels")]
    [InlineData(5, 28, -1, "declares an impossible size 4294967295 for dimension 3")]
    public void Impossible_image_dimensions_are_refused(int count, int rows, int columns, string problem) =>
        AssertOneError(IdxParser.ParseImages(Path, Header(IdxParser.ImagesMagic, count, rows, columns)).Errors, problem);

    [Fact]
    public void Huge_declared_sizes_do_not_overflow_into_a_match()
    {
        // 65536 * 65536 * 1 = 2^32, which wraps to 0 in 32-bit arithmetic.
        var content = Header(IdxParser.ImagesMagic, 65536, 65536, 1);
        AssertOneError(IdxParser.ParseImages(Path, content).Errors, "is truncated: its header declares 65536 images of 65536x1 (4294967296 bytes of data) but only 0 bytes follow");
    }

    private static void AssertOneError(System.Collections.Immutable.ImmutableArray<Error> errors, string problem)
    {
        var error = Assert.Single(errors);
        Assert.StartsWith(Path + " ", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.EndsWith(".", error.Message);
        Assert.Equal(ErrorKind.BadInput, error.Kind);
    }
}
