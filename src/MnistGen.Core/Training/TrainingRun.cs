using System.Collections.Immutable;
using System.Text.Json.Serialization;
using MnistGen.Core.Specs;

namespace MnistGen.Core.Training;

/// <summary>Where a run stands.</summary>
public enum RunStatus
{
    /// <summary>Training is under way, or the process ended without saying (killed): resumable.</summary>
    Running,
    /// <summary>Every epoch of the configuration is done.</summary>
    Completed,
    /// <summary>Cancelled (Ctrl+C) at a step boundary; the last completed epoch is checkpointed: resumable.</summary>
    Interrupted,
}

/// <summary>Where and with what a run trained (the latest session's, on a resumed run).</summary>
public sealed record RunEnvironment(
    string TorchSharpVersion,
    string LibTorchVersion,
    string Device,
    int Threads,
    string Os,
    string DotNet,
    int ProcessorCount);

/// <summary>The checkpoint files of the last completed epoch and their SHA-256, which tie them to this record.</summary>
public sealed record CheckpointFiles(int Epoch, string Model, string ModelSha256, string Optimizer, string OptimizerSha256);

/// <summary>
/// best.bin, the weights of the epoch with the highest validation accuracy so far (the earlier on ties), and its
/// SHA-256; only runs trained with <c>--validation</c> have one. The test set never chooses it.
/// </summary>
public sealed record BestCheckpoint(int Epoch, double ValidationAccuracy, string Model, string ModelSha256);

/// <summary>A configuration change made when a run was resumed after <paramref name="AfterEpoch"/>: the new length and base learning rate, with what they were.</summary>
public sealed record ConfigChange(int AfterEpoch, int EpochsBefore, int Epochs, double LrBefore, double Lr)
{
    /// <summary>Pure: the change from <paramref name="before"/> to <paramref name="after"/>, or null when length and rate are the same.</summary>
    internal static ConfigChange? Between(TrainingConfig before, TrainingConfig after, int afterEpoch) =>
        before.Epochs == after.Epochs && before.Optimizer.Lr.Equals(after.Optimizer.Lr)
            ? null
            : new ConfigChange(afterEpoch, before.Epochs, after.Epochs, before.Optimizer.Lr, after.Optimizer.Lr);

    internal string Describe(string runDir)
    {
        var parts = new List<string>();
        if (Epochs != EpochsBefore) parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{EpochsBefore} to {Epochs} epochs"));
        if (!Lr.Equals(LrBefore)) parts.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"learning rate {LrBefore} to {Lr}"));
        return string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Changing {runDir} after epoch {AfterEpoch}: {string.Join(", ", parts)} (the schedule follows the new values; run.json records the change).");
    }
}

/// <summary>An epoch stopped before its end: <paramref name="Batches"/> of <paramref name="Of"/> training batches had run.</summary>
public sealed record PartialEpoch(int Epoch, int Batches, int Of);

/// <summary>The last epoch's test metrics and the best epoch by test accuracy (the first, on ties).</summary>
/// <param name="TestAccuracy">The last epoch's test accuracy, in [0, 1].</param>
/// <param name="TestLoss">The last epoch's mean test loss.</param>
/// <param name="TrainLoss">The last epoch's mean training loss.</param>
/// <param name="BestEpoch">The epoch with the highest test accuracy.</param>
/// <param name="BestTestAccuracy">That epoch's test accuracy.</param>
/// <param name="TotalSeconds">Wall time of every epoch together.</param>
public sealed record FinalMetrics(double TestAccuracy, double TestLoss, double TrainLoss, int BestEpoch, double BestTestAccuracy, double TotalSeconds);

