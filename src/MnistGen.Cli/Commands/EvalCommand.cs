using System.CommandLine;
using System.Globalization;
using MnistGen.Cli.Output;
using MnistGen.Cli.Plots;
using MnistGen.Cli.Runs;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Training;
using Spectre.Console;
using Mistake = MnistGen.Cli.Plots.Mistake;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen eval RUN</c>: test accuracy, per-class accuracy, confusion matrix and the worst mistakes.</summary>
internal static class EvalCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create(Terminal terminal)
    {
        var model = CommonOptions.Model();
        var data = CommonOptions.Data();
        var threads = CommonOptions.Threads();
        var weights = CommonOptions.Weights();
        var output = new Option<string?>("--out") { Description = $"Where to write {RunPaths.ConfusionFigure} and {RunPaths.MisclassifiedFigure}. Default: the run directory.", HelpName = "DIR" };
        var command = new Command("eval", $"Evaluate a trained model on its data set's test split: accuracy, per-class accuracy, confusion matrix ({RunPaths.ConfusionFigure}) and the worst mistakes ({RunPaths.MisclassifiedFigure}).")
        {
            model, data, threads, output, weights,
        };
        command.SetAction(parse => Evaluate(terminal, parse.GetValue(model)!, parse.GetValue(data), parse.GetValue(threads), parse.GetValue(output), parse.GetValue(weights)));
        return command;
    }

    private static int Evaluate(Terminal terminal, string path, string? dataOption, int threads, string? outDir, string? weightsName)
    {
        var weights = ModelLoader.ParseWeights(weightsName);
        if (!weights.IsOk) return Cli.Report(terminal.Err, weights.Errors);
        var loaded = TrainedRuns.Load(path, threads, weights.Value);
        if (!loaded.IsOk) return Cli.Report(terminal.Err, loaded.Errors);
        using var model = loaded.Value;
        var spec = model.Spec;
        var dataResult = CommonOptions.LoadExistingData(model.Dataset, dataOption, "eval");
        if (!dataResult.IsOk) return Cli.Report(terminal.Err, dataResult.Errors);
        using var data = dataResult.Value;
        var info = DatasetInfo.For(model.Dataset);

        var result = Evaluator.Evaluate(model.Module, data.Test, loss: spec.Training.Loss, worstCount: 32, classes: spec.Classes);
        terminal.Line(string.Create(Inv,
            $"{spec.Id} ({model.ModelPath}): test accuracy {result.Accuracy * 100:0.00}% ({result.Correct} of {result.Count}) on {info.DisplayName}, test loss {result.Loss:0.0000}."));
        terminal.Console.Write(PerClassTable(result, info));
        terminal.Console.Write(ConfusionTable(result.Confusion));

        var directory = outDir ?? Path.GetDirectoryName(model.ModelPath)!;
        Directory.CreateDirectory(directory);
        var confusion = Path.Combine(directory, RunPaths.ConfusionFigure);
        var misclassified = Path.Combine(directory, RunPaths.MisclassifiedFigure);
        var names = info.HasNamedClasses ? info.ClassNames : (IReadOnlyList<string>?)null;
        Figures.Confusion(confusion, string.Create(Inv, $"{spec.Id} on {info.DisplayName}: confusion matrix (test accuracy {result.Accuracy * 100:0.00}%)"), ToArray(result.Confusion), names);
        Figures.Misclassified(misclassified, $"{spec.Id} on {info.DisplayName}: the most confident mistakes",
            [.. result.WorstMistakes.Select(m => new Mistake(m.Index, RunFigures.TestImage(data, m.Index), m.Label, m.Predicted, m.Confidence))], classNames: names);
        terminal.Line($"Wrote {confusion} and {misclassified}.");
        return Cli.Ok;
    }

    private static int[,] ToArray(ConfusionMatrix m)
    {
        var a = new int[m.Classes, m.Classes];
        for (var t = 0; t < m.Classes; t++)
            for (var p = 0; p < m.Classes; p++) a[t, p] = m[t, p];
        return a;
    }

    private static Table PerClassTable(EvaluationResult result, DatasetInfo info)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("per-class accuracy")
            .AddColumn("class").AddColumn(new TableColumn("images").RightAligned())
            .AddColumn(new TableColumn("correct").RightAligned()).AddColumn(new TableColumn("accuracy").RightAligned());
        foreach (var c in result.PerClass)
            table.AddRow(Markup.Escape(info.Describe(c.Class)), Format.Count(c.Count), Format.Count(c.Correct), double.IsNaN(c.Accuracy) ? "-" : Format.Percent(c.Accuracy));
        return table;
    }

    private static Table ConfusionTable(ConfusionMatrix m)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("confusion matrix (rows: true, columns: predicted)").AddColumn("");
        for (var p = 0; p < m.Classes; p++) table.AddColumn(new TableColumn(p.ToString(Inv)).RightAligned());
        for (var t = 0; t < m.Classes; t++)
        {
            var cells = new List<string> { t.ToString(Inv) };
            for (var p = 0; p < m.Classes; p++)
                cells.Add(t == p ? "[bold]" + m[t, p].ToString(Inv) + "[/]" : m[t, p] == 0 ? "[dim]0[/]" : m[t, p].ToString(Inv));
            table.AddRow([.. cells]);
        }
        return table;
    }
}
