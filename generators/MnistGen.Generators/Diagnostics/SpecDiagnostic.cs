using System.Linq;
using System.Globalization;
using MnistGen.Generators.Common;

namespace MnistGen.Generators.Diagnostics;

/// <summary>
/// One problem in one spec, as plain data: the descriptor id, where it is, and the message arguments.
/// Turned into a Roslyn Diagnostic only when reported, so the pipeline never holds a Location.
/// </summary>
internal sealed record SpecDiagnostic(string Id, SourceSpan Span, EquatableArray<string> Args)
{
    /// <summary>The message as the build prints it.</summary>
    public string Message => string.Format(
        CultureInfo.InvariantCulture,
        SpecDiagnostics.Get(Id).MessageFormat.ToString(CultureInfo.InvariantCulture),
        Args.AsImmutableArray().Cast<object>().ToArray());

    public override string ToString() => $"{Invariant.Number(Span.StartLine)},{Invariant.Number(Span.StartColumn)}: {Id}: {Message}";
}

/// <summary>The diagnostics of one spec file, with the file's path so they can be located.</summary>
internal sealed record FileDiagnostics(string FilePath, EquatableArray<SpecDiagnostic> Items);
