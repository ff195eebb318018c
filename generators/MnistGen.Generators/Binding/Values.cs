using System.Collections.Generic;
using MnistGen.Generators.Common;
using MnistGen.Generators.Language;

namespace MnistGen.Generators.Binding;

/// <summary>
/// A spec value after checking against the key table: typed, in range, defaults applied. Lives only inside
/// the bind step (never a pipeline output), so plain classes suffice.
/// </summary>
internal abstract class Value(SourceSpan span)
{
    public SourceSpan Span { get; } = span;
}

internal sealed class IntValue(long value, SourceSpan span) : Value(span)
{
    public long Int { get; } = value;
}

internal sealed class NumberValue(double value, SourceSpan span) : Value(span)
{
    public double Number { get; } = value;
}

internal sealed class BoolValue(bool value, SourceSpan span) : Value(span)
{
    public bool Bool { get; } = value;
}

internal sealed class TextValue(string value, SourceSpan span) : Value(span)
{
    public string Text { get; } = value;
}

/// <summary>Items that failed their check are null (their error is already reported).</summary>
internal sealed class ListValue(IReadOnlyList<Value?> items, SourceSpan span) : Value(span)
{
    public IReadOnlyList<Value?> Items { get; } = items;
}

internal sealed class VariantValue(Variant variant, ObjectValue parameters, SourceSpan kindSpan, SourceSpan span) : Value(span)
{
    public Variant Variant { get; } = variant;
    public string Kind => Variant.Name;
    public ObjectValue Parameters { get; } = parameters;

    /// <summary>Where the kind's name is written: the place to point at for problems with the whole layer.</summary>
    public SourceSpan KindSpan { get; } = kindSpan;
}

/// <summary>
/// A checked mapping. Absent keys read as their table default; keys whose value was wrong read as null,
/// and so does an absent required key (both already reported).
/// </summary>
internal sealed class ObjectValue(ObjectType type, IReadOnlyDictionary<string, Value?> values, SourceSpan span) : Value(span)
{
    public ObjectType Type { get; } = type;

    public bool IsSet(string key) => values.ContainsKey(key);

    public Value? Get(string key)
    {
        if (values.TryGetValue(key, out var value)) return value;
        var field = Type.Find(key) ?? throw new KeyNotFoundException($"'{key}' is not a key of {Type.Name} in the key table");
        return FromDefault(field.Type, field.Default, Span);
    }

    public SourceSpan SpanOf(string key) => values.TryGetValue(key, out var value) && value is not null ? value.Span : Span;

    public long? Int(string key) => (Get(key) as IntValue)?.Int;
    public double? Number(string key) => Get(key) switch { NumberValue n => n.Number, IntValue i => i.Int, _ => null };
    public bool? Bool(string key) => (Get(key) as BoolValue)?.Bool;
    public string? Text(string key) => (Get(key) as TextValue)?.Text;
    public ObjectValue? Object(string key) => Get(key) as ObjectValue;
    public VariantValue? Variant(string key) => Get(key) as VariantValue;
    public ListValue? List(string key) => Get(key) as ListValue;

    /// <summary>A table default as a value, located at the mapping that omitted it.</summary>
    private static Value? FromDefault(SpecType type, object? value, SourceSpan span) => (type, value) switch
    {
        (_, null) => null,
        (IntType, int i) => new IntValue(i, span),
        (NumberType, double d) => new NumberValue(d, span),
        (BoolType, bool b) => new BoolValue(b, span),
        (TextType or IdentifierType or EnumType, string s) => new TextValue(s, span),
        (UnionType union, string name) => new VariantValue(
            union.Find(name)!, new ObjectValue(union.ParametersOf(union.Find(name)!), new Dictionary<string, Value?>(), span), span, span),
        (ListType list, double[] items) => new ListValue(
            System.Array.ConvertAll(items, item => FromDefault(list.Item, item, span)), span),
        _ => throw new System.InvalidOperationException($"The key table's default {value} does not fit {type.GetType().Name}."),
    };
}
