using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using MnistGen.Generators.Common;
using MnistGen.Generators.Diagnostics;
using MnistGen.Generators.Language;
using MnistGen.Generators.Layers;
using MnistGen.Generators.Parsing;

namespace MnistGen.Generators.Binding;

/// <summary>
/// Parsed spec -> model: checks it against the key table, applies defaults, validates names, infers every
/// layer's shape, counts parameters and multiply-adds, and checks that the output and loss fit the
/// dataset. Collects every error; a model only when there are none.
/// </summary>
internal static class Binder
{
    public static BoundSpec Bind(ParsedSpec parsed)
    {
        var file = parsed.File;
        if (parsed.Diagnostics.Count > 0) return new BoundSpec(file.Path, null, parsed.Diagnostics);

        var diagnostics = new List<SpecDiagnostic>();
        var checker = new Checker(diagnostics);
        if (parsed.Root is null || parsed.Root is YamlScalar { IsNull: true })
        {
            checker.Report(SpecDiagnostics.WrongType, SourceSpan.FileStart, "the spec", SpecLanguage.Root.Expected, "an empty file");
            return new BoundSpec(file.Path, null, diagnostics.ToEquatableArray());
        }

        var model = checker.Check(parsed.Root, SpecLanguage.Root, "the spec") is ObjectValue root
            ? BindRoot(file, root, checker)
            : null;
        return diagnostics.Count > 0
            ? new BoundSpec(file.Path, null, diagnostics.ToEquatableArray())
            : new BoundSpec(file.Path, model, EquatableArray<SpecDiagnostic>.Empty);
    }

    private static SpecModel? BindRoot(SpecFile file, ObjectValue root, Checker checker)
    {
        var className = root.Text("name");
        if (className is not null && Names.ClassNameProblem(className) is { } problem)
        {
            checker.Report(SpecDiagnostics.InvalidName, root.SpanOf("name"), className, "class", problem);
        }

        var input = BindInput(root.List("input"));
        var training = root.Object("training") is { } trainingValue ? BindTraining(trainingValue, checker) : null;
        var dataset = root.Object("training")?.Text("dataset");

        if (input is not null && dataset is not null)
        {
            var expectedShape = SpecLanguage.DatasetShapes[dataset].Shape;
            if (!input.SequenceEqual(expectedShape))
            {
                checker.Report(SpecDiagnostics.InputNotDataset, root.SpanOf("input"), Invariant.Shape(input), dataset, Invariant.Shape(expectedShape));
                input = null; // shapes built on a wrong input would only add derived errors
            }
        }

        var layers = root.List("layers") is { } layerList
            ? BindLayers(layerList, input, className ?? "", checker)
            : null;

        if (layers is { Complete: true } && dataset is not null)
        {
            var classes = SpecLanguage.DatasetShapes[dataset].Classes;
            var output = layers.Models.Last().OutputShape;
            if (output.Count != 1 || output[0] != classes)
            {
                checker.Report(SpecDiagnostics.OutputNotClasses, layers.LastKindSpan, Invariant.Shape(output), dataset, Invariant.Number(classes));
            }
        }

        var loss = root.Object("training")?.Variant("loss");
        if (loss is not null && layers?.LastKind is { } last)
        {
            CheckLoss(loss, last, checker);
        }

        var expectedAccuracy = root.Object("expected")?.Number("accuracy");

        if (className is null || input is null || training is null || dataset is null || layers is not { Complete: true })
        {
            return null; // an error has been reported for each missing piece
        }

        var lastKind = layers.LastKind!;
        return new SpecModel(
            Id: file.Id,
            ClassName: className,
            Description: root.Text("description") ?? "",
            SourcePath: file.RelativePath,
            SpecHash: Hash(file.Text),
            InputShape: input.ToEquatableArray(),
            Classes: SpecLanguage.DatasetShapes[dataset].Classes,
            Layers: layers.Models.ToEquatableArray(),
            Training: training,
            ExpectedAccuracy: expectedAccuracy,
            Output: LayerKinds.Get(lastKind).NetworkOutput ?? "Logits",
            NameSpan: root.SpanOf("name"));
    }

    private static int[]? BindInput(ListValue? input)
    {
        if (input is null || input.Items.Any(i => i is null)) return null;
        return input.Items.Select(i => (int)((IntValue)i!).Int).ToArray();
    }

    /// <summary>The loss must fit what the network outputs: logits, log-probabilities or probabilities (the last kind says which).</summary>
    private static void CheckLoss(VariantValue loss, string lastKind, Checker checker)
    {
        var output = LayerKinds.Get(lastKind).NetworkOutput;
        string? reason = (loss.Kind, output) switch
        {
            ("nll", "Probabilities") => "nll expects log-probabilities and softmax gives probabilities; use log_softmax instead",
            ("nll", not "LogProbabilities") => "nll expects log-probabilities; end the layers with log_softmax, or use cross_entropy on logits",
            ("cross_entropy", "Probabilities") => "cross_entropy applies log_softmax to its input itself, so softmax would be applied twice; remove softmax or replace it with log_softmax",
            _ => null,
        };
        if (reason is not null) checker.Report(SpecDiagnostics.LossMismatch, loss.KindSpan, loss.Kind, lastKind, reason);
    }

