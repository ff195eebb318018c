using System.CommandLine;
using System.Globalization;
using MnistGen.Cli.Output;
using MnistGen.Cli.Plots;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Functional;
using MnistGen.Core.Runtime;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using Spectre.Console;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen train ARCH [overrides]</c>: one training run, checkpointed after every epoch.</summary>
internal static class TrainCommand
{
    /// <summary>Exit code of a run stopped with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create(Terminal terminal)
    {
        var arch = CommonOptions.Architecture();
        arch.Arity = ArgumentArity.ZeroOrOne;
        arch.Description += " May be left out with --resume.";
        var epochs = new Option<int?>("--epochs") { Description = "Override the spec's training.epochs.", HelpName = "N" };
        var batchSize = new Option<int?>("--batch-size") { Description = "Override the spec's training.batch_size.", HelpName = "N" };
        var lr = new Option<double?>("--lr") { Description = "Override the optimizer's learning rate.", HelpName = "X" };
        var seed = new Option<int?>("--seed") { Description = "Override training.seed (seeds initialisation, dropout and the shuffle).", HelpName = "N" };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda. auto uses CUDA when present.", DefaultValueFactory = _ => "auto" };
        ParseErrors.OneOf(device, "auto", "cpu", "cuda");
        var threads = CommonOptions.Threads();
        var data = CommonOptions.Data();
        var output = new Option<string>("--out") { Description = "Root of the run directories: OUT/<architecture>/<yyyyMMdd-HHmmss>/.", DefaultValueFactory = _ => "runs", HelpName = "DIR" };
        var dataset = CommonOptions.Dataset();
        var validation = new Option<int?>("--validation")
        {
            Description = $"Hold out N training images (seeded, stratified: N/10 per class) as a validation set: run.json records validation loss and accuracy per epoch, " +
                          $"and {RunPaths.BestModelFile} keeps the weights of the best validation epoch (eval, predict and export take --weights best). The test set chooses nothing.",
            HelpName = "N",
        };
        var precision = new Option<string?>("--precision")
        {
            Description = "fp32 (default) or bf16: bfloat16 forward and backward passes with float32 master weights (checkpoints, evaluation and prediction stay float32). " +
                          "Faster for the CNNs on CPUs with AVX-512 BF16 or AMX; slower where bfloat16 is emulated. A resumed run keeps its own.",
            HelpName = "fp32|bf16",
        };
        ParseErrors.OneOf(precision, "fp32", "bf16");
        var resume = new Option<string?>("--resume") { Description = "Continue a run directory from its last completed epoch; --epochs extends it and --lr changes its rate from there (both recorded in run.json).", HelpName = "RUN_DIR" };

        var command = new Command("train", "Train an architecture on its data set (fetched on first use), checkpointing after every epoch.")
        {
            arch, epochs, batchSize, lr, seed, device, threads, data, output, resume, dataset, validation, precision,
        };
        command.SetAction(parse =>
        {
            var deviceRequest = DeviceSelection.Parse(parse.GetValue(device));
            if (!deviceRequest.IsOk) return Cli.Report(terminal.Err, deviceRequest.Errors);
            var options = new RunOptions(
                Epochs: parse.GetValue(epochs), BatchSize: parse.GetValue(batchSize), Lr: parse.GetValue(lr), Seed: parse.GetValue(seed),
                Device: deviceRequest.Value, Threads: parse.GetValue(threads), OutRoot: parse.GetValue(output)!, Resume: parse.GetValue(resume),
                Dataset: parse.GetValue(dataset) is { } name ? DatasetInfo.Parse(name).Value.Kind : null,
                Validation: parse.GetValue(validation),
                Precision: PrecisionNames.Parse(parse.GetValue(precision)));
            return Train(terminal, parse.GetValue(arch), options, parse.GetValue(data));
        });
        return command;
    }

