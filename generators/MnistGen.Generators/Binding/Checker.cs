using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;
using MnistGen.Generators.Language;
using MnistGen.Generators.Parsing;

namespace MnistGen.Generators.Binding;

/// <summary>
/// Checks a YAML tree against the key table: unknown and duplicate keys, missing required keys, types,
/// ranges and union forms. Every problem is collected; a wrong value becomes null so that nothing built
/// on it reports a second, derived error.
/// </summary>
internal sealed class Checker(List<SpecDiagnostic> diagnostics)
{
    // YAML 1.2 core schema, plain scalars only.
    private static readonly Regex IntPattern = new(@"^[-+]?[0-9]+$", RegexOptions.CultureInvariant);
    private static readonly Regex FloatPattern = new(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$", RegexOptions.CultureInvariant);

    public Value? Check(YamlNode node, SpecType type, string label) => type switch
    {
        IntType t => CheckInt(node, t, label),
        NumberType t => CheckNumber(node, t, label),
        BoolType => CheckBool(node, label),
        TextType => CheckText(node, label, allowNull: true),
        IdentifierType => CheckText(node, label, allowNull: false),
        EnumType t => CheckEnum(node, t, label),
        ListType t => CheckList(node, t, label),
        ObjectType t => CheckObject(node, t, label),
        UnionType t => CheckUnion(node, t, label),
        _ => throw new System.InvalidOperationException($"No check for {type.GetType().Name}."),
    };

    private Value? CheckInt(YamlNode node, IntType type, string label)
    {
        if (node is not YamlScalar { IsPlain: true } scalar || !IntPattern.IsMatch(scalar.Value))
        {
            return WrongType(node, label, type.Expected);
        }
        if (!long.TryParse(scalar.Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || !type.Contains(value))
        {
            return OutOfRange(node, label, scalar.Value, type.RangeText);
        }
        return new IntValue(value, node.Span);
    }

    private Value? CheckNumber(YamlNode node, NumberType type, string label)
    {
        if (node is not YamlScalar { IsPlain: true } scalar || !FloatPattern.IsMatch(scalar.Value))
        {
            return WrongType(node, label, type.Expected);
        }
        var value = double.Parse(scalar.Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(value) || !type.Contains(value)) return OutOfRange(node, label, scalar.Value, type.RangeText);
        return new NumberValue(value, node.Span);
    }

    private Value? CheckBool(YamlNode node, string label)
    {
        if (node is YamlScalar { IsPlain: true } scalar)
        {
            if (scalar.Value is "true" or "True" or "TRUE") return new BoolValue(true, node.Span);
            if (scalar.Value is "false" or "False" or "FALSE") return new BoolValue(false, node.Span);
        }
        return WrongType(node, label, "true or false");
    }

    private Value? CheckText(YamlNode node, string label, bool allowNull)
    {
        if (node is YamlScalar scalar)
        {
            if (!scalar.IsNull) return new TextValue(scalar.Value, node.Span);
            if (allowNull) return new TextValue("", node.Span);
        }
        return WrongType(node, label, "text");
    }

    private Value? CheckEnum(YamlNode node, EnumType type, string label)
    {
        if (node is not YamlScalar { IsNull: false } scalar) return WrongType(node, label, type.Expected);
        if (type.Names.Contains(scalar.Value)) return new TextValue(scalar.Value, node.Span);
        Report(SpecDiagnostics.UnknownValue, node.Span, type.What, scalar.Value,
            Suggestions.DidYouMean(scalar.Value, type.Names), Suggestions.List(type.Names));
        return null;
    }

    private Value? CheckList(YamlNode node, ListType type, string label)
    {
        if (node is not YamlSequence sequence) return WrongType(node, label, type.Expected);
        if (sequence.Items.Count < type.MinCount || sequence.Items.Count > type.MaxCount)
        {
            return WrongType(node, label, type.Expected);
        }
        var items = sequence.Items.Select((item, i) => Check(item, type.Item, $"{label}[{Invariant.Number(i)}]")).ToList();
        return new ListValue(items, node.Span);
    }

    private Value? CheckObject(YamlNode node, ObjectType type, string label)
    {
        // "key:" with nothing after it is an empty mapping: report its missing keys, not a type error.
        if (node is YamlScalar { IsNull: true }) return Fields(new YamlMapping(EquatableArray<YamlEntry>.Empty, node.Span), type);
        if (node is not YamlMapping mapping) return WrongType(node, label, type.Expected);
        return Fields(mapping, type);
    }

    /// <summary>The keys of a mapping against an object type: unknown, duplicate, missing and each value.</summary>
    private ObjectValue Fields(YamlMapping mapping, ObjectType type)
    {
        var values = new Dictionary<string, Value?>();
        var seen = new Dictionary<string, SourceSpan>();
        var suggested = new HashSet<string>();
        foreach (var entry in mapping.Entries)
        {
            if (entry.Key is not YamlScalar { IsNull: false } keyScalar)
            {
                WrongType(entry.Key, "a key", "a plain name");
                continue;
            }
            var key = keyScalar.Value;
            if (seen.TryGetValue(key, out var first))
            {
                Report(SpecDiagnostics.DuplicateKey, entry.Key.Span, key, type.Name, Invariant.Number(first.StartLine));
                continue;
            }
            seen[key] = entry.Key.Span;
            var field = type.Find(key);
            if (field is null)
            {
                var valid = type.Fields.Select(f => f.Key).ToList();
                if (Suggestions.Closest(key, valid) is { } suggestion) suggested.Add(suggestion);
                Report(SpecDiagnostics.UnknownKey, entry.Key.Span, key, type.Name, Suggestions.DidYouMean(key, valid), Suggestions.List(valid));
                continue;
            }
            values[key] = Check(entry.Value, field.Type, key);
        }
        // A misspelt required key is one mistake: its "did you mean" already names the missing key.
        foreach (var missing in type.Fields.Where(f => f.Required && !seen.ContainsKey(f.Key) && !suggested.Contains(f.Key)))
        {
            Report(SpecDiagnostics.MissingKey, mapping.Span, missing.Key, type.Name);
        }
        return new ObjectValue(type, values, mapping.Span);
    }

    private Value? CheckUnion(YamlNode node, UnionType type, string label)
    {
        switch (node)
        {
            case YamlScalar { IsNull: false } scalar:
                return Bare(type, scalar, scalar.Span);
            case YamlMapping { Entries.Count: 1 } mapping:
                var entry = mapping.Entries[0];
                if (entry.Key is not YamlScalar { IsNull: false } kindScalar) return WrongType(entry.Key, label, type.Expected);
                if (FindVariant(type, kindScalar) is not { } variant) return null;
                var parameters = type.ParametersOf(variant);
                switch (entry.Value)
                {
                    case YamlScalar { IsNull: true }:
                        return Bare(type, kindScalar, mapping.Span);
                    case YamlMapping paramMapping:
                        return new VariantValue(variant, Fields(paramMapping, parameters), kindScalar.Span, mapping.Span);
                    case var shorthandNode when variant.Shorthand is { } shorthand:
                        var field = parameters.Find(shorthand)!;
                        var value = Check(shorthandNode, field.Type, shorthand);
                        var values = new Dictionary<string, Value?> { [shorthand] = value };
                        foreach (var required in parameters.Fields.Where(f => f.Required && f.Key != shorthand))
                        {
                            Report(SpecDiagnostics.MissingKey, kindScalar.Span, required.Key, variant.Name);
                        }
                        return new VariantValue(variant, new ObjectValue(parameters, values, mapping.Span), kindScalar.Span, mapping.Span);
                    default:
                        return WrongType(entry.Value, variant.Name, $"a mapping of its parameters ({Suggestions.List(parameters.Fields.Select(f => f.Key))})");
                }
            case YamlMapping { Entries.Count: > 1 } mapping:
                // Usually a parameter written beside the kind instead of inside it: "- conv2d: {...}\n  name: x".
                var stray = mapping.Entries[1].Key;
                Report(SpecDiagnostics.WrongType, stray.Span, label,
                    $"one {type.What} kind with its parameters inside it (e.g. 'kind: {{ key: value }}')",
                    $"a mapping with {Invariant.Number(mapping.Entries.Count)} keys");
                return null;
            default:
                return WrongType(node, label, type.Expected);
        }
    }

    /// <summary>A kind written alone: every parameter takes its default, so none may be required.</summary>
    private VariantValue? Bare(UnionType type, YamlScalar kindScalar, SourceSpan span)
    {
        if (FindVariant(type, kindScalar) is not { } variant) return null;
        var parameters = type.ParametersOf(variant);
        foreach (var required in parameters.Fields.Where(f => f.Required))
        {
            Report(SpecDiagnostics.MissingKey, kindScalar.Span, required.Key, variant.Name);
        }
        return new VariantValue(variant, new ObjectValue(parameters, new Dictionary<string, Value?>(), span), kindScalar.Span, span);
    }

    private Variant? FindVariant(UnionType type, YamlScalar kindScalar)
    {
        if (type.Find(kindScalar.Value) is { } variant) return variant;
        var didYouMean = Suggestions.DidYouMean(kindScalar.Value, type.Names);
        if (type.IsLayer)
        {
            Report(SpecDiagnostics.UnknownLayerKind, kindScalar.Span, kindScalar.Value, didYouMean, Suggestions.List(type.Names));
        }
        else
        {
            Report(SpecDiagnostics.UnknownValue, kindScalar.Span, type.What, kindScalar.Value, didYouMean, Suggestions.List(type.Names));
        }
        return null;
    }

    private Value? WrongType(YamlNode node, string label, string expected)
    {
        Report(SpecDiagnostics.WrongType, node.Span, label, expected, Describe(node));
        return null;
    }

    private Value? OutOfRange(YamlNode node, string label, string found, string range)
    {
        Report(SpecDiagnostics.OutOfRange, node.Span, label, found, range);
        return null;
    }

    public void Report(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, SourceSpan span, params string[] args) =>
        diagnostics.Add(SpecDiagnostics.Create(descriptor, span, args));

    /// <summary>What was found instead, for "must be X, not Y".</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlScalar { IsNull: true } => "empty",
        YamlScalar { IsPlain: true } s => s.Value,
        YamlScalar s => $"the text \"{s.Value}\"",
        YamlSequence s => $"a list of {Invariant.Number(s.Items.Count)} item{(s.Items.Count == 1 ? "" : "s")}",
        YamlMapping => "a mapping",
        _ => "something else",
    };
}
