using System;
using System.Collections.Generic;
using System.Linq;
using MnistGen.Generators.Binding;
using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;
using MnistGen.Generators.Emitting;
using MnistGen.Generators.Lowering;
using MnistGen.Generators.Parsing;

namespace MnistGen.Generators;

/// <summary>
/// The pipeline's steps as plain functions, each guarded so that an unexpected exception becomes a
/// located diagnostic for that one spec instead of CS8785 (which would drop every model).
/// </summary>
internal static class SpecCompiler
{
    /// <summary>Reads an additional file's text; a failure becomes MNG0017 for that file, never an exception.</summary>
    public static SpecFile Read(string path, System.Func<Microsoft.CodeAnalysis.Text.SourceText?> getText)
    {
        try
        {
            return getText() is { } text
                ? new SpecFile(path, text.ToString())
                : new SpecFile(path, "", "the compiler could not open it");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new SpecFile(path, "", $"{e.GetType().Name}: {e.Message.Trim().TrimEnd('.')}");
        }
    }

    public static ParsedSpec Parse(SpecFile file)
    {
        try
        {
            return SpecParser.Parse(file);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new ParsedSpec(file, null, EquatableArray.Create(Internal(e)));
        }
    }

    public static BoundSpec Bind(ParsedSpec parsed)
    {
        try
        {
            return Binder.Bind(parsed);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new BoundSpec(parsed.File.Path, null, EquatableArray.Create(Internal(e)));
        }
    }

    /// <summary>Lowers a valid spec's layers to the ops its forward pass runs; a failure becomes a diagnostic.</summary>
    public static LoweredSpec Lower(BoundSpec spec)
    {
        var model = spec.Model!;
        try
        {
            return new LoweredSpec(spec.FilePath, model, Lowerer.Lower(model), EquatableArray<SpecDiagnostic>.Empty);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new LoweredSpec(spec.FilePath, model, null, EquatableArray.Create(Internal(e)));
        }
    }

    /// <summary>Emits a lowered model; a failure (here or in lowering) becomes a diagnostic and an #error so the build cannot pass silently.</summary>
    public static (string HintName, string Source, SpecDiagnostic? Error) Emit(LoweredSpec spec, string ns = ModelEmitter.DefaultNamespace)
    {
        try
        {
            if (spec.Model is null) return Failed(spec.Diagnostics[0]);
            var (hint, source) = ModelEmitter.Emit(spec.Model, ns);
            return (hint, source, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Failed(Internal(e));
        }

        (string, string, SpecDiagnostic?) Failed(SpecDiagnostic error) =>
            ($"{spec.Bound.ClassName}.g.cs", $"#error The spec compiler failed to emit {spec.Bound.SourcePath}\n", error);
    }

    /// <summary>
    /// Class names used by more than one spec (ignoring case): every spec after the first, in path order,
    /// gets MNG0010 and is not emitted, so the registry and the C# compiler never see two classes of one name.
    /// </summary>
    public static EquatableArray<DuplicateName> FindDuplicates(IEnumerable<NameUse> uses) =>
        uses.GroupBy(u => u.ClassName, StringComparer.OrdinalIgnoreCase)
            .SelectMany(g =>
            {
                var ordered = g.OrderBy(u => u.FilePath, StringComparer.Ordinal).ToList();
                return ordered.Skip(1).Select(u => new DuplicateName(u.FilePath, u.ClassName, u.Span, ordered[0].RelativePath));
            })
            .OrderBy(d => d.FilePath, StringComparer.Ordinal)
            .ToEquatableArray();

    private static SpecDiagnostic Internal(Exception e) =>
        SpecDiagnostics.Create(SpecDiagnostics.InternalError, SourceSpan.FileStart, e.GetType().Name, e.Message.Trim().TrimEnd('.'));
}

/// <summary>Where a spec declares its class name.</summary>
internal sealed record NameUse(string FilePath, string RelativePath, string ClassName, SourceSpan Span);

/// <summary>A spec whose class name an earlier spec already uses.</summary>
internal sealed record DuplicateName(string FilePath, string ClassName, SourceSpan Span, string FirstSpec);
