using System.CommandLine;
using MnistGen.Cli.Output;
using MnistGen.Cli.Plots;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Training;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen plot RUN</c>: redraws losses.png (train/test loss and test accuracy per epoch) from run.json.</summary>
internal static class PlotCommand
{
    public static Command Create(Terminal terminal)
    {
        var run = new Argument<string>("run") { Description = $"A run directory (or its {RunPaths.RunFile} / {RunPaths.ModelFile})." };
        var command = new Command("plot", $"Redraw a run's {RunPaths.LossesFigure} (train and test loss, test accuracy per epoch) from its {RunPaths.RunFile}.") { run };
        command.SetAction(parse =>
        {
            var read = RunStore.ReadRun(parse.GetValue(run)!);
            if (!read.IsOk) return Cli.Report(terminal.Err, read.Errors);
            var record = read.Value;
            if (record.History.IsDefaultOrEmpty)
                return Cli.Report(terminal.Err, [new Core.Functional.Error($"{record.Paths!.RunJson} has no completed epoch to plot yet.")]);
            var path = RunFigures.Losses(record);
            terminal.Line($"Wrote {path} ({record.History.Length} epochs).");
            return Cli.Ok;
        });
        return command;
    }
}
