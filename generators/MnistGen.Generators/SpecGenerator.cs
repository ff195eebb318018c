using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using MnistGen.Generators.Binding;
using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;
using MnistGen.Generators.Emitting;
using MnistGen.Generators.Lowering;
using MnistGen.Generators.Parsing;

namespace MnistGen.Generators;

/// <summary>
/// specs/*.yaml -> parse -> bind -> lower -> TorchSharp modules + the Architectures registry. Wiring only: every step is a static
/// function of equatable values (see <see cref="SpecCompiler"/>), every stage is tracked, one output
/// emits source and others report diagnostics.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class SpecGenerator : IIncrementalGenerator
{
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // A spec is a specs/*.yaml file, or any additional file the project marks as one (the package's
        // <MnistGenSpec Include="..."/> items carry MnistGenSpec=true, made visible to the compiler).
        var files = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Where(static pair => SpecFile.IsSpecPath(pair.Left.Path) ||
                                  (pair.Right.GetOptions(pair.Left).TryGetValue(SpecFile.MarkerMetadata, out var marked) &&
                                   SpecFile.IsMarked(marked)))
            .Select(static (pair, ct) => SpecCompiler.Read(pair.Left.Path, () => pair.Left.GetText(ct)))
            .WithTrackingName(TrackingNames.SpecFiles);

        // The namespace of the generated code: the MnistGenNamespace build property (the package defaults it to
        // the project's root namespace), else MnistGen.Models.
        var ns = context.AnalyzerConfigOptionsProvider
            .Select(static (options, _) => GeneratedNamespace.From(
                options.GlobalOptions.TryGetValue(GeneratedNamespace.BuildProperty, out var value) ? value : null))
            .WithTrackingName(TrackingNames.Namespace);

        var bound = files
            .Select(static (file, _) => SpecCompiler.Parse(file))
            .WithTrackingName(TrackingNames.Parsed)
            .Select(static (parsed, _) => SpecCompiler.Bind(parsed))
            .WithTrackingName(TrackingNames.Bound);

        var valid = bound
            .Where(static spec => spec.Model is not null)
            .WithTrackingName(TrackingNames.Models);

        var duplicates = valid
            .Select(static (spec, _) => new NameUse(spec.FilePath, spec.Model!.SourcePath, spec.Model.ClassName, spec.Model.NameSpan))
            .Collect()
            .Select(static (uses, _) => SpecCompiler.FindDuplicates(uses))
            .WithTrackingName(TrackingNames.DuplicateNames);

        var toEmit = valid
            .Combine(duplicates)
            .Where(static pair => !pair.Right.Any(d => d.FilePath == pair.Left.FilePath))
            .Select(static (pair, _) => pair.Left)
            .WithTrackingName(TrackingNames.ModelsToEmit);

        var lowered = toEmit
            .Select(static (spec, _) => SpecCompiler.Lower(spec))
            .WithTrackingName(TrackingNames.Lowered)
            .Combine(ns);

        var registry = toEmit
            .Select(static (spec, _) => new RegistryEntry(spec.Model!.Id, spec.Model.ClassName))
            .Collect()
            .Select(static (entries, _) => entries.ToEquatableArray())
            .WithTrackingName(TrackingNames.Registry)
            .Combine(ns);

        var diagnostics = bound
            .Where(static spec => spec.Diagnostics.Count > 0)
            .Select(static (spec, _) => new FileDiagnostics(spec.FilePath, spec.Diagnostics))
            .WithTrackingName(TrackingNames.Diagnostics);

        context.RegisterSourceOutput(lowered, static (spc, pair) => EmitModel(spc, pair.Left, pair.Right));
        context.RegisterSourceOutput(registry, static (spc, pair) =>
        {
            if (pair.Right.Error is { } error)
            {
                spc.AddSource(RegistryEmitter.HintName, SourceText.From("#error " + error + "\n", System.Text.Encoding.UTF8));
                return;
            }
            var (hintName, source) = RegistryEmitter.Emit(pair.Left, pair.Right.Name);
            spc.AddSource(hintName, SourceText.From(source, System.Text.Encoding.UTF8));
        });
        context.RegisterSourceOutput(diagnostics, static (spc, file) =>
        {
            foreach (var diagnostic in file.Items) spc.ReportDiagnostic(ToRoslyn(file.FilePath, diagnostic));
        });
        context.RegisterSourceOutput(duplicates, static (spc, duplicateNames) =>
        {
            foreach (var duplicate in duplicateNames)
            {
                var diagnostic = SpecDiagnostics.Create(SpecDiagnostics.DuplicateClassName, duplicate.Span, duplicate.ClassName, duplicate.FirstSpec);
                spc.ReportDiagnostic(ToRoslyn(duplicate.FilePath, diagnostic));
            }
        });
    }

    private static void EmitModel(SourceProductionContext context, LoweredSpec spec, GeneratedNamespace ns)
    {
        if (ns.Error is not null) return; // the registry's #error says why, once
        var (hintName, source, error) = SpecCompiler.Emit(spec, ns.Name);
        context.AddSource(hintName, SourceText.From(source, System.Text.Encoding.UTF8));
        if (error is not null) context.ReportDiagnostic(ToRoslyn(spec.FilePath, error));
    }

    /// <summary>A located Roslyn diagnostic, so the build prints specs/x.yaml(line,col): error MNGxxxx.</summary>
    private static Diagnostic ToRoslyn(string filePath, SpecDiagnostic diagnostic)
    {
        var span = diagnostic.Span;
        var location = Location.Create(
            filePath,
            new TextSpan(span.StartIndex, Math.Max(0, span.EndIndex - span.StartIndex)),
            new LinePositionSpan(
                new LinePosition(span.StartLine - 1, span.StartColumn - 1),
                new LinePosition(Math.Max(span.EndLine, span.StartLine) - 1, Math.Max(span.EndColumn, 1) - 1)));
        return Diagnostic.Create(SpecDiagnostics.Get(diagnostic.Id), location, diagnostic.Args.Select(a => (object)a).ToArray());
    }
}