    private static TrainingModel? BindTraining(ObjectValue training, Checker checker)
    {
        var dataset = training.Text("dataset");
        var loss = training.Variant("loss");
        var optimizer = training.Variant("optimizer");
        var schedule = training.Variant("schedule");
        var batchSize = training.Int("batch_size");
        var epochs = training.Int("epochs");
        var seed = training.Int("seed");
        var augment = training.IsSet("augment") ? training.Object("augment") : null;

        if (optimizer is not null && optimizer.Kind == MnistGen.Vocabulary.SpecVocabulary.Sgd && optimizer.Parameters.Bool("nesterov") == true
            && optimizer.Parameters.Number("momentum") is 0.0)
        {
            checker.Report(SpecDiagnostics.OutOfRange, optimizer.Parameters.SpanOf("nesterov"), "nesterov", "true", "false unless momentum > 0");
            return null;
        }

        var maxShift = augment?.Int("max_shift");
        var maxRotation = augment?.Number("max_rotation");
        if (dataset is null || loss is null || optimizer is null || schedule is null || batchSize is null || epochs is null || seed is null
            || (training.IsSet("augment") && (maxShift is null || maxRotation is null)))
        {
            return null; // each missing piece has been reported
        }

        var o = optimizer.Parameters;
        var betas = Has(optimizer, "betas") ? o.List("betas") : null;
        double? Beta(int i) => betas?.Items[i] switch { NumberValue n => n.Number, IntValue n => n.Int, _ => null };
        if (Has(optimizer, "betas") && (betas is null || Beta(0) is null || Beta(1) is null)) return null;

        if (o.Number("lr") is not { } lr || o.Number("weight_decay") is not { } weightDecay) return null;

        return new TrainingModel(
            Dataset: SpecLanguage.Dataset.Values.First(v => v.Name == dataset).CSharpName,
            Loss: loss.Variant.CSharpName,
            LabelSmoothing: Has(loss, "label_smoothing") ? loss.Parameters.Number("label_smoothing") : null,
            Optimizer: optimizer.Variant.CSharpName,
            Lr: lr,
            Momentum: Has(optimizer, "momentum") ? o.Number("momentum") : null,
            Nesterov: Has(optimizer, "nesterov") ? o.Bool("nesterov") : null,
            WeightDecay: weightDecay,
            Beta1: Beta(0),
            Beta2: Beta(1),
            BatchSize: (int)batchSize.Value,
            Epochs: (int)epochs.Value,
            Seed: (int)seed.Value,
            Schedule: schedule.Variant.CSharpName,
            StepEvery: Has(schedule, "every") ? (int?)schedule.Parameters.Int("every") : null,
            Gamma: Has(schedule, "gamma") ? schedule.Parameters.Number("gamma") : null,
            MaxLr: Has(schedule, "max_lr") ? schedule.Parameters.Number("max_lr") : null,
            PerStep: Has(schedule, "per") && schedule.Parameters.Text("per") == "step",
            Augment: maxShift is { } shift && maxRotation is { } rotation ? new AugmentModel((int)shift, rotation) : null);
    }

    private static bool Has(VariantValue variant, string key) => variant.Variant.Fields.Any(f => f.Key == key);

    private sealed class BoundLayers(List<BoundLayer> models, string? lastKind, bool complete, SourceSpan lastKindSpan)
    {
        public List<BoundLayer> Models { get; } = models;

        /// <summary>The last layer's kind, even when shapes could not be inferred; null when the last layer itself is wrong.</summary>
        public string? LastKind { get; } = lastKind;

        /// <summary>Every layer is valid and every shape was inferred.</summary>
        public bool Complete { get; } = complete;

        public SourceSpan LastKindSpan { get; } = lastKindSpan;
    }

    private static BoundLayers BindLayers(ListValue list, int[]? input, string className, Checker checker)
    {
        var layers = list.Items.OfType<VariantValue>().ToList();
        var complete = layers.Count == list.Items.Count;

        // Explicit names first, so that default names (conv1, fc1, ...) step around them.
        var taken = new HashSet<string>(StringComparer.Ordinal);
        var firstUse = new Dictionary<string, SourceSpan>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            if (layer.Parameters.Text("name") is not { } name) continue;
            var span = layer.Parameters.SpanOf("name");
            if (Names.LayerNameProblem(name, className) is { } problem)
            {
                checker.Report(SpecDiagnostics.InvalidName, span, name, "layer", problem);
                complete = false;
            }
            else if (firstUse.TryGetValue(name, out var first))
            {
                checker.Report(SpecDiagnostics.DuplicateLayerName, span, name, Invariant.Number(first.StartLine));
                complete = false;
            }
            else
            {
                firstUse[name] = span;
                taken.Add(name);
            }
        }

        var counters = new Dictionary<string, int>(StringComparer.Ordinal);
        var models = new List<BoundLayer>();
        var shape = input;
        foreach (var layer in layers)
        {
            var kind = LayerKinds.Get(layer.Kind);
            var name = layer.Parameters.Text("name") ?? Names.NextDefault(kind.NamePrefix, counters, taken);
            if (shape is null)
            {
                complete = false;
                continue;
            }
            var bound = kind.Bind(new LayerInput(layer, name, shape, checker));
            if (bound is null)
            {
                shape = null; // later shapes depend on this one: stop here rather than report derived errors
                complete = false;
                continue;
            }
            models.Add(bound);
            shape = bound.OutputShape.ToArray();
        }
        var lastSpan = layers.Count > 0 ? layers[layers.Count - 1].KindSpan : list.Span;
        var lastKind = list.Items.Count > 0 && list.Items[list.Items.Count - 1] is VariantValue last ? last.Kind : null;
        return new BoundLayers(models, lastKind, complete && input is not null, lastSpan);
    }

    /// <summary>SHA-256 (lower-case hex) of the spec text with Windows line endings normalised.</summary>
    public static string Hash(string text)
    {
        using var sha = SHA256.Create();
        var bytes = sha.ComputeHash(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n")));
        var hex = new StringBuilder(bytes.Length * 2);
        foreach (var b in bytes) hex.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
        return hex.ToString();
    }
}
