using System.CommandLine;
using System.Globalization;
using MnistGen.Cli.Imaging;
using MnistGen.Cli.Output;
using MnistGen.Cli.Plots;
using MnistGen.Cli.Runs;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Functional;
using MnistGen.Core.Training;
using Spectre.Console;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen predict RUN IMAGE... | --test-index N</c>: class probabilities and the tutorial's figure.</summary>
internal static class PredictCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create(Terminal terminal)
    {
        var model = CommonOptions.Model();
        var images = new Argument<string[]>("images")
        {
            Description = "Image files (PNG, JPEG, BMP, GIF, WebP) of any size, or folders of them; made grayscale, fitted to 28x28 and inverted when the background is light.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var testIndex = new Option<int?>("--test-index") { Description = "Predict image N of the data set's test split instead of a file.", HelpName = "N" };
        var data = CommonOptions.Data();
        var output = new Option<string?>("--out") { Description = $"Where to write {RunPaths.PredictionFigure} (one image only). Default: the run directory.", HelpName = "DIR" };
        var top = new Option<int>("--top")
        {
            Description = "With several images: how many of the most likely classes each row of the table shows.",
            DefaultValueFactory = _ => 3,
            HelpName = "K",
        };
        var weights = CommonOptions.Weights();
        var csv = new Option<string?>("--csv") { Description = "Also write the predictions (file, then the top K classes and their probabilities) to this CSV file.", HelpName = "FILE" };
        var command = new Command("predict",
            $"Predict digits with a trained model. One image: the class probabilities as bars, and {RunPaths.PredictionFigure} (the image beside a bar chart). " +
            "Several images or a folder: a table of the top K classes of each; a file that cannot be read is reported and skipped (exit code 1).")
        {
            model, images, testIndex, data, output, top, csv, weights,
        };
        command.SetAction(parse => Predict(terminal, parse.GetValue(model)!, parse.GetValue(images) ?? [], parse.GetValue(testIndex), parse.GetValue(data),
            parse.GetValue(output), parse.GetValue(top), parse.GetValue(csv), parse.GetValue(weights)));
        return command;
    }

    private sealed record Input(int Order, string Name, GrayImage Image);

    private static int Predict(Terminal terminal, string path, string[] images, int? testIndex, string? dataOption, string? outDir, int top, string? csv, string? weightsName)
    {
        var weights = ModelLoader.ParseWeights(weightsName);
        if (!weights.IsOk) return Cli.Report(terminal.Err, weights.Errors);
        if (images.Length == 0 && testIndex is null)
            return Cli.Report(terminal.Err, [new Error("Give one or more image files or folders, or --test-index N to predict an image of the test split.")]);
        if (images.Length > 0 && testIndex is not null)
            return Cli.Report(terminal.Err, [new Error("Give either image files or --test-index, not both.")]);
        if (testIndex is not null && csv is not null)
            return Cli.Report(terminal.Err, [new Error("--csv applies to image files, not to --test-index.")]);
        if (top < 1)
            return Cli.Report(terminal.Err, [new Error(string.Create(Inv, $"--top {top}: give how many classes to show, 1 or more."))]);
        if (csv is not null && Directory.Exists(csv))
            return Cli.Report(terminal.Err, [new Error($"--csv {csv} is a directory; give the name of the CSV file to write.")]);

        // Read every image before loading anything: with one image a bad file is refused without touching the
        // model or data; with several, bad files are reported and skipped and the rest predicted.
        var expanded = ImageFiles.Expand(images);
        var many = expanded.Files.Count + expanded.Errors.Count > 1 || images.Any(Directory.Exists);
        var inputs = new List<Input>();
        // Errors keep the files' order, whichever step found them: (position in the file list, error).
        var failed = new List<(int Order, Error Error)>(expanded.Errors.Select(e => (-1, e)));
        for (var i = 0; i < expanded.Files.Count; i++)
        {
            var read = ImageFiles.Read(expanded.Files[i]);
            if (read.IsOk) inputs.Add(new Input(i, expanded.Files[i], read.Value));
            else failed.AddRange(read.Errors.Select(e => (i, e)));
        }
        var errors = failed.Select(f => f.Error).ToList();
        if (!many && errors.Count > 0) return Cli.Report(terminal.Err, errors);
        if (inputs.Count == 0 && testIndex is null) return Cli.Report(terminal.Err, errors.Count > 0 ? errors : [new Error("No image to predict.")]);

        var loaded = TrainedRuns.Load(path, threads: 1, weights.Value);
        if (!loaded.IsOk) return Cli.Report(terminal.Err, loaded.Errors);
        using var model = loaded.Value;
        var info = DatasetInfo.For(model.Dataset);
        if (top > model.Spec.Classes)
            return Cli.Report(terminal.Err, [new Error(string.Create(Inv, $"--top {top}: {model.Spec.Id} has {model.Spec.Classes} classes; give 1 to {model.Spec.Classes}."))]);
        var directory = outDir ?? Path.GetDirectoryName(model.ModelPath)!;

        if (testIndex is { } index)
        {
            var dataResult = CommonOptions.LoadExistingData(model.Dataset, dataOption, "predict");
            if (!dataResult.IsOk) return Cli.Report(terminal.Err, dataResult.Errors);
            using var data = dataResult.Value;
            if (index < 0 || index >= data.Test.Count)
                return Cli.Report(terminal.Err, [new Error(string.Create(Inv, $"--test-index {index} is outside the test split (0 to {data.Test.Count - 1})."))]);
            using var image = data.Test.Images[index];
            var prediction = Predictor.Predict(model.Module, image);
            if (!prediction.IsOk) return Cli.Report(terminal.Err, prediction.Errors);
            var label = data.Test.Labels[index].item<long>();
            var name = info.HasNamedClasses
                ? string.Create(Inv, $"test image #{index} (label {label}, {info.NameOf(label)})")
                : string.Create(Inv, $"test image #{index} (label {label})");
            Directory.CreateDirectory(directory);
            Show(terminal, info, name, prediction.Value, RunFigures.TestImage(data, index), Path.Combine(directory, RunPaths.PredictionFigure));
            return Cli.Ok;
        }

        var predicted = new List<(string Name, Prediction Prediction)>();
        foreach (var (order, name, gray) in inputs)
        {
            var prepared = ImagePreprocessor.FromGrayscale(gray.Pixels, gray.Width, gray.Height, info.Mean, info.Std, source: name);
            var ink = prepared.Bind(p => Ink.Check(gray.Pixels, gray.Width, gray.Height, p.Inverted, name));
            var prediction = ink.Bind(_ => Predictor.Predict(model.Module, prepared.Value));
            if (!prediction.IsOk)
            {
                if (!many) return Cli.Report(terminal.Err, prediction.Errors);
                failed.AddRange(prediction.Errors.Select(e => (order, e)));
                continue;
            }
            foreach (var warning in ink.Value) terminal.Notice("warning: " + warning);
            if (!many)
            {
                Directory.CreateDirectory(directory);
                var shown = RunFigures.Denormalize(prepared.Value.Pixels, info.Mean, info.Std);
                Show(terminal, info, name + (prepared.Value.Inverted ? " (inverted: light background)" : ""), prediction.Value, shown, Path.Combine(directory, RunPaths.PredictionFigure));
            }
            predicted.Add((name, prediction.Value));
        }
        if (!many)
        {
            if (csv is not null) WriteCsv(terminal, csv, predicted, top);
            return Cli.Ok;
        }

        errors = [.. failed.OrderBy(f => f.Order).Select(f => f.Error)];
        foreach (var error in errors) terminal.Err.WriteLine($"error: {error.Message} Skipped.");
        if (predicted.Count > 0) terminal.Console.Write(TopTable(info, predicted, top));
        if (csv is not null && predicted.Count > 0) WriteCsv(terminal, csv, predicted, top);
        var total = predicted.Count + errors.Count;
        terminal.Line(errors.Count == 0
            ? string.Create(Inv, $"Predicted {predicted.Count} images.")
            : string.Create(Inv, $"Predicted {predicted.Count} of {total} images; {errors.Count} skipped (named above)."));
        if (predicted.Count == 0) return Cli.BadInput;
        return errors.Count > 0 ? Cli.Failure : Cli.Ok;
    }

    /// <summary>The K most likely classes, most likely first (ties: the lower class first).</summary>
    private static IEnumerable<(int Class, float Probability)> Top(Prediction prediction, int k) =>
        prediction.Probabilities.Select((p, c) => (Class: c, Probability: p)).OrderByDescending(t => t.Probability).ThenBy(t => t.Class).Take(k);

    private static Table TopTable(DatasetInfo info, IReadOnlyList<(string Name, Prediction Prediction)> predicted, int top)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn("file");
        for (var k = 1; k <= top; k++)
            table.AddColumn(new TableColumn(k == 1 ? "predicted" : Ordinal(k)).RightAligned());
        foreach (var (name, prediction) in predicted)
            table.AddRow([Markup.Escape(name), .. Top(prediction, top).Select(t => Markup.Escape(info.HasNamedClasses
                ? string.Create(Inv, $"{t.Class} {info.NameOf(t.Class)} ({t.Probability:0.0000})")
                : string.Create(Inv, $"{t.Class} ({t.Probability:0.0000})")))]);
        return table;
    }

    private static string Ordinal(int k) => k switch { 2 => "2nd", 3 => "3rd", _ => k.ToString(Inv) + "th" };

    private static void WriteCsv(Terminal terminal, string csv, IReadOnlyList<(string Name, Prediction Prediction)> predicted, int top)
    {
        var text = new System.Text.StringBuilder("file");
        for (var k = 1; k <= top; k++) text.Append(Inv, $",class_{k},probability_{k}");
        text.Append('\n');
        foreach (var (name, prediction) in predicted)
        {
            text.Append(CsvField(name));
            foreach (var (c, p) in Top(prediction, top)) text.Append(Inv, $",{c},{p:0.000000}");
            text.Append('\n');
        }
        var full = Path.GetFullPath(csv);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        AtomicFile.WriteBytes(full, System.Text.Encoding.UTF8.GetBytes(text.ToString()));
        terminal.Line(string.Create(Inv, $"Wrote {csv} ({predicted.Count} rows)."));
    }

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.</summary>
    private static string CsvField(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void Show(Terminal terminal, DatasetInfo info, string name, Prediction prediction, float[] pixels, string figure)
    {
        terminal.Line(string.Create(Inv, $"{name}: predicted {info.Describe(prediction.Predicted)} with probability {prediction.Confidence:0.0000}"));
        // Scaled to the top class, not to 1.0: the runners-up stay readable beside a confident prediction.
        var chart = new BarChart().Width(60).WithMaxValue(Math.Round(prediction.Confidence, 4));
        for (var c = 0; c < prediction.Probabilities.Length; c++)
            chart.AddItem(Markup.Escape(info.HasNamedClasses ? info.NameOf(c) : c.ToString(Inv)), Math.Round(prediction.Probabilities[c], 4), c == prediction.Predicted ? Color.Green : Color.Grey);
        terminal.Console.Write(chart);
        Figures.Prediction(figure, string.Create(Inv, $"{name}: predicted {info.Describe(prediction.Predicted)} (p={prediction.Confidence:0.00})"),
            pixels, [.. prediction.Probabilities.Select(p => (double)p)], info);
        terminal.Line($"Wrote {figure}.");
    }
}
