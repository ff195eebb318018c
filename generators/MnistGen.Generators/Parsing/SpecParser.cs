using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MnistGen.Generators.Parsing;

/// <summary>The parser's result: the document's root node (null when empty or unreadable) and syntax errors.</summary>
internal sealed record ParsedSpec(SpecFile File, YamlNode? Root, EquatableArray<SpecDiagnostic> Diagnostics);

/// <summary>
/// Text -> YAML node tree with positions on every node, using YamlDotNet's event parser. Pure: no I/O,
/// no culture; scalars stay text until the binder gives them a type.
/// </summary>
internal static class SpecParser
{
    private const int MaxDepth = 64;

    public static ParsedSpec Parse(SpecFile file)
    {
        if (file.ReadError is { } readError)
        {
            return new ParsedSpec(file, null, EquatableArray.Create(SpecDiagnostics.Create(SpecDiagnostics.Unreadable, SourceSpan.FileStart, readError)));
        }
        var reader = new EventReader(new Parser(new StringReader(file.Text)));
        try
        {
            reader.Expect<StreamStart>();
            if (reader.Accept<StreamEnd>(out _)) return Ok(file, null);

            reader.Expect<DocumentStart>();
            YamlNode? root = reader.Accept<DocumentEnd>(out _) ? null : reader.ReadNode(depth: 0);
            reader.Expect<DocumentEnd>();
            if (reader.Accept<DocumentStart>(out var second))
            {
                return Fail(file, root, Span(second), "a spec file holds one YAML document; remove the second '---' and what follows it");
            }
            return Ok(file, root);
        }
        catch (YamlException e)
        {
            // Our own checks throw without a position; YamlDotNet's carry the exact one.
            var span = e.Start.Equals(Mark.Empty) ? reader.LastSpan : Span(e.Start, e.End);
            return Fail(file, null, IndentationTab(file.Text, span) ?? span, Sentence(e.Message));
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            // YamlDotNet throws bare exceptions on some malformed input, typically a flow collection that is
            // never closed before the next line. Point at that '[' or '{', else at the last thing read.
            if (reader.InnermostOpenFlow is { } open)
            {
                return Fail(file, null, open.Span, $"this '{open.Bracket}' is not closed where it should be (the YAML parser stopped with {e.GetType().Name}); check its brackets");
            }
            return Fail(file, null, reader.LastSpan, $"the YAML parser stopped after this point ({e.GetType().Name}: {Sentence(e.Message)}); check the brackets and indentation here");
        }
    }

    /// <summary>
    /// A tab in a line's indentation, from the error's line to the line after it: YAML forbids those, and
    /// YamlDotNet reports them at its scanner's mark (often the end of the previous line), so point at the tab.
    /// </summary>
    private static SourceSpan? IndentationTab(string text, SourceSpan error)
    {
        var (line, lineStart) = (1, 0);
        while (lineStart <= text.Length && line <= error.EndLine + 1)
        {
            var lineEnd = text.IndexOf('\n', lineStart);
            if (lineEnd < 0) lineEnd = text.Length;
            if (line >= error.StartLine)
            {
                for (var i = lineStart; i < lineEnd && text[i] is ' ' or '\t'; i++)
                {
                    if (text[i] == '\t') return new SourceSpan(line, i - lineStart + 1, line, i - lineStart + 2, i, i + 1);
                }
            }
            (line, lineStart) = (line + 1, lineEnd + 1);
        }
        return null;
    }

    private static ParsedSpec Ok(SpecFile file, YamlNode? root) => new(file, root, EquatableArray<SpecDiagnostic>.Empty);

    private static ParsedSpec Fail(SpecFile file, YamlNode? root, SourceSpan span, string message) =>
        new(file, root, EquatableArray.Create(SpecDiagnostics.Create(SpecDiagnostics.YamlSyntax, span, message)));

    private static string Sentence(string message) => message.Trim().TrimEnd('.');

    private static SourceSpan Span(ParsingEvent e) => Span(e.Start, e.End);

    private static SourceSpan Span(Mark start, Mark end) =>
        new((int)start.Line, (int)start.Column, (int)end.Line, (int)end.Column, (int)start.Index, (int)Math.Max(start.Index, end.Index));