/// <summary>
/// A training run as it stands: spec identity, the configuration as resolved, the options, the history and
/// the checkpoint. It is what run.json holds (serialised with <see cref="Checkpoints.RunJson"/>); the paths
/// are not stored, they come from where the record was read or written.
/// </summary>
public sealed record TrainingRun(
    string Format,
    string SpecId,
    string SpecName,
    string SpecHash,
    string SpecSource,
    double? ExpectedAccuracy,
    TrainingConfig Config,
    RunOptions Options,
    ImmutableArray<EpochReport> History,
    RunStatus Status,
    RunEnvironment Environment,
    DateTimeOffset StartedUtc,
    DateTimeOffset UpdatedUtc,
    CheckpointFiles? Checkpoint)
{
    internal const string CurrentFormat = "mnistgen-run/1";

    /// <summary>The state_dict file a run was made from by <c>mnistgen import</c> (null for a trained run); such a run has no history and cannot be resumed.</summary>
    public string? ImportedFrom { get; init; }

    /// <summary>Where a resume changed the configuration (<c>--epochs</c>, <c>--lr</c>), oldest first; stored in run.json.</summary>
    public ImmutableArray<ConfigChange> Changes { get; init; } = [];

    /// <summary>best.bin: the weights of the best validation epoch so far; null for a run without <c>--validation</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BestCheckpoint? Best { get; init; }

    /// <summary>Training images held out for validation (recorded in <see cref="Options"/>); 0 when the run trains on all of them.</summary>
    [JsonIgnore] public int ValidationCount => Options.Validation ?? 0;

    /// <summary>The run directory, or null for a run that wrote nothing (<see cref="RunOptions.Persist"/> false).</summary>
    [JsonIgnore] public string? Directory { get; init; }

    /// <summary>Messages for the user from this session (device fallback, nothing left to do, ...).</summary>
    [JsonIgnore] public ImmutableArray<string> Notices { get; init; } = [];

    /// <summary>For a run interrupted inside an epoch, how far that epoch had come (lost: it restarts on resume); not stored.</summary>
    [JsonIgnore] public PartialEpoch? Partial { get; init; }

    [JsonIgnore] internal RunPaths? Paths => Directory is null ? null : new RunPaths(Directory);

    /// <summary>Epochs trained so far (the last one in <see cref="History"/>).</summary>
    [JsonIgnore] public int EpochsCompleted => History.IsDefaultOrEmpty ? 0 : History[^1].Epoch;

    /// <summary>Stopped by cancellation; resumable from its last completed epoch.</summary>
    [JsonIgnore] public bool IsInterrupted => Status == RunStatus.Interrupted;

    /// <summary>The last epoch's and the best epoch's test metrics; null before the first epoch.</summary>
    [JsonIgnore]
    public FinalMetrics? Final
    {
        get
        {
            if (History.IsDefaultOrEmpty) return null;
            var best = History[0];
            foreach (var report in History) if (report.TestAccuracy > best.TestAccuracy) best = report;
            var last = History[^1];
            return new FinalMetrics(last.TestAccuracy, last.TestLoss, last.TrainLoss, best.Epoch, best.TestAccuracy, History.Sum(r => r.Seconds));
        }
    }
}

/// <summary>The files of a run directory (the shell adds its figures and summary beside them): every file name is here.</summary>
internal sealed record RunPaths(string Directory)
{
    public const string ModelFile = "model.bin", BestModelFile = "best.bin", OptimizerFile = "optimizer.bin", RunFile = "run.json", HistoryFile = "history.csv";
    public const string SummaryFile = "summary.txt";
    public const string LossesFigure = "losses.png", ConfusionFigure = "confusion.png", MisclassifiedFigure = "misclassified.png";
    public const string PredictionFigure = "prediction.png";

    /// <summary>The figure of one of several predicted images: <c>prediction-&lt;image stem&gt;.png</c>.</summary>
    public static string PredictionFigureOf(string imagePath) => $"prediction-{Path.GetFileNameWithoutExtension(imagePath)}.png";

    public string Model => Path.Combine(Directory, ModelFile);
    public string Optimizer => Path.Combine(Directory, OptimizerFile);
    public string BestModel => Path.Combine(Directory, BestModelFile);
    public string RunJson => Path.Combine(Directory, RunFile);
    public string HistoryCsv => Path.Combine(Directory, HistoryFile);
    public string SummaryTxt => Path.Combine(Directory, SummaryFile);
    public string LossesPng => Path.Combine(Directory, LossesFigure);
    public string ConfusionPng => Path.Combine(Directory, ConfusionFigure);
    public string MisclassifiedPng => Path.Combine(Directory, MisclassifiedFigure);
}
