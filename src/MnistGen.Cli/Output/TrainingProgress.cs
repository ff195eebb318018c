using System.Globalization;
using MnistGen.Core.Training;
using Spectre.Console;

namespace MnistGen.Cli.Output;

/// <summary>
/// Shows training progress: on a terminal a live bar per epoch (batches, loss, images/s, ETA); elsewhere
/// (CI, pipes) one plain line per epoch, so logs stay readable.
/// </summary>
internal sealed class TrainingProgress
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private readonly Terminal _terminal;
    private ProgressTask? _task;
    private int _taskEpoch;

    private string? _header;

    /// <param name="header">Printed once training really starts, so a refused request prints only its error.</param>
    public TrainingProgress(Terminal terminal, string header) => (_terminal, _header) = (terminal, header);

    private void Header()
    {
        if (_header is null) return;
        _terminal.Line(_header);
        _header = null;
    }

    /// <summary>Runs <paramref name="train"/> with callbacks wired to the display.</summary>
    public T Run<T>(Func<TrainingCallbacks, T> train, Action<EpochReport, TrainingRun> afterEpoch)
    {
        if (!_terminal.Interactive)
        {
            return train(new TrainingCallbacks(
                OnBatch: _ => Header(),
                OnEpoch: (report, run) => { Header(); _terminal.Line(EpochLine(report, run.Config.Epochs)); afterEpoch(report, run); },
                OnNotice: message => { Header(); _terminal.Line(message); },
                BatchInterval: int.MaxValue));
        }
        Header();

        var result = default(T)!;
        _terminal.Console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                result = train(new TrainingCallbacks(
                    OnBatch: p => OnBatch(ctx, p),
                    OnEpoch: (report, run) =>
                    {
                        if (_task is not null)
                        {
                            _task.Description = Markup.Escape(EpochLine(report, run.Config.Epochs));
                            _task.Value = _task.MaxValue;
                            _task.StopTask();
                        }
                        afterEpoch(report, run);
                    },
                    OnNotice: message => _terminal.Console.MarkupLine(Markup.Escape(message)),
                    BatchInterval: 10));
            });
        return result;
    }

    private void OnBatch(ProgressContext ctx, BatchProgress p)
    {
        if (_task is null || _taskEpoch != p.Epoch)
        {
            _task = ctx.AddTask(string.Create(Inv, $"epoch {p.Epoch}/{p.Epochs}"), maxValue: p.Batches);
            _taskEpoch = p.Epoch;
        }
        var rate = p.Elapsed.TotalSeconds > 0 ? p.Images / p.Elapsed.TotalSeconds : 0;
        _task.Value = p.Batch;
        _task.Description = Markup.Escape(string.Create(Inv,
            $"epoch {p.Epoch}/{p.Epochs}  batch {p.Batch}/{p.Batches}  loss {p.MeanLoss:0.0000}  {rate:0} img/s"));
    }

    public static string EpochLine(EpochReport r, int epochs) => string.Create(Inv,
        $"epoch {r.Epoch}/{epochs}  train loss {r.TrainLoss:0.0000}  test loss {r.TestLoss:0.0000}  test accuracy {r.TestAccuracy * 100:0.00}%  ") +
        (r.ValidationAccuracy is { } va ? string.Create(Inv, $"validation loss {r.ValidationLoss:0.0000}  validation accuracy {va * 100:0.00}%  ") : "") +
        string.Create(Inv, $"lr {r.LearningRate:0.######}  {r.Seconds:0.0} s");
}
