using MnistGen.Generators.Common;

namespace MnistGen.Generators.Parsing;

/// <summary>
/// A YAML node with its position in the spec file. The parser's output: syntax only, no meaning yet.
/// Equatable records, so an unchanged spec is a cache hit for every later stage.
/// </summary>
internal abstract record YamlNode(SourceSpan Span);

/// <param name="IsPlain">
/// An unquoted, untagged scalar: only these can be numbers, booleans or null (YAML 1.2 core schema);
/// <c>"10"</c> stays a string.
/// </param>
internal sealed record YamlScalar(string Value, bool IsPlain, SourceSpan Span) : YamlNode(Span)
{
    /// <summary>YAML's null: <c>key:</c> with nothing after it, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => IsPlain && (Value.Length == 0 || Value == "~" || Value == "null" || Value == "Null" || Value == "NULL");
}

internal sealed record YamlSequence(EquatableArray<YamlNode> Items, SourceSpan Span) : YamlNode(Span);

internal sealed record YamlMapping(EquatableArray<YamlEntry> Entries, SourceSpan Span) : YamlNode(Span);

internal sealed record YamlEntry(YamlNode Key, YamlNode Value);