    private static int Train(Terminal terminal, string? archName, RunOptions options, string? dataOption)
    {
        // What the plan is made from, each read once: the run being resumed, LibTorch (started) and CUDA.
        TrainingRun? previous = null;
        if (options.Resume is { } resume)
        {
            var read = RunStore.ReadRun(resume);
            if (!read.IsOk) return Cli.Report(terminal.Err, read.Errors);
            previous = read.Value;
        }
        var spec = ResolveSpec(archName, previous);
        if (!spec.IsOk) return Cli.Report(terminal.Err, spec.Errors);
        // The data set's files are read and verified on a worker thread while LibTorch loads (each takes about
        // half a second); if the plan ends up with another data set, the prefetch is simply not used.
        var prefetch = CommonOptions.PrefetchData(previous?.Config.Dataset ?? spec.Value.Training.Dataset, dataOption);
        var runtime = TorchRuntime.Start();
        if (!runtime.IsOk) return Cli.Report(terminal.Err, runtime.Errors);
        var planned = TrainingPlanner.Plan(spec.Value, options, previous, runtime.Value.CudaAvailable, MachineFacts.Current.PhysicalCores, MachineFacts.Current.HasBf16);
        if (!planned.IsOk) return Cli.Report(terminal.Err, planned.Errors);
        var plan = planned.Value;
        if (plan.NothingToTrain) return AlreadyComplete(terminal, plan);
        var threads = TorchRuntime.SetThreads(plan.Threads);
        // The run record's serializer is compiled while the data set finishes loading (0.17 s of JIT otherwise,
        // just before the first step).
        if (plan.Previous is null) _ = Task.Run(() => Trainer.WarmRecordWriter(plan));

        using var data = CommonOptions.LoadData(plan.Config.Dataset, dataOption, terminal, prefetch) is var loaded && loaded.IsOk ? loaded.Value : null;
        if (data is null) return Cli.Report(terminal.Err, loaded.Errors);

        var header = string.Create(Inv, $"Training {spec.Value.Id} ({spec.Value.Name}, {Format.Count(spec.Value.Summary.TotalParameters)} parameters) on {Format.Dataset(plan.Config.Dataset)}, {threads} thread(s){(plan.Precision == Precision.Bf16 ? ", bfloat16 steps" : "")}.");
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true; // stop at the next step boundary; the last completed epoch stays checkpointed
            if (!cancel.IsCancellationRequested) terminal.Notice("Stopping after the current step (Ctrl+C again to force)...");
            else e.Cancel = false;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            var result = new TrainingProgress(terminal, header).Run(
                callbacks => Trainer.Train(plan, data, callbacks, cancel.Token),
                afterEpoch: (_, run) => RunFigures.Losses(run));
            if (!result.IsOk) return Cli.Report(terminal.Err, result.Errors);
            return Finish(terminal, spec.Value, result.Value, previous);
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    /// <summary>The architecture named on the command line, or the one a resumed run was made from.</summary>
    private static Result<ArchitectureSpec> ResolveSpec(string? archName, TrainingRun? previous)
    {
        if (!string.IsNullOrWhiteSpace(archName)) return CommonOptions.Find(archName);
        if (previous is null) return new Error($"Name the architecture to train (e.g. '{Invocation.Command} train cnn-5x5'); '{Invocation.Command} list' shows them.");
        return CommonOptions.Find(previous.SpecId);
    }

    /// <summary>A resumed run that has every epoch already: say so, load nothing, write nothing.</summary>
    private static int AlreadyComplete(Terminal terminal, TrainingPlan plan)
    {
        var run = plan.Previous!;
        // The plan's notices ("training on the CPU", "nothing to train") are replaced by this one line: nothing runs.
        var accuracy = run.Final is { } final ? string.Create(Inv, $", test accuracy {final.TestAccuracy * 100:0.00}%") : "";
        terminal.Line(string.Create(Inv,
            $"{run.Directory} is already complete ({run.EpochsCompleted} of {plan.Config.Epochs} epochs{accuracy}): nothing was trained and no file was written; to train on, give --epochs above {run.EpochsCompleted}."));
        return Cli.Ok;
    }

    /// <param name="previous">The run as it was before this command (null for a new run): only what happened since is reported.</param>
    private static int Finish(Terminal terminal, ArchitectureSpec spec, TrainingRun run, TrainingRun? previous)
    {
        var epochsBefore = previous?.EpochsCompleted ?? 0;
        var trained = run.EpochsCompleted > epochsBefore;
        if (trained && !run.History.IsDefaultOrEmpty) terminal.Console.Write(HistoryTable(run));
        if (trained && run.Final is { } final)
        {
            // The spec's expected accuracy is for the spec's data set; on another (--dataset) there is nothing to compare with.
            var verdict = spec.ExpectedAccuracy is { } expected && run.Config.Dataset == spec.Training.Dataset
                ? string.Create(Inv, $"; the spec expects {expected * 100:0.0}%: {(final.TestAccuracy >= expected ? "reached" : "not reached")}")
                : "";
            var took = run.History.Skip(epochsBefore).Sum(r => r.Seconds);
            var timing = previous is null ? $"Training took {Format.Seconds(final.TotalSeconds)}."
                : run.EpochsCompleted == epochsBefore + 1 ? string.Create(Inv, $"Epoch {run.EpochsCompleted} took {Format.Seconds(took)}.")
                : string.Create(Inv, $"Epochs {epochsBefore + 1}-{run.EpochsCompleted} took {Format.Seconds(took)}.");
            terminal.Line(string.Create(Inv,
                $"Test accuracy {final.TestAccuracy * 100:0.00}% after epoch {run.EpochsCompleted} (best {final.BestTestAccuracy * 100:0.00}% at epoch {final.BestEpoch}){verdict}. {timing}"));
            if (run.Best is { } best)
                terminal.Line(string.Create(Inv,
                    $"Best validation accuracy {best.ValidationAccuracy * 100:0.00}% at epoch {best.Epoch} ({run.ValidationCount} held-out training images): {RunPaths.BestModelFile} (use --weights best); test accuracy of that epoch {run.History[best.Epoch - 1].TestAccuracy * 100:0.00}%."));
        }
        if (run.Paths is { } paths)
        {
            // Name only the files this command wrote: a checkpoint per completed epoch, the records on every
            // stop, the summary once, when the run is made.
            var written = new List<string>();
            if (trained) written.AddRange([RunPaths.ModelFile, RunPaths.OptimizerFile]);
            if (run.Best is { } best && best.Epoch > epochsBefore) written.Add(RunPaths.BestModelFile);
            written.AddRange([RunPaths.RunFile, RunPaths.HistoryFile]);
            if (trained) written.Add(RunPaths.LossesFigure);
            if (previous is null)
            {
                WriteSummary(paths, spec);
                written.Add(RunPaths.SummaryFile);
            }
            terminal.Line($"Wrote {paths.Directory}: {string.Join(", ", written)}");
        }
        if (run.IsInterrupted)
        {
            if (run.Partial is { } partial)
                terminal.Line(partial.Batches < partial.Of
                    ? string.Create(Inv, $"Epoch {partial.Epoch} was {100.0 * partial.Batches / partial.Of:0}% done ({partial.Batches} of {partial.Of} batches); that part is lost and the epoch restarts from its beginning on resume.")
                    : string.Create(Inv, $"Epoch {partial.Epoch} had trained all {partial.Of} batches but was stopped during its test evaluation; it restarts from its beginning on resume."));
            terminal.Line($"Interrupted after epoch {run.EpochsCompleted}; continue with: {Invocation.Command} train --resume {run.Directory}");
            return Interrupted;
        }
        return Cli.Ok;
    }

    private static Table HistoryTable(TrainingRun run)
    {
        var validation = run.History.Any(r => r.ValidationAccuracy is not null);
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("epoch").RightAligned()).AddColumn(new TableColumn("train loss").RightAligned())
            .AddColumn(new TableColumn("test loss").RightAligned()).AddColumn(new TableColumn("test accuracy").RightAligned());
        if (validation) table.AddColumn(new TableColumn("validation loss").RightAligned()).AddColumn(new TableColumn("validation accuracy").RightAligned());
        table.AddColumn(new TableColumn("lr").RightAligned()).AddColumn(new TableColumn("seconds").RightAligned());
        foreach (var r in run.History)
        {
            var cells = new List<string> { r.Epoch.ToString(Inv), r.TrainLoss.ToString("0.0000", Inv), r.TestLoss.ToString("0.0000", Inv), Format.Percent(r.TestAccuracy) };
            if (validation)
                cells.AddRange([r.ValidationLoss is { } vl ? vl.ToString("0.0000", Inv) : "-",
                    r.ValidationAccuracy is { } va ? Format.Percent(va) + (run.Best?.Epoch == r.Epoch ? " *" : "") : "-"]);
            cells.AddRange([r.LearningRate.ToString("0.######", Inv), r.Seconds.ToString("0.0", Inv)]);
            table.AddRow([.. cells]);
        }
        return table;
    }

    private static void WriteSummary(RunPaths paths, ArchitectureSpec spec)
    {
        var text = $"{spec.Name} ({spec.SourcePath}): {spec.Description}\n" + Terminal.ToText(SummaryTable.For(spec));
        AtomicFile.WriteBytes(paths.SummaryTxt, System.Text.Encoding.UTF8.GetBytes(text));
    }
}
