using System.Collections.Generic;
using System.Linq;
using System.Text;
using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;

namespace MnistGen.Generators.Language;

/// <summary>The key table -> specs/README.md, the spec language reference. A test checks the file is current.</summary>
internal static class ReferenceWriter
{
    public const string FileName = "README.md";

    public static string Write()
    {
        var b = new StringBuilder();
        void L(string line = "") => b.Append(line).Append('\n');

        L("# The spec language");
        L();
        L("<!-- Generated from the key table (generators/MnistGen.Generators/Language/SpecLanguage.cs). Do not edit:");
        L("     MNISTGEN_REGENERATE=1 dotnet test tests/MnistGen.Generators.Tests --filter GeneratedFilesTests -->");
        L();
        L("One file in `specs/` is one architecture: `dotnet build` compiles `specs/<id>.yaml` into the TorchSharp module");
        L("`MnistGen.Models.<name>` and lists it in `MnistGen.Models.Architectures.All`. The CLI names it by its id (the file");
        L("stem, e.g. `cnn-5x5`) or its class name, ignoring case. Shapes are inferred from `input`: a spec never states");
        L("`in_features` or `in_channels`. Every mistake is a build error at `specs/<file>.yaml(line,col)`.");
        L();
        L("Start a spec with `# yaml-language-server: $schema=./mnistgen-spec.schema.json` and editors with the YAML");
        L("extension complete and check it while you type (the schema is generated from the same table as this page).");
        L();
        L("```yaml");
        L("name: Cnn5x5");
        L("description: Two 5x5 convolutions, max-pooling, dropout 0.5");
        L("input: [1, 28, 28]");
        L("layers:");
        L("  - conv2d: { name: conv1, out: 32, kernel: 5 }");
        L("  - relu");
        L("  - max_pool2d: 2");
        L("  - flatten");
        L("  - linear: { name: fc1, out: 256 }");
        L("  - dropout: 0.5");
        L("  - linear: 10");
        L("  - log_softmax");
        L("training:");
        L("  loss: cross_entropy");
        L("  optimizer: { adam: { lr: 0.0001 } }");
        L("  batch_size: 100");
        L("  epochs: 15");
        L("expected:");
        L("  accuracy: 0.992");
        L("```");
        L();
        L("Layers, losses, optimizers and schedules are written `kind` (all parameters default), `kind: value` (the");
        L("parameter marked *shorthand*) or `kind: { key: value, ... }`.");
        L();
        Object(L, SpecLanguage.Root, "Top level");
        Object(L, SpecLanguage.Training, "`training`");
        Object(L, SpecLanguage.Augment, "`training.augment`");
        Object(L, SpecLanguage.Expected, "`expected`");
        L("## Datasets");
        L();
        foreach (var value in SpecLanguage.Dataset.Values) L($"- `{value.Name}`: {value.Doc}");
        L();
        Union(L, SpecLanguage.Layer, "Layers");
        L("Parameterised layers (conv2d, linear, batch_norm) become private fields of the generated class, registered as");
        L("submodules, so a layer's name is its state_dict prefix. Activations, pooling, dropout and flatten are applied");
        L("with TorchSharp's functional operations in `forward`; dropout follows the module's `train()` / `eval()` mode.");
        L();
        L("Every layer kind exports to every format of `mnistgen export`: `pytorch` and `safetensors` carry the weights");
        L("under their state_dict names; `onnx` writes the whole network (opset 13), each kind as its descriptor's `Onnx`");
        L("member says. At inference, so dropout and dropout2d become Identity and batch_norm uses its running statistics;");
        L("gelu is written exactly, as 0.5 * x * (1 + Erf(x / sqrt 2)).");
        L();
        Union(L, SpecLanguage.Loss, "Losses (`training.loss`)");
        Union(L, SpecLanguage.Optimizer, "Optimizers (`training.optimizer`)");
        Union(L, SpecLanguage.Schedule, "Schedules (`training.schedule`)");
        L("## Diagnostics");
        L();
        L("| Id | Problem | Message |");
        L("| --- | --- | --- |");
        foreach (var d in SpecDiagnostics.All)
        {
            L($"| {d.Id} | {d.Title} | {Cell(d.MessageFormat.ToString(System.Globalization.CultureInfo.InvariantCulture))} |");
        }
        L();
        L("## Regenerating this page and the schema");
        L();
        L("Both are written from the key table; after changing it run");
        L("`MNISTGEN_REGENERATE=1 dotnet test tests/MnistGen.Generators.Tests --filter GeneratedFilesTests`.");
        L("Without the variable that test fails when a committed file differs from what the table generates.");
        return b.ToString();
    }

    private static void Object(System.Action<string> line, ObjectType type, string title)
    {
        line($"## {title}");
        line("");
        line(type.Doc);
        line("");
        Fields(line, type.Fields, shorthand: null);
    }

    private static void Union(System.Action<string> line, UnionType union, string title)
    {
        line($"## {title}");
        line("");
        line("| Kind | Parameters | Description |");
        line("| --- | --- | --- |");
        foreach (var variant in union.Variants)
        {
            var parameters = variant.Fields.Count == 0
                ? "none"
                : string.Join("; ", variant.Fields.Select(f =>
                    $"`{f.Key}`{(f.Key == variant.Shorthand ? " (shorthand)" : "")}: {TypeText(f.Type)}, {Requirement(f)}"));
            line($"| `{variant.Name}` | {Cell(parameters)} | {Cell(variant.Doc)} |");
        }
        line("");
        foreach (var common in union.Common) line($"Every {union.What} also takes `{common.Key}` ({Requirement(common)}): {common.Doc}");
        if (union.Common.Count > 0) line("");
    }

    private static void Fields(System.Action<string> line, IEnumerable<Field> fields, string? shorthand)
    {
        line("| Key | Type | Required / default | Description |");
        line("| --- | --- | --- | --- |");
        foreach (var f in fields) line($"| `{f.Key}` | {Cell(TypeText(f.Type))} | {Cell(Requirement(f))} | {Cell(f.Doc)} |");
        line("");
    }

    private static string Requirement(Field f) => f.Required ? "required" : "default " + (f.Default switch
    {
        null => f.DefaultText ?? "none",
        string s when s.Length == 0 => "empty",
        string s => $"`{s}`",
        bool v => v ? "`true`" : "`false`",
        double d => $"`{Invariant.Number(d)}`",
        int i => $"`{Invariant.Number(i)}`",
        double[] items => "`[" + string.Join(", ", items.Select(Invariant.Number)) + "]`",
        var other => other.ToString(),
    });

    private static string TypeText(SpecType type) => type switch
    {
        IntType t => "integer " + t.RangeText,
        NumberType t => "number " + t.RangeText,
        ListType t => t.Expected,
        UnionType t => $"{Suggestions.WithArticle(t.What)} (below)",
        ObjectType t => $"mapping (`{t.Name}`, below)",
        EnumType t => string.Join(" or ", t.Names.Select(n => $"`{n}`")),
        _ => type.Expected,
    };

    private static string Cell(string text) => text.Replace("|", "\\|");
}
