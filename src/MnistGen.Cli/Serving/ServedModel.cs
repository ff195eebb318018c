using System.Threading.Channels;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Functional;

namespace MnistGen.Cli.Serving;

/// <summary>What the page and <c>GET /api/models</c> say about a served run.</summary>
/// <param name="Id">Unique among the served runs: <c>&lt;architecture&gt;/&lt;run directory name&gt;</c>.</param>
/// <param name="Accuracy">The run's last test accuracy (0..1), or null when run.json has none.</param>
internal sealed record ModelInfo(string Id, string Architecture, string Name, string Description, double? Accuracy, int Epochs, string RunDirectory);

/// <summary>
/// One served run as a pool of replicas: each replica is its own module (loaded from the same checkpoint) and
/// is used by one request at a time. TorchSharp does not document a module as safe to call from several
/// threads at once, so no module ever is; with one replica per core, requests still run in parallel
/// (LibTorch runs each forward pass on the calling thread with one intra-op thread). A request waits
/// asynchronously for a free replica, so a burst queues instead of oversubscribing the cores.
/// </summary>
internal sealed class ServedModel : IDisposable
{
    private readonly LoadedModel[] _replicas;
    private readonly Channel<LoadedModel> _free;

    public ServedModel(string id, IReadOnlyList<LoadedModel> replicas)
    {
        if (replicas.Count == 0) throw new ArgumentException("A served model needs at least one replica.", nameof(replicas));
        _replicas = [.. replicas];
        var first = _replicas[0];
        var info = DatasetInfo.For(first.Dataset);
        (Mean, Std) = (info.Mean, info.Std);
        Info = new ModelInfo(id, first.Spec.Id, first.Spec.Name, first.Spec.Description, first.Run.Final?.TestAccuracy,
            first.Run.EpochsCompleted, first.Run.Directory ?? "");
        _free = Channel.CreateBounded<LoadedModel>(_replicas.Length);
        foreach (var replica in _replicas) _free.Writer.TryWrite(replica);
    }

    public ModelInfo Info { get; }
    public double Mean { get; }
    public double Std { get; }
    public int Replicas => _replicas.Length;

    /// <summary>Class probabilities on the first free replica (under inference_mode and a dispose scope, see <see cref="Predictor"/>).</summary>
    public async ValueTask<Result<Prediction>> PredictAsync(PreprocessedImage image, CancellationToken cancellation)
    {
        var replica = await _free.Reader.ReadAsync(cancellation).ConfigureAwait(false);
        try
        {
            return Predictor.Predict(replica.Module, image);
        }
        finally
        {
            _free.Writer.TryWrite(replica);
        }
    }

    public void Dispose()
    {
        foreach (var replica in _replicas) replica.Dispose();
    }
}
