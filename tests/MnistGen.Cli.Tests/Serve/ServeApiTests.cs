using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MnistGen.Cli.Imaging;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Evaluation;
using SkiaSharp;

namespace MnistGen.Cli.Tests.Serve;

/// <summary>The JSON API of <c>mnistgen serve</c> over a real Kestrel on loopback.</summary>
[Collection("Serve")]
public sealed class ServeApiTests(ServeFixture server)
{
    private HttpClient Client => server.Client;

    [Fact]
    public async Task Healthz_says_ok_and_how_many_models_are_served()
    {
        using var json = await GetJson("healthz", HttpStatusCode.OK);
        Assert.Equal("ok", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("models").GetInt32());
    }

    [Fact]
    public async Task Models_lists_each_run_with_its_name_and_recorded_accuracy()
    {
        using var json = await GetJson("api/models", HttpStatusCode.OK);
        var models = json.RootElement.GetProperty("models").EnumerateArray().ToArray();
        Assert.Equal(server.RunDirectories.Length, models.Length);
        for (var i = 0; i < models.Length; i++)
        {
            var run = RunStore.ReadRun(server.RunDirectories[i]).Value;
            Assert.Equal("mlp/" + Path.GetFileName(server.RunDirectories[i]), models[i].GetProperty("id").GetString());
            Assert.Equal("Mlp", models[i].GetProperty("name").GetString());
            Assert.Equal(run.Final!.TestAccuracy, models[i].GetProperty("accuracy").GetDouble());
            Assert.Equal(1, models[i].GetProperty("epochs").GetInt32());
        }
    }

    [Theory]
    [InlineData('1', "image/png")]
    [InlineData('7', "image/png")]
    [InlineData('7', "image/jpeg")]
    public async Task A_drawn_digit_is_recognised_with_ten_probabilities_summing_to_one(char digit, string contentType)
    {
        var format = contentType == "image/png" ? SKEncodedImageFormat.Png : SKEncodedImageFormat.Jpeg;
        using var json = await Predict(TestImages.Drawn(digit, format), contentType, HttpStatusCode.OK);
        var root = json.RootElement;
        var probabilities = root.GetProperty("probabilities").EnumerateArray().Select(p => p.GetDouble()).ToArray();
        Assert.Equal(10, probabilities.Length);
        Assert.All(probabilities, p => Assert.InRange(p, 0, 1));
        Assert.Equal(1.0, probabilities.Sum(), 4);
        Assert.Equal(digit - '0', root.GetProperty("predicted").GetInt32());
        Assert.Equal(probabilities.Max(), root.GetProperty("confidence").GetDouble(), 6);
        Assert.Equal(server.ModelIds[0], root.GetProperty("model").GetString());
        Assert.True(root.GetProperty("milliseconds").GetDouble() > 0);
        Assert.True(root.GetProperty("inverted").GetBoolean(), "a dark digit on white is inverted like predict does");
        Assert.True(root.GetProperty("fitted").GetBoolean());
        Assert.False(root.TryGetProperty("input", out _), "the 28x28 input is sent only when asked for");
    }

    [Fact]
    public async Task The_server_preprocesses_exactly_like_predict_and_returns_what_the_model_saw()
    {
        var png = TestImages.Drawn('7');
        using var json = await Predict(png, "image/png", HttpStatusCode.OK, query: "input=true");
        var input = json.RootElement.GetProperty("input").EnumerateArray().Select(v => v.GetSingle()).ToArray();

        // What `mnistgen predict` computes from the same picture: the shared decoder and ImagePreprocessor.
        var gray = ImageFiles.Decode(png, "test", 4096).Value;
        var info = DatasetInfo.Mnist;
        var prepared = ImagePreprocessor.FromGrayscale(gray.Pixels, gray.Width, gray.Height, info.Mean, info.Std).Value;
        var expected = prepared.Pixels.Select(v => Math.Clamp((float)(v * info.Std + info.Mean), 0f, 1f)).ToArray();
        Assert.Equal(784, input.Length);
        for (var i = 0; i < expected.Length; i++) Assert.Equal(expected[i], input[i], 5);
        Assert.Contains(input, v => v > 0.9f);
    }

    [Fact]
    public async Task Json_with_784_pixels_of_a_real_mnist_image_is_read_as_that_image()
    {
        // Test image 0 of MNIST is a 7 (DESIGN.md); a 28x28 input is normalised but not refitted.
        var body = JsonSerializer.Serialize(new { pixels = TestImages.MnistTest(0) });
        using var json = await Predict(Encoding.UTF8.GetBytes(body), "application/json", HttpStatusCode.OK, query: "input=true");
        Assert.Equal(7, json.RootElement.GetProperty("predicted").GetInt32());
        Assert.False(json.RootElement.GetProperty("fitted").GetBoolean());
        var input = json.RootElement.GetProperty("input").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        Assert.Equal(TestImages.MnistTest(0), input, new Tolerance(1e-5f));
    }

