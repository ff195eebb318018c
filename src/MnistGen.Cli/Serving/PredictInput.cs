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

    /// <summary>
    /// <c>{"pixels": [784 numbers in 0..1]}</c>, read in one forward pass (Utf8JsonReader): a JsonDocument and a
    /// per-element check took 0.4 ms here, ten times the MLP's forward pass. A wrong count is reported before a bad
    /// element; the first bad element is named.
    /// </summary>
    public static ApiError? ParsePixels(byte[] body, out float[] pixels)
    {
        pixels = [];
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 8 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return NoPixels();
            float[]? values = null;
            ApiError? problem = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isPixels = reader.ValueTextEquals("pixels"u8);
                reader.Read();
                if (!isPixels) { reader.Skip(); continue; }
                problem = ReadArray(ref reader, out values);
            }
            while (reader.Read()) { } // the rest of the document must be valid JSON too (throws if not)
            if (problem is not null) return problem;
            if (values is null) return NoPixels();
            pixels = values;
            return null;
        }
        catch (JsonException e)
        {
            return new ApiError(400, "The body is not valid JSON (" + e.Message.Split('.')[0] + "): " + Accepted + ".");
        }
    }

    private static ApiError NoPixels() => new(400, "The JSON has no \"pixels\" array: " + Accepted + ".");

    private static ApiError? ReadArray(ref Utf8JsonReader reader, out float[]? values)
    {
        values = null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            var kind = reader.TokenType switch
            {
                JsonTokenType.StartObject => "an object", JsonTokenType.String => "a string", JsonTokenType.Number => "a number",
                JsonTokenType.Null => "null", _ => "a boolean",
            };
            reader.Skip();
            return new ApiError(400, $"\"pixels\" is {kind}, not an array of {Pixels} numbers.");
        }
        var buffer = new float[Pixels];
        var count = 0;
        ApiError? bad = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (count < Pixels && bad is null) bad = Pixel(ref reader, count, out buffer[count]);
            else reader.Skip();
            count++;
        }
        if (count != Pixels)
            return new ApiError(400, string.Create(CultureInfo.InvariantCulture, $"\"pixels\" has {count} values; a 28x28 image has exactly {Pixels}."));
        if (bad is not null) return bad;
        values = buffer;
        return null;
    }

    private static ApiError? Pixel(ref Utf8JsonReader reader, int index, out float value)
    {
        value = 0;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var number))
        {
            if (number >= 0 && number <= 1)
            {
                value = (float)number;
                return null;
            }
            return new ApiError(400, string.Create(CultureInfo.InvariantCulture, $"pixels[{index}] is {number:R}, outside 0..1."));
        }
        var where = string.Create(CultureInfo.InvariantCulture, $"pixels[{index}]");
        switch (reader.TokenType)
        {
            case JsonTokenType.String when reader.GetString() is "NaN" or "Infinity" or "-Infinity":
                return new ApiError(400, $"{where} is {reader.GetString()}; pixel values are numbers in 0..1.");
            case JsonTokenType.String:
                return new ApiError(400, $"{where} is \"{reader.GetString()}\", not a number in 0..1.");
            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                reader.Skip();
                return new ApiError(400, $"{where} is not a number in 0..1.");
            default:
                return new ApiError(400, $"{where} is {System.Text.Encoding.UTF8.GetString(reader.ValueSpan)}, not a number in 0..1.");
        }
    }
}
