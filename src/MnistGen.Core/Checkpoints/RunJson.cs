using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;

namespace MnistGen.Core.Checkpoints;

/// <summary>
/// run.json: the <see cref="TrainingRun"/> record as JSON (camelCase, enums as snake_case strings, invariant numbers).
/// The data set and the optimizer are written with the spec's names (<c>fashion-mnist</c>, <c>adamw</c>); records
/// written before that (<c>fashion_mnist</c>, <c>adam_w</c>) still read.
/// </summary>
internal static class RunJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        // A diverged run has NaN losses; keep them readable rather than failing to save.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // The specific converters come first: System.Text.Json uses the first that can convert a type.
        Converters =
        {
            new WireNameConverter<DatasetKind>("data set", WireNames.Of, WireNames.TryParse),
            new WireNameConverter<OptimizerKind>("optimizer", WireNames.Of, WireNames.TryParse),
            new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false),
        },
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        // Compile-time metadata instead of reflection: building the reflection metadata for the run record (and
        // JIT-compiling what that needs) took 0.2 s before a training run's first step (issue 15).
        TypeInfoResolver = RunJsonContext.Default,
    };

    public static string Serialize(TrainingRun run) => JsonSerializer.Serialize(run, Options);

    /// <summary>Parses and checks a run record; <paramref name="path"/> is only used to name the file in errors.</summary>
    public static Result<TrainingRun> Parse(string json, string path)
    {
        TrainingRun? run;
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object ||
                !document.RootElement.TryGetProperty("format", out var format) ||
                format.ValueKind != JsonValueKind.String ||
                !(format.GetString() ?? "").StartsWith("mnistgen-run/", StringComparison.Ordinal))
                return new Error($"{path} is not a MnistGen run record (it has no \"format\": \"{TrainingRun.CurrentFormat}\").", Code: ErrorCode.RunInvalid);
            if (format.GetString() != TrainingRun.CurrentFormat)
                return new Error($"{path} is a run record of format '{format.GetString()}', which this version of MnistGen cannot read (it reads {TrainingRun.CurrentFormat}).", Code: ErrorCode.RunInvalid);
            run = document.Deserialize<TrainingRun>(Options);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? string.Create(CultureInfo.InvariantCulture, $" at line {line + 1}") : "";
            return new Error($"{path} is not a valid run record{where} (truncated or damaged?): {FirstSentence(e.Message)}", Code: ErrorCode.RunInvalid);
        }
        if (run is null) return new Error($"{path} is not a MnistGen run record (it is empty).", Code: ErrorCode.RunInvalid);
        return Check(run, path);
    }

    /// <summary>The consistency a resumable run needs: epochs 1..k in order and a checkpoint for epoch k.</summary>
    private static Result<TrainingRun> Check(TrainingRun run, string path)
    {
        var errors = new List<Error>();
        for (var i = 0; i < run.History.Length; i++)
            if (run.History[i] is null || run.History[i].Epoch != i + 1)
                errors.Add(new Error(string.Create(CultureInfo.InvariantCulture, $"{path} is damaged: its history entry {i + 1} is not epoch {i + 1}."), Code: ErrorCode.RunInvalid));
        var completed = run.History.Length;
        if (completed > 0 && (run.Checkpoint is null || run.Checkpoint.Epoch != completed))
            errors.Add(new Error(string.Create(CultureInfo.InvariantCulture, $"{path} is damaged: it records {completed} epochs but no checkpoint of epoch {completed}."), Code: ErrorCode.RunInvalid));
        if (run.Config.Epochs < completed)
            errors.Add(new Error(string.Create(CultureInfo.InvariantCulture, $"{path} is damaged: it records {completed} epochs of a {run.Config.Epochs}-epoch run."), Code: ErrorCode.RunInvalid));
        return errors.Count == 0 ? run : Result<TrainingRun>.Fail(errors);
    }

    private static string FirstSentence(string message)
    {
        var text = message.Split('\n')[0].Trim();
        var cut = text.IndexOf(". ", StringComparison.Ordinal);
        return (cut > 0 ? text[..(cut + 1)] : text).TrimEnd('.') + ".";
    }

    internal delegate bool TryParse<T>(string? name, out T value);

    /// <summary>An enum as its wire name (<see cref="WireNames"/>); an unknown name is a JsonException, so a clear error.</summary>
    private sealed class WireNameConverter<T>(string what, Func<T, string> write, TryParse<T> read) : JsonConverter<T> where T : struct, Enum
    {
        private readonly string _known = string.Join(", ", Enum.GetValues<T>().Select(write));

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String) throw new JsonException($"The {what} must be a name ({_known}).");
            var name = reader.GetString();
            return read(name, out var value) ? value : throw new JsonException($"'{name}' is not a {what} this version knows ({_known}).");
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(write(value));
    }

    internal static byte[] Utf8(TrainingRun run) => Encoding.UTF8.GetBytes(Serialize(run) + "\n");
}

/// <summary>The run record's serialization metadata, generated at build time; <see cref="RunJson.Options"/> adds the converters.</summary>
[JsonSerializable(typeof(TrainingRun))]
internal sealed partial class RunJsonContext : JsonSerializerContext;
