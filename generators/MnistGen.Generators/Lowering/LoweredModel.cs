using System.Collections.Generic;
using System.Linq;
using MnistGen.Generators.Binding;
using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;
using MnistGen.Generators.Layers;

namespace MnistGen.Generators.Lowering;

/// <summary>How an op is applied.</summary>
internal enum OpForm
{
    /// <summary>A new tensor from the previous one, which is then disposed.</summary>
    Fresh,

    /// <summary>Overwrites the previous op's output, which nothing (autograd included) reads again.</summary>
    InPlace,

    /// <summary>A new tensor in channels-last layout (same logical shape); every op after it keeps that layout.</summary>
    ChannelsLast,
}

/// <summary>One op of the forward pass, in the order it runs, with the shapes it really sees there.</summary>
/// <param name="RunsBefore">The activation the spec writes before this op and that now runs after it, if any.</param>
internal sealed record LoweredOp(BoundLayer Layer, EquatableArray<int> InputShape, EquatableArray<int> OutputShape, OpForm Form, string? RunsBefore);

/// <summary>
/// A spec model and the ordered list of ops its forward pass runs: what the emitter prints, decided by
/// <see cref="Lowerer"/>. Equatable, so an unchanged spec re-emits nothing.
/// </summary>
/// <param name="HasScores">
/// The last op is a final log_softmax or softmax after at least one other layer: the module also gets Scores,
/// which runs every op but that one.
/// </param>
internal sealed record LoweredModel(SpecModel Spec, EquatableArray<LoweredOp> Ops, bool HasScores)
{
    /// <summary>The ops Scores runs (all but the final normaliser), or every op when there is no Scores.</summary>
    public IEnumerable<LoweredOp> ScoreOps => HasScores ? Ops.Take(Ops.Count - 1) : Ops;

    /// <summary>One line per op, for snapshots and for reading: name (kind): in -> out, form, and why it moved.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>();
        for (var i = 0; i < Ops.Count; i++)
        {
            var op = Ops[i];
            var form = op.Form switch { OpForm.InPlace => ", in place", OpForm.ChannelsLast => ", writes channels-last", _ => "" };
            var moved = op.RunsBefore is { } activation ? $", moved before {activation}" : "";
            var scores = HasScores && i == Ops.Count - 1 ? " (forward only; Scores stops before it)" : "";
            lines.Add($"{op.Layer.Name} ({op.Layer.DisplayKind}): {Invariant.Shape(op.InputShape)} -> {Invariant.Shape(op.OutputShape)}{form}{moved}{scores}");
        }
        return lines;
    }
}

/// <summary>The lower step's result for one spec: the lowered model, or the diagnostic of a lowering bug.</summary>
internal sealed record LoweredSpec(string FilePath, SpecModel Bound, LoweredModel? Model, EquatableArray<SpecDiagnostic> Diagnostics);
