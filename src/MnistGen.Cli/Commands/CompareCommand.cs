using System.CommandLine;
using System.Globalization;
using MnistGen.Cli.Output;
using MnistGen.Cli.Plots;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Functional;
using MnistGen.Core.Training;
using Spectre.Console;

namespace MnistGen.Cli.Commands;

/// <summary>
/// <c>mnistgen compare RUN_DIR... [--out FILE]</c>: the runs side by side (spec, data set, epochs, best and final
/// test accuracy, time, parameters) and one figure with their test-accuracy and loss curves overlaid.
/// </summary>
internal static class CompareCommand
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    public const string DefaultFigure = "compare.png";

    public static Command Create(Terminal terminal)
    {
        var runs = new Argument<string[]>("runs")
        {
            Description = $"Run directories (runs/<architecture>/<time>) or their {RunPaths.RunFile}; one or more.",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = new Option<string>("--out")
        {
            Description = "The figure to write: test accuracy and loss per epoch of every run, overlaid.",
            DefaultValueFactory = _ => DefaultFigure,
            HelpName = "FILE",
        };
        var command = new Command("compare", "Compare runs: a table of each run's spec, data set, epochs, best and final test accuracy, time and parameters, " +
                                             "and one figure with their test-accuracy and loss curves overlaid.") { runs, output };
        command.SetAction(parse => Compare(terminal, parse.GetValue(runs) ?? [], parse.GetValue(output)!));
        return command;
    }

    private static int Compare(Terminal terminal, string[] paths, string output)
    {
        // Every run is read before anything is written, and every bad one is named.
        var read = paths.Select(ReadOne).ToList();
        var errors = read.Where(r => !r.IsOk).SelectMany(r => r.Errors).ToList();
        if (errors.Count > 0) return Cli.Report(terminal.Err, errors);
        var runs = read.Select(r => r.Value).ToList();
        var names = RunNames(runs.Select(r => r.Directory!).ToList());

        terminal.Console.Write(Table(runs, names));
        var target = Path.GetFullPath(output);
        var directory = Path.GetDirectoryName(target)!;
        if (Directory.Exists(target))
            return Cli.Report(terminal.Err, [new Error($"--out {output} is a directory; give the name of the PNG file to write (e.g. {Path.Combine(output, DefaultFigure)}).")]);
        Directory.CreateDirectory(directory);
        // The legend says the data set too when the runs do not share one.
        var mixed = runs.Select(r => r.Config.Dataset).Distinct().Count() > 1;
        Figures.Compare(target, [.. runs.Select((r, i) => new RunCurves(mixed ? $"{names[i]} ({Format.Dataset(r.Config.Dataset)})" : names[i], [.. r.History.Select(h => new EpochPoint(h.Epoch, h.TrainLoss, h.TestLoss, h.TestAccuracy))]))]);
        terminal.Line(string.Create(Inv, $"Wrote {target} ({runs.Count} runs: test accuracy and loss per epoch)."));
        return Cli.Ok;
    }

    private static Result<TrainingRun> ReadOne(string path)
    {
        var run = RunStore.ReadRun(path);
        if (!run.IsOk) return run;
        if (run.Value.History.IsDefaultOrEmpty)
            return new Error($"{run.Value.Paths!.RunJson} has no completed epoch to compare (an imported run, or one stopped in its first epoch).");
        return run;
    }

    /// <summary>
    /// Pure: how the table and the legend name each run: its last two path parts (<c>cnn-5x5/20261203-141000</c>),
    /// or the whole path where two runs would otherwise share a name.
    /// </summary>
    internal static IReadOnlyList<string> RunNames(IReadOnlyList<string> directories)
    {
        static string Short(string dir)
        {
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
            var parent = Path.GetFileName(Path.GetDirectoryName(full) ?? "");
            return string.IsNullOrEmpty(parent) ? Path.GetFileName(full) : parent + "/" + Path.GetFileName(full);
        }
        var shorts = directories.Select(Short).ToList();
        return [.. shorts.Select((s, i) => shorts.Count(o => o == s) > 1 ? Path.GetFullPath(directories[i]) : s)];
    }

    private static Table Table(IReadOnlyList<TrainingRun> runs, IReadOnlyList<string> names)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("run").AddColumn("spec").AddColumn("data set")
            .AddColumn(new TableColumn("epochs").RightAligned())
            .AddColumn(new TableColumn("best test acc.").RightAligned())
            .AddColumn(new TableColumn("final test acc.").RightAligned())
            .AddColumn(new TableColumn("time").RightAligned())
            .AddColumn(new TableColumn("parameters").RightAligned());
        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var final = run.Final!;
            // The parameter count is the compiled spec's; a run of a spec no longer built still compares, without it.
            var spec = Runs.Catalog.Find(run.SpecId);
            var parameters = spec.IsOk ? Format.Count(spec.Value.Summary.TotalParameters) : "-";
            var epochs = run.EpochsCompleted == run.Config.Epochs
                ? run.EpochsCompleted.ToString(Inv)
                : string.Create(Inv, $"{run.EpochsCompleted} of {run.Config.Epochs}");
            table.AddRow(
                Markup.Escape(names[i]), Markup.Escape(run.SpecId), Format.Dataset(run.Config.Dataset), epochs,
                string.Create(Inv, $"{Format.Percent(final.BestTestAccuracy)} ({final.BestEpoch})"),
                Format.Percent(final.TestAccuracy), Format.Seconds(final.TotalSeconds), parameters);
        }
        // Narrow headers keep the table within a 120-column log; the caption says what they mean.
        return table.Caption("best: the highest test accuracy of any epoch, that epoch in brackets; time: training and evaluation, all epochs");
    }
}
