using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MnistGen.Core.Evaluation;

namespace MnistGen.Cli.Serving;

/// <summary>The answer to a prediction.</summary>
/// <param name="Milliseconds">Server time from the read body to the probabilities: decoding, preprocessing, waiting for a free replica, the forward pass.</param>
/// <param name="Input">
/// With <c>?input=true</c>: the 28x28 image the model saw, row-major, 0 (black) to 1 (white). Opt-in, because
/// writing 784 numbers costs more than the MLP's forward pass.
/// </param>
internal sealed record PredictResponse(
    string Model, float[] Probabilities, int Predicted, float Confidence, double Milliseconds, bool Inverted, bool Fitted,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] float[]? Input);

internal sealed record ModelsResponse(IReadOnlyList<ModelInfo> Models);

internal sealed record HealthResponse(string Status, int Models);

internal sealed record ErrorResponse(string Error);

/// <summary>
/// The <c>mnistgen serve</c> web app: one static page, <c>GET /api/models</c>, <c>POST /api/predict</c> and
/// <c>GET /healthz</c>, on Kestrel at the given address. Every refusal is JSON <c>{"error": "..."}</c> with a 4xx status.
/// </summary>
internal static class ServeApp
{
    public static WebApplication Build(IReadOnlyList<ServedModel> models, IPAddress host, int port)
    {
        if (models.Count == 0) throw new ArgumentException("Serve at least one model.", nameof(models));
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Backstop for bodies without a Content-Length: Kestrel stops reading past the limit.
            kestrel.Limits.MaxRequestBodySize = PredictInput.MaxBodyBytes;
            kestrel.Listen(host, port);
        });
        builder.Services.ConfigureHttpJsonOptions(json =>
            json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase);

        var app = builder.Build();
        var byId = models.ToDictionary(m => m.Info.Id, StringComparer.Ordinal);
        var page = ReadPage();

        // Empty 404/405 answers (unknown path, wrong method) become JSON like every other refusal.
        app.UseStatusCodePages(async context =>
        {
            var http = context.HttpContext;
            var message = http.Response.StatusCode switch
            {
                404 => $"No such endpoint: {http.Request.Method} {http.Request.Path}. The API has GET /api/models, POST /api/predict and GET /healthz.",
                405 => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
                var code => $"HTTP {code}.",
            };
            await http.Response.WriteAsJsonAsync(new ErrorResponse(message));
        });

        app.MapGet("/", () => Results.Content(page, "text/html; charset=utf-8"));
        app.MapGet("/healthz", () => Results.Json(new HealthResponse("ok", models.Count)));
        app.MapGet("/api/models", () => Results.Json(new ModelsResponse([.. models.Select(m => m.Info)])));
        app.MapPost("/api/predict", (HttpContext http, CancellationToken cancellation) => Predict(http, models, byId, cancellation));
        return app;
    }

    /// <summary>The address Kestrel really listens on (port 0 becomes the port the system chose).</summary>
    public static Uri Address(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var first = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The server has not started.");
        return new Uri(first.EndsWith('/') ? first : first + "/");
    }

    private static async Task<IResult> Predict(HttpContext http, IReadOnlyList<ServedModel> models, Dictionary<string, ServedModel> byId, CancellationToken cancellation)
    {
        var requested = http.Request.Query["model"].ToString();
        ServedModel? model = requested.Length == 0 ? models[0] : byId.GetValueOrDefault(requested);
        if (model is null)
            return Refuse(new ApiError(404, $"Unknown model '{requested}'; served: {string.Join(", ", models.Select(m => m.Info.Id))}."));
        var refusal = PredictInput.Kind(http.Request.ContentType, out var kind) ?? PredictInput.Length(http.Request.ContentLength);
        if (refusal is not null) return Refuse(refusal);

        var (body, tooLarge) = await ReadBounded(http.Request.Body, cancellation);
        if (tooLarge) return Refuse(PredictInput.TooLarge(null));

        var clock = Stopwatch.StartNew();
        refusal = PredictInput.ToModelInput(kind, body, model.Mean, model.Std, out var image);
        if (refusal is not null) return Refuse(refusal);
        var prediction = await model.PredictAsync(image, cancellation);
        if (!prediction.IsOk)
            return Results.Json(new ErrorResponse(prediction.Errors[0].Message), statusCode: 500);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        var p = prediction.Value;
        var shown = http.Request.Query["input"].ToString() is "true" or "1" ? Plots.RunFigures.Denormalize(image.Pixels, model.Mean, model.Std) : null;
        return Results.Json(new PredictResponse(model.Info.Id, [.. p.Probabilities], p.Predicted, p.Confidence, elapsed, image.Inverted, image.Fitted, shown));
    }

    /// <summary>Reads at most <see cref="PredictInput.MaxBodyBytes"/>; one byte more and the rest is never read.</summary>
    private static async Task<(byte[] Body, bool TooLarge)> ReadBounded(Stream body, CancellationToken cancellation)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await body.ReadAsync(chunk, cancellation);
                if (read == 0) return (buffer.ToArray(), false);
                if (buffer.Length + read > PredictInput.MaxBodyBytes) return ([], true);
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ([], true);
        }
    }

    private static IResult Refuse(ApiError error) => Results.Json(new ErrorResponse(error.Message), statusCode: error.Status);

    private static string ReadPage()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("MnistGen.Cli.Serving.index.html")
            ?? throw new InvalidOperationException("The page MnistGen.Cli.Serving.index.html is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
