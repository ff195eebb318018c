using System.Linq;

namespace MnistGen.Generators.Language;

/// <summary>
/// The key table -> a JSON Schema (draft-07) for specs, so editors (VS Code's YAML extension, Rider)
/// complete keys and flag mistakes while typing. Committed as specs/mnistgen-spec.schema.json; a test
/// checks the file is current.
/// </summary>
internal static class SchemaWriter
{
    public const string FileName = "mnistgen-spec.schema.json";

    public static string Write()
    {
        var root = SpecLanguage.Root;
        var schema = Json.Object(
            ("$schema", "http://json-schema.org/draft-07/schema#"),
            ("$comment", "Generated from the key table in generators/MnistGen.Generators/Language/SpecLanguage.cs; see specs/README.md to regenerate."),
            ("title", "MnistGen architecture spec"),
            ("description", root.Doc),
            ("type", "object"),
            ("additionalProperties", false),
            ("required", Json.From(root.Fields.Where(f => f.Required).Select(f => f.Key))),
            ("properties", Properties(root)));
        return schema.ToString();
    }

    private static Json Properties(ObjectType type) =>
        Json.Object(type.Fields.Select(f => (f.Key, (Json?)Field(f))).ToArray());

    private static Json Field(Field field) => Type(field.Type, field.Doc + DefaultNote(field), field.Default);

    private static string DefaultNote(Field field) => field.DefaultText is { } text && field.Default is null ? $" Default: {text}." : "";

    private static Json Type(SpecType type, string? description, object? @default = null)
    {
        var d = description is null ? null : (Json)description;
        var def = @default is null ? null : Json.From(@default);
        return type switch
        {
            IntType t => Json.Object(("description", d), ("type", "integer"), ("minimum", t.Min),
                ("maximum", t.Max >= int.MaxValue ? null : (Json)t.Max), ("default", def)),
            NumberType t => Json.Object(("description", d), ("type", "number"),
                (t.MinExclusive ? "exclusiveMinimum" : "minimum", t.Min),
                (t.MaxExclusive ? "exclusiveMaximum" : "maximum", t.Unbounded ? null : (Json)t.Max), ("default", def)),
            BoolType => Json.Object(("description", d), ("type", "boolean"), ("default", def)),
            TextType => Json.Object(("description", d), ("type", "string"), ("default", def)),
            IdentifierType t => Json.Object(("description", d), ("type", "string"),
                ("pattern", t.What == "class" ? "^[A-Z][A-Za-z0-9_]*$" : "^[A-Za-z_][A-Za-z0-9_]*$"), ("default", def)),
            EnumType t => Json.Object(("description", d), ("enum", Json.From(t.Names)), ("default", def)),
            ListType t => Json.Object(("description", d), ("type", "array"), ("items", Type(t.Item, null)),
                ("minItems", (long)t.MinCount), ("maxItems", (long)t.MaxCount), ("default", def)),
            ObjectType t => Json.Object(("description", d), ("type", "object"), ("additionalProperties", false),
                ("required", t.Fields.Any(f => f.Required) ? Json.From(t.Fields.Where(f => f.Required).Select(f => f.Key)) : null),
                ("properties", Properties(t)), ("default", def)),
            UnionType t => Union(t, d, def),
            _ => throw new System.InvalidOperationException($"No schema for {type.GetType().Name}."),
        };
    }

    /// <summary>'kind' alone (when nothing is required), or a one-key mapping 'kind: {params}' / 'kind: shorthand'.</summary>
    private static Json Union(UnionType union, Json? description, Json? @default)
    {
        var bare = union.Variants.Where(v => v.CanBeBare).Select(v => v.Name).ToList();
        var forms = Enumerable.Empty<Json>();
        if (bare.Count > 0)
        {
            forms = forms.Append(Json.Object(("description", $"A {union.What} with default parameters."), ("enum", Json.From(bare))));
        }
        forms = forms.Concat(union.Variants.Select(v =>
        {
            var parameters = union.ParametersOf(v);
            var mapping = Type(parameters, null);
            var alternatives = new[] { mapping }.AsEnumerable();
            if (v.Shorthand is { } shorthand) alternatives = alternatives.Append(Type(parameters.Find(shorthand)!.Type, $"Shorthand for {{ {shorthand}: value }}."));
            if (v.CanBeBare) alternatives = alternatives.Append(Json.Object(("type", "null")));
            var valueSchema = alternatives.Count() == 1 ? mapping : Json.Object(("anyOf", Json.Array(alternatives)));
            return Json.Object(
                ("description", v.Doc),
                ("type", "object"),
                ("additionalProperties", false),
                ("required", Json.From(new[] { v.Name })),
                ("properties", Json.Object((v.Name, valueSchema))));
        }));
        return Json.Object(("description", description), ("oneOf", Json.Array(forms)), ("default", @default));
    }
}
