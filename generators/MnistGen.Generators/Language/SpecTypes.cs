using System.Collections.Generic;
using System.Linq;
using MnistGen.Generators.Common;

namespace MnistGen.Generators.Language;

/// <summary>
/// The vocabulary of the key table: what a value in a spec may be. The binder checks specs against it,
/// the JSON Schema and the reference docs are written from it, so the three cannot drift apart.
/// </summary>
internal abstract class SpecType
{
    /// <summary>What a value must be, for messages: "an integer", "true or false", ...</summary>
    public abstract string Expected { get; }
}

internal sealed class IntType(long min, long max) : SpecType
{
    public long Min { get; } = min;
    public long Max { get; } = max;
    public override string Expected => "an integer";
    public bool Contains(long value) => value >= Min && value <= Max;

    public string RangeText => Max == long.MaxValue || Max == int.MaxValue
        ? ">= " + Invariant.Number(Min)
        : $"in [{Invariant.Number(Min)}, {Invariant.Number(Max)}]";
}

internal sealed class NumberType(double min, bool minExclusive, double max, bool maxExclusive) : SpecType
{
    public double Min { get; } = min;
    public bool MinExclusive { get; } = minExclusive;
    public double Max { get; } = max;
    public bool MaxExclusive { get; } = maxExclusive;
    public bool Unbounded => double.IsPositiveInfinity(Max);
    public override string Expected => "a number";

    public bool Contains(double value) =>
        (MinExclusive ? value > Min : value >= Min) && (Unbounded || (MaxExclusive ? value < Max : value <= Max));

    public string RangeText => Unbounded
        ? (MinExclusive ? "> " : ">= ") + Invariant.Number(Min)
        : (MinExclusive ? "in (" : "in [") + Invariant.Number(Min) + ", " + Invariant.Number(Max) + (MaxExclusive ? ")" : "]");
}

internal sealed class BoolType : SpecType
{
    public override string Expected => "true or false";
}

/// <summary>Free text, e.g. a description.</summary>
internal sealed class TextType : SpecType
{
    public override string Expected => "text";
}

/// <summary>A name that becomes C# (a class or a field); its rules are checked by the binder.</summary>
internal sealed class IdentifierType(string what) : SpecType
{
    public string What { get; } = what;
    public override string Expected => $"{Suggestions.WithArticle(What)} name";
}

internal sealed record EnumValue(string Name, string CSharpName, string Doc);

/// <summary>One of a few names, e.g. a dataset.</summary>
internal sealed class EnumType(string what, params EnumValue[] values) : SpecType
{
    public string What { get; } = what;
    public IReadOnlyList<EnumValue> Values { get; } = values;
    public IEnumerable<string> Names => Values.Select(v => v.Name);
    public override string Expected => $"{Suggestions.WithArticle(What)} ({Suggestions.List(Names)})";
}

internal sealed class ListType(SpecType item, int minCount, int maxCount, string expected) : SpecType
{
    public SpecType Item { get; } = item;
    public int MinCount { get; } = minCount;
    public int MaxCount { get; } = maxCount;
    public override string Expected { get; } = expected;
}

/// <summary>A key of a mapping, with its type, whether it is required, its default and its documentation.</summary>
/// <param name="Default">The value used when the key is absent (int, long, double, bool, string or double[]); null: none.</param>
/// <param name="DefaultText">For docs, when the default is computed (e.g. "same as kernel").</param>
internal sealed record Field(string Key, SpecType Type, bool Required, object? Default, string Doc, string? DefaultText = null)
{
    public static Field Req(string key, SpecType type, string doc) => new(key, type, true, null, doc);

    public static Field Opt(string key, SpecType type, object? @default, string doc, string? defaultText = null) =>
        new(key, type, false, @default, doc, defaultText);
}

/// <summary>A mapping with fixed keys, e.g. <c>training</c>.</summary>
internal sealed class ObjectType(string name, string doc, params Field[] fields) : SpecType
{
    public string Name { get; } = name;
    public string Doc { get; } = doc;
    public IReadOnlyList<Field> Fields { get; } = fields;
    public Field? Find(string key) => Fields.FirstOrDefault(f => f.Key == key);
    public override string Expected => $"a mapping of {Name}'s keys ({Suggestions.List(Fields.Select(f => f.Key))})";
}

/// <summary>
/// One alternative of a union, e.g. the layer kind <c>conv2d</c> or the optimizer <c>adam</c>. Written
/// <c>kind</c> (all parameters defaulted), <c>kind: value</c> (the shorthand parameter) or <c>kind: {params}</c>.
/// </summary>
internal sealed class Variant(string name, string cSharpName, string doc, string? shorthand, params Field[] fields)
{
    public string Name { get; } = name;
    public string CSharpName { get; } = cSharpName;
    public string Doc { get; } = doc;
    public string? Shorthand { get; } = shorthand;
    public IReadOnlyList<Field> Fields { get; } = fields;
    public bool CanBeBare => Fields.All(f => !f.Required);
}

/// <summary>A choice between variants: the layers, the loss, the optimizer, the schedule.</summary>
internal sealed class UnionType(string what, bool isLayer, Variant[] variants, params Field[] common) : SpecType
{
    public string What { get; } = what;
    public bool IsLayer { get; } = isLayer;
    public IReadOnlyList<Variant> Variants { get; } = variants;

    /// <summary>Keys every variant accepts besides its own, e.g. a layer's <c>name</c>.</summary>
    public IReadOnlyList<Field> Common { get; } = common;

    public IEnumerable<string> Names => Variants.Select(v => v.Name);
    public Variant? Find(string name) => Variants.FirstOrDefault(v => v.Name == name);

    public override string Expected => $"{Suggestions.WithArticle(What)}: 'kind' or 'kind: {{ parameters }}' with kind one of {Suggestions.List(Names)}";

    /// <summary>The object type a variant's parameter mapping is checked against.</summary>
    public ObjectType ParametersOf(Variant variant) =>
        new(variant.Name, variant.Doc, variant.Fields.Concat(Common).ToArray());
}