    /// <summary>A thin cursor over YamlDotNet's events that remembers the last event it consumed.</summary>
    private sealed class EventReader(IParser parser)
    {
        private readonly Dictionary<string, YamlNode> _anchors = new(StringComparer.Ordinal);
        private readonly Stack<(SourceSpan Span, char Bracket)> _openFlows = new();

        /// <summary>The innermost '[' or '{' being read, if any.</summary>
        public (SourceSpan Span, char Bracket)? InnermostOpenFlow => _openFlows.Count > 0 ? _openFlows.Peek() : null;
        private bool _started;

        public SourceSpan LastSpan { get; private set; } = SourceSpan.FileStart;

        private ParsingEvent Peek()
        {
            if (!_started)
            {
                _started = true;
                if (!parser.MoveNext()) throw new YamlException("unexpected end of the file");
            }
            return parser.Current ?? throw new YamlException("unexpected end of the file");
        }

        private ParsingEvent Next()
        {
            var current = Peek();
            LastSpan = Span(current);
            if (current is not StreamEnd) parser.MoveNext();
            return current;
        }

        public T Expect<T>() where T : ParsingEvent
        {
            var next = Peek();
            if (next is T typed)
            {
                Next();
                return typed;
            }
            throw new YamlException(next.Start, next.End, $"expected {Describe(typeof(T))} but found {Describe(next.GetType())}");
        }

        public bool Accept<T>(out T found) where T : ParsingEvent
        {
            if (Peek() is T typed)
            {
                Next();
                found = typed;
                return true;
            }
            found = null!;
            return false;
        }

        public YamlNode ReadNode(int depth)
        {
            var next = Next();
            if (depth > MaxDepth) throw new YamlException(next.Start, next.End, $"the spec is nested more than {Invariant.Number(MaxDepth)} levels deep");
            YamlNode node;
            switch (next)
            {
                case AnchorAlias alias:
                    if (!_anchors.TryGetValue(alias.Value.Value, out node!))
                    {
                        throw new YamlException(alias.Start, alias.End, $"alias '*{alias.Value.Value}' refers to no anchor defined before it");
                    }
                    return node;
                case Scalar scalar:
                    var plain = scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty;
                    node = new YamlScalar(scalar.Value, plain, Span(scalar));
                    break;
                case SequenceStart sequenceStart:
                    var items = ImmutableArray.CreateBuilder<YamlNode>();
                    var flowSequence = sequenceStart.Style == SequenceStyle.Flow;
                    if (flowSequence) _openFlows.Push((Span(sequenceStart), '['));
                    while (!Accept<SequenceEnd>(out _)) items.Add(ReadNode(depth + 1));
                    if (flowSequence) _openFlows.Pop();
                    node = new YamlSequence(items.ToImmutable(), Span(sequenceStart.Start, LastSpanEnd()));
                    break;
                case MappingStart mappingStart:
                    var entries = ImmutableArray.CreateBuilder<YamlEntry>();
                    var flowMapping = mappingStart.Style == MappingStyle.Flow;
                    if (flowMapping) _openFlows.Push((Span(mappingStart), '{'));
                    while (!Accept<MappingEnd>(out _))
                    {
                        var key = ReadNode(depth + 1);
                        var value = ReadNode(depth + 1);
                        entries.Add(new YamlEntry(key, value));
                    }
                    if (flowMapping) _openFlows.Pop();
                    node = new YamlMapping(entries.ToImmutable(), Span(mappingStart.Start, LastSpanEnd()));
                    break;
                default:
                    throw new YamlException(next.Start, next.End, $"unexpected {Describe(next.GetType())}");
            }
            if (next is NodeEvent { Anchor.IsEmpty: false } anchored) _anchors[anchored.Anchor.Value] = node;
            return node;
        }

        private Mark LastSpanEnd() => new(Math.Max(LastSpan.EndIndex, 0), Math.Max(LastSpan.EndLine, 1), Math.Max(LastSpan.EndColumn, 1));

        private static string Describe(Type eventType) => eventType.Name switch
        {
            nameof(StreamEnd) => "the end of the file",
            nameof(DocumentStart) => "a document",
            nameof(DocumentEnd) => "the end of the document",
            nameof(MappingStart) => "a mapping",
            nameof(SequenceStart) => "a sequence",
            nameof(Scalar) => "a value",
            _ => eventType.Name,
        };
    }
}