    [Fact]
    public async Task The_model_query_picks_a_served_run()
    {
        var png = TestImages.Drawn('1');
        using var first = await Predict(png, "image/png", HttpStatusCode.OK, server.ModelIds[0]);
        using var second = await Predict(png, "image/png", HttpStatusCode.OK, server.ModelIds[1]);
        Assert.Equal(server.ModelIds[1], second.RootElement.GetProperty("model").GetString());
        // Two runs with different seeds: the same picture gets different probabilities.
        Assert.NotEqual(first.RootElement.GetProperty("probabilities").GetRawText(), second.RootElement.GetProperty("probabilities").GetRawText());
    }

    public static TheoryData<string, string?, byte[], HttpStatusCode, string> BadRequests() => new()
    {
        { "empty body", "image/png", [], HttpStatusCode.BadRequest, "empty" },
        { "not an image", "image/png", "hello, not a picture"u8.ToArray(), HttpStatusCode.BadRequest, "not a readable image" },
        { "20,000 x 20,000 declared in the PNG header", "image/png", TestImages.PngDeclaring(20_000, 20_000), HttpStatusCode.BadRequest, "20000x20000 pixels; at most 4096" },
        { "a GIF", "image/png", TestImages.Gif(), HttpStatusCode.UnsupportedMediaType, "GIF" },
        { "text/plain", "text/plain", "7"u8.ToArray(), HttpStatusCode.UnsupportedMediaType, "'text/plain' is not accepted" },
        { "no content type", null, TestImages.Drawn('1'), HttpStatusCode.UnsupportedMediaType, "no Content-Type" },
        { "783 values", "application/json", PixelsJson(783, "0"), HttpStatusCode.BadRequest, "783 values; a 28x28 image has exactly 784" },
        { "785 values", "application/json", PixelsJson(785, "0"), HttpStatusCode.BadRequest, "785 values" },
        { "NaN literal", "application/json", PixelsJson(784, "0", (100, "NaN")), HttpStatusCode.BadRequest, "not valid JSON" },
        { "NaN string", "application/json", PixelsJson(784, "0", (100, "\"NaN\"")), HttpStatusCode.BadRequest, "pixels[100] is NaN" },
        { "negative", "application/json", PixelsJson(784, "0", (5, "-0.5")), HttpStatusCode.BadRequest, "pixels[5] is -0.5, outside 0..1" },
        { "above 1", "application/json", PixelsJson(784, "0", (783, "255")), HttpStatusCode.BadRequest, "pixels[783] is 255, outside 0..1" },
        { "a string pixel", "application/json", PixelsJson(784, "0", (0, "\"white\"")), HttpStatusCode.BadRequest, "pixels[0] is \"white\"" },
        { "no pixels key", "application/json", "{\"image\": []}"u8.ToArray(), HttpStatusCode.BadRequest, "no \"pixels\" array" },
        { "broken JSON", "application/json", "{\"pixels\": [0, 0"u8.ToArray(), HttpStatusCode.BadRequest, "not valid JSON" },
        { "text after the JSON", "application/json", [.. PixelsJson(784, "0"), .. "}"u8], HttpStatusCode.BadRequest, "not valid JSON" },
        { "pixels not an array", "application/json", "{\"pixels\": \"0,0,0\"}"u8.ToArray(), HttpStatusCode.BadRequest, "\"pixels\" is a string, not an array of 784 numbers" },
        { "a nested array", "application/json", PixelsJson(784, "0", (9, "[0]")), HttpStatusCode.BadRequest, "pixels[9] is not a number" },
        { "a bare array", "application/json", Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("0", 784)) + "]"), HttpStatusCode.BadRequest, "no \"pixels\" array" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_a_json_error_with_a_4xx_status_and_the_server_keeps_serving(
        string what, string? contentType, byte[] body, HttpStatusCode status, string message)
    {
        using var content = new ByteArrayContent(body);
        if (contentType is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await Client.PostAsync("api/predict", content);
        await AssertError(response, status, message, what);
        await AssertStillServing();
    }

    [Fact]
    public async Task A_body_over_1_MB_is_refused_from_its_declared_length_before_it_is_read()
    {
        // Expect: 100-continue lets the client hear the refusal before it sends the body; the server answers
        // without ever asking for it (without the header the client may still be writing when the server closes).
        using var content = new ByteArrayContent(new byte[PredictInputLimit + 1]);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/predict") { Content = content };
        request.Headers.ExpectContinue = true;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var response = await Client.SendAsync(request);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"the refusal took {clock.Elapsed} (the client's 100-continue wait is 1 s): the server asked for the body");
        await AssertError(response, HttpStatusCode.RequestEntityTooLarge, "1048577 bytes; at most 1048576", "declared length");
        await AssertStillServing();
    }

