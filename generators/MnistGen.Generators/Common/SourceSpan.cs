namespace MnistGen.Generators.Common;

/// <summary>
/// Where something sits in a spec file: 1-based line and column of its start and end, plus 0-based
/// character offsets. An equatable stand-in for Roslyn's Location, which must never enter the pipeline.
/// </summary>
internal readonly record struct SourceSpan(int StartLine, int StartColumn, int EndLine, int EndColumn, int StartIndex, int EndIndex)
{
    public static readonly SourceSpan FileStart = new(1, 1, 1, 1, 0, 0);

    public override string ToString() => $"({Invariant.Number(StartLine)},{Invariant.Number(StartColumn)})-({Invariant.Number(EndLine)},{Invariant.Number(EndColumn)})";
}
