using System.Globalization;
using System.Text.Json;
using MnistGen.Cli.Imaging;
using MnistGen.Core.Evaluation;

namespace MnistGen.Cli.Serving;

/// <summary>A refused request: the HTTP status and one sentence for the client (sent as <c>{"error": ...}</c>).</summary>
internal sealed record ApiError(int Status, string Message);

/// <summary>What a predict request body holds, before it has been read.</summary>
internal enum BodyKind { Image, Json }

/// <summary>
/// Pure decisions about a <c>POST /api/predict</c> body: which kind it is from its content type, whether its
/// length is acceptable, and how its bytes become a 28x28 model input. The image path ends in
/// <see cref="ImagePreprocessor"/>, the same function <c>mnistgen predict</c> uses.
/// </summary>
internal static class PredictInput
{
    public const long MaxBodyBytes = 1024 * 1024;
    /// <summary>A drawing or a photo of a digit needs far fewer; more is refused from the header, before decoding.</summary>
    public const int MaxImageSide = 4096;
    public const int Pixels = ImagePreprocessor.Size * ImagePreprocessor.Size;

    private const string Accepted = "send image/png or image/jpeg (the picture), or application/json ({\"pixels\": [784 values in 0..1, row-major 28x28, 0 = black]})";

    public static ApiError? Kind(string? contentType, out BodyKind kind)
    {
        kind = BodyKind.Image;
        if (string.IsNullOrWhiteSpace(contentType))
            return new ApiError(415, "The request has no Content-Type: " + Accepted + ".");
        var media = contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        switch (media)
        {
            case "image/png" or "image/jpeg" or "image/jpg":
                kind = BodyKind.Image;
                return null;
            case "application/json":
                kind = BodyKind.Json;
                return null;
            default:
                return new ApiError(415, $"Content-Type '{media}' is not accepted: {Accepted}.");
        }
    }

    /// <summary>Checked before the body is read: a declared length over the limit is refused at once.</summary>
    public static ApiError? Length(long? contentLength) =>
        contentLength > MaxBodyBytes ? TooLarge(contentLength.Value) : null;

    public static ApiError TooLarge(long? bytes) => new(413, bytes is { } n
        ? string.Create(CultureInfo.InvariantCulture, $"The body is {n} bytes; at most {MaxBodyBytes} (1 MB) are accepted.")
        : string.Create(CultureInfo.InvariantCulture, $"The body is over {MaxBodyBytes} bytes (1 MB), the most accepted."));

    /// <summary>The body as the model's input: decoded, grayscale, fitted and normalised like MNIST.</summary>
    public static ApiError? ToModelInput(BodyKind kind, byte[] body, double mean, double std, out PreprocessedImage image)
    {
        image = null!;
        if (body.Length == 0)
            return new ApiError(400, "The request body is empty: " + Accepted + ".");
        if (kind == BodyKind.Json)
        {
            var error = ParsePixels(body, out var pixels);
            if (error is not null) return error;
            return Preprocess(ImagePreprocessor.FromGrayscale(pixels, ImagePreprocessor.Size, ImagePreprocessor.Size, mean, std, source: "pixels"), out image);
        }
        var decoded = ImageFiles.Decode(body, "the image", MaxImageSide);
        if (!decoded.IsOk) return new ApiError(400, decoded.Errors[0].Message);
        var gray = decoded.Value;
        if (gray.Format is not ("PNG" or "JPEG"))
            return new ApiError(415, $"The body is a {gray.Format} image; only PNG and JPEG are accepted.");
        return Preprocess(ImagePreprocessor.FromGrayscale(gray.Pixels, gray.Width, gray.Height, mean, std, source: "the image"), out image);
    }

    private static ApiError? Preprocess(Core.Functional.Result<PreprocessedImage> result, out PreprocessedImage image)
    {
        image = result.IsOk ? result.Value : null!;
        return result.IsOk ? null : new ApiError(400, result.Errors[0].Message);
    }

    /// <summary><c>{"pixels": [784 numbers in 0..1]}</c>; every element is checked and the first bad one named.</summary>
    public static ApiError? ParsePixels(byte[] body, out float[] pixels)
    {
        pixels = [];
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return new ApiError(400, "The body is not valid JSON (" + e.Message.Split('.')[0] + "): " + Accepted + ".");
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty("pixels", out var array))
                return new ApiError(400, "The JSON has no \"pixels\" array: " + Accepted + ".");
            if (array.ValueKind != JsonValueKind.Array)
                return new ApiError(400, $"\"pixels\" is a JSON {array.ValueKind.ToString().ToLowerInvariant()}, not an array of {Pixels} numbers.");
            var count = array.GetArrayLength();
            if (count != Pixels)
                return new ApiError(400, string.Create(CultureInfo.InvariantCulture,
                    $"\"pixels\" has {count} values; a 28x28 image has exactly {Pixels}."));
            var values = new float[Pixels];
            var i = 0;
            foreach (var element in array.EnumerateArray())
            {
                var bad = Pixel(element, i, out values[i]);
                if (bad is not null) return bad;
                i++;
            }
            pixels = values;
            return null;
        }
    }

    private static ApiError? Pixel(JsonElement element, int index, out float value)
    {
        value = 0;
        var where = string.Create(CultureInfo.InvariantCulture, $"pixels[{index}]");
        if (element.ValueKind == JsonValueKind.String && element.GetString() is "NaN" or "Infinity" or "-Infinity")
            return new ApiError(400, $"{where} is {element.GetString()}; pixel values are numbers in 0..1.");
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var number))
            return new ApiError(400, $"{where} is {element.GetRawText()}, not a number in 0..1.");
        if (!double.IsFinite(number) || number < 0 || number > 1)
            return new ApiError(400, $"{where} is {number.ToString("R", CultureInfo.InvariantCulture)}, outside 0..1.");
        value = (float)number;
        return null;
    }
}