    [Fact]
    public async Task A_chunked_body_over_1_MB_is_refused_when_the_limit_is_crossed()
    {
        // No Content-Length: the server counts while reading and stops at the limit.
        // Just over the limit, so the client has written everything by the time the refusal comes back.
        using var content = new StreamContent(new MemoryStream(new byte[PredictInputLimit + 64 * 1024]));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/predict") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await Client.SendAsync(request);
        await AssertError(response, HttpStatusCode.RequestEntityTooLarge, "over 1048576 bytes", "chunked");
        await AssertStillServing();
    }

    [Fact]
    public async Task An_unknown_model_is_404_naming_the_served_ones()
    {
        using var content = new ByteArrayContent(TestImages.Drawn('1'));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        using var response = await Client.PostAsync("api/predict?model=cnn-9x9/nope", content);
        await AssertError(response, HttpStatusCode.NotFound, "Unknown model 'cnn-9x9/nope'; served: " + server.ModelIds[0], "unknown model");
        await AssertStillServing();
    }

    [Theory]
    [InlineData("GET", "api/predict", HttpStatusCode.MethodNotAllowed, "GET is not allowed on /api/predict")]
    [InlineData("GET", "api/nothing", HttpStatusCode.NotFound, "No such endpoint: GET /api/nothing")]
    [InlineData("DELETE", "api/models", HttpStatusCode.MethodNotAllowed, "DELETE is not allowed")]
    public async Task Wrong_paths_and_methods_are_json_errors_too(string method, string path, HttpStatusCode status, string message)
    {
        using var response = await Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        await AssertError(response, status, message, path);
    }

    [Fact]
    public async Task Concurrent_requests_on_both_models_get_exactly_the_answers_of_sequential_ones()
    {
        // The replicas must not share state: 8 clients x 40 requests, alternating models and pictures,
        // each answer compared with the one the same request got alone.
        var cases = new[] { ('1', 0), ('7', 0), ('1', 1), ('7', 1) };
        var expected = new Dictionary<(char, int), string>();
        foreach (var (digit, model) in cases)
        {
            using var json = await Predict(TestImages.Drawn(digit), "image/png", HttpStatusCode.OK, server.ModelIds[model]);
            expected[(digit, model)] = json.RootElement.GetProperty("probabilities").GetRawText();
        }
        var bodies = cases.ToDictionary(c => c, c => TestImages.Drawn(c.Item1));
        var clients = Enumerable.Range(0, 8).Select(async client =>
        {
            for (var i = 0; i < 40; i++)
            {
                var c = cases[(client + i) % cases.Length];
                using var json = await Predict(bodies[c], "image/png", HttpStatusCode.OK, server.ModelIds[c.Item2]);
                Assert.Equal(expected[c], json.RootElement.GetProperty("probabilities").GetRawText());
            }
        });
        await Task.WhenAll(clients);
    }

    [Fact]
    public async Task The_page_is_one_self_contained_html_document()
    {
        using var response = await Client.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<canvas id=\"pad\"", html);
        // No build step, no CDN: nothing is loaded from another origin.
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", "", StringComparison.Ordinal));
        Assert.DoesNotContain("https://", html);
        Assert.DoesNotContain("<script src", html);
        Assert.DoesNotContain("<link", html);
    }

    private const int PredictInputLimit = 1024 * 1024;

    private static byte[] PixelsJson(int count, string value, params (int Index, string Value)[] overrides)
    {
        var values = Enumerable.Repeat(value, count).ToArray();
        foreach (var (index, v) in overrides) values[index] = v;
        return Encoding.UTF8.GetBytes("{\"pixels\": [" + string.Join(", ", values) + "]}");
    }

    private async Task<JsonDocument> GetJson(string path, HttpStatusCode status)
    {
        using var response = await Client.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private async Task<JsonDocument> Predict(byte[] body, string contentType, HttpStatusCode status, string? model = null, string? query = null)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var parts = new[] { model is null ? null : "model=" + Uri.EscapeDataString(model), query }.Where(p => p is not null);
        var path = "api/predict" + (parts.Any() ? "?" + string.Join("&", parts) : "");
        using var response = await Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text);
    }

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string message, string what)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{what}: expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(text);
        var error = json.RootElement.GetProperty("error").GetString()!;
        Assert.Contains(message, error);
        Assert.DoesNotContain("Exception", error);
    }

    private async Task AssertStillServing()
    {
        using var json = await Predict(TestImages.Drawn('1'), "image/png", HttpStatusCode.OK);
        Assert.Equal(1, json.RootElement.GetProperty("predicted").GetInt32());
    }

    private sealed class Tolerance(float epsilon) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= epsilon;
        public int GetHashCode(float obj) => 0;
    }
}
