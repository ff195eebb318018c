using System.CommandLine;
using System.Globalization;
using MnistGen.Cli.Imaging;
using MnistGen.Cli.Output;
using MnistGen.Cli.Plots;
using MnistGen.Cli.Runs;
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
            Description = "Image files (PNG, JPEG, BMP, GIF, WebP) of any size; made grayscale, fitted to 28x28 and inverted when the background is light.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var testIndex = new Option<int?>("--test-index") { Description = "Predict image N of the data set's test split instead of a file.", HelpName = "N" };
        var data = CommonOptions.Data();
        var output = new Option<string?>("--out") { Description = $"Where to write {RunPaths.PredictionFigure}. Default: the run directory.", HelpName = "DIR" };
        var command = new Command("predict", $"Predict digits with a trained model: the 10 class probabilities as a bar table, and {RunPaths.PredictionFigure} (the image beside a bar chart).")
        {
            model, images, testIndex, data, output,
        };
        command.SetAction(parse => Predict(terminal, parse.GetValue(model)!, parse.GetValue(images) ?? [], parse.GetValue(testIndex), parse.GetValue(data), parse.GetValue(output)));
        return command;
    }

    private static int Predict(Terminal terminal, string path, string[] images, int? testIndex, string? dataOption, string? outDir)
    {
        if (images.Length == 0 && testIndex is null)
            return Cli.Report(terminal.Err, [new Error("Give one or more image files, or --test-index N to predict an image of the test split.")]);
        if (images.Length > 0 && testIndex is not null)
            return Cli.Report(terminal.Err, [new Error("Give either image files or --test-index, not both.")]);
        // Read every image before loading anything: a bad file is reported without touching the model or data.
        var inputs = new List<(string Name, float[] Pixels, int Width, int Height)>();
        var errors = new List<Error>();
        foreach (var file in images)
        {
            var read = ImageFiles.Read(file);
            if (read.IsOk) inputs.Add((file, read.Value.Pixels, read.Value.Width, read.Value.Height));
            else errors.AddRange(read.Errors);
        }
        if (errors.Count > 0) return Cli.Report(terminal.Err, errors);

        var loaded = TrainedRuns.Load(path, threads: 1);
        if (!loaded.IsOk) return Cli.Report(terminal.Err, loaded.Errors);
        using var model = loaded.Value;
        var info = DatasetInfo.For(model.Spec.Training.Dataset);
        var directory = outDir ?? Path.GetDirectoryName(model.ModelPath)!;
        Directory.CreateDirectory(directory);

        if (testIndex is { } index)
        {
            var dataResult = CommonOptions.LoadExistingData(model.Spec.Training.Dataset, dataOption, "predict");
            if (!dataResult.IsOk) return Cli.Report(terminal.Err, dataResult.Errors);
            using var data = dataResult.Value;
            if (index < 0 || index >= data.Test.Count)
                return Cli.Report(terminal.Err, [new Error(string.Create(Inv, $"--test-index {index} is outside the test split (0 to {data.Test.Count - 1})."))]);
            using var image = data.Test.Images[index];
            var prediction = Predictor.Predict(model.Module, image);
            if (!prediction.IsOk) return Cli.Report(terminal.Err, prediction.Errors);
            var label = data.Test.Labels[index].item<long>();
            var name = string.Create(Inv, $"test image #{index} (label {label})");
            Show(terminal, name, prediction.Value, RunFigures.TestImage(data, index), Path.Combine(directory, RunPaths.PredictionFigure));
            return Cli.Ok;
        }

        for (var i = 0; i < inputs.Count; i++)
        {
            var (name, pixels, width, height) = inputs[i];
            var prepared = ImagePreprocessor.FromGrayscale(pixels, width, height, info.Mean, info.Std, source: name);
            if (!prepared.IsOk) return Cli.Report(terminal.Err, prepared.Errors);
            var ink = Ink.Check(pixels, width, height, prepared.Value.Inverted, name);
            if (!ink.IsOk) return Cli.Report(terminal.Err, ink.Errors);
            foreach (var warning in ink.Value) terminal.Notice("warning: " + warning);
            var prediction = Predictor.Predict(model.Module, prepared.Value);
            if (!prediction.IsOk) return Cli.Report(terminal.Err, prediction.Errors);
            var shown = RunFigures.Denormalize(prepared.Value.Pixels, info.Mean, info.Std);
            var figure = inputs.Count == 1 ? RunPaths.PredictionFigure : RunPaths.PredictionFigureOf(name);
            Show(terminal, name + (prepared.Value.Inverted ? " (inverted: light background)" : ""), prediction.Value, shown, Path.Combine(directory, figure));
        }
        return Cli.Ok;
    }

    private static void Show(Terminal terminal, string name, Prediction prediction, float[] pixels, string figure)
    {
        terminal.Line(string.Create(Inv, $"{name}: predicted {prediction.Predicted} with probability {prediction.Confidence:0.0000}"));
        var chart = new BarChart().Width(60);
        for (var c = 0; c < prediction.Probabilities.Length; c++)
            chart.AddItem(c.ToString(Inv), Math.Round(prediction.Probabilities[c], 4), c == prediction.Predicted ? Color.Green : Color.Grey);
        terminal.Console.Write(chart);
        Figures.Prediction(figure, string.Create(Inv, $"{name}: predicted {prediction.Predicted} (p={prediction.Confidence:0.00})"),
            pixels, [.. prediction.Probabilities.Select(p => (double)p)]);
        terminal.Line($"Wrote {figure}.");
    }
}
