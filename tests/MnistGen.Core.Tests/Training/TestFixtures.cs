using System.Collections.Immutable;
using MnistGen.Core.Data;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistGen.Core.Tests.Training;

/// <summary>A small MLP with dropout (so torch's random stream matters) standing in for a generated model.</summary>
internal sealed class TinyMlp : nn.Module<Tensor, Tensor>
{
    private readonly Linear fc1;
    private readonly Dropout dropout;
    private readonly Linear fc2;

    public TinyMlp(int hidden = 32) : base(nameof(TinyMlp))
    {
        fc1 = nn.Linear(28 * 28, hidden);
        dropout = nn.Dropout(0.2);
        fc2 = nn.Linear(hidden, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        nn.functional.log_softmax(fc2.call(dropout.call(nn.functional.relu(fc1.call(x.flatten(1))))), 1);
}

/// <summary>A small CNN: convolution, pooling, a linear layer, raw logits (no log_softmax).</summary>
internal sealed class TinyCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly Linear fc1;

    public TinyCnn() : base(nameof(TinyCnn))
    {
        conv1 = nn.Conv2d(1, 4, 3);
        fc1 = nn.Linear(4 * 13 * 13, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        fc1.call(nn.functional.max_pool2d(nn.functional.relu(conv1.call(x)), 2).flatten(1));
}

/// <summary>A small CNN with batch norm: its running statistics are buffers the bf16 copy updates.</summary>
internal sealed class TinyBnCnn : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv1;
    private readonly BatchNorm2d bn1;
    private readonly Linear fc1;

    public TinyBnCnn() : base(nameof(TinyBnCnn))
    {
        conv1 = nn.Conv2d(1, 4, 3, bias: false);
        bn1 = nn.BatchNorm2d(4);
        fc1 = nn.Linear(4 * 13 * 13, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) =>
        nn.functional.log_softmax(fc1.call(nn.functional.max_pool2d(nn.functional.relu(bn1.call(conv1.call(x))), 2).flatten(1)), 1);
}

internal static class TestFixtures
{
    public const double Mean = 0.1307, Std = 0.3081;

    public static TrainingConfig Config(
        OptimizerConfig? optimizer = null, int epochs = 3, int batchSize = 16, int seed = 7,
        LossConfig? loss = null, ScheduleConfig? schedule = null, AugmentConfig? augment = null) =>
        new(DatasetKind.Mnist, loss ?? new LossConfig(LossKind.Nll), optimizer ?? new OptimizerConfig(OptimizerKind.Sgd, 0.05, Momentum: 0.9),
            batchSize, epochs, seed, schedule ?? ScheduleConfig.None, augment);

    public static ArchitectureSpec Spec(
        TrainingConfig? config = null, Func<nn.Module<Tensor, Tensor>>? create = null, string id = "tiny-mlp", string hash = "a1b2c3d4e5f6a7b8c9d0") =>
        new(id, "TinyMlp", "test model", $"specs/{id}.yaml", hash, [1, 28, 28], 10,
            new ModelSummary(ImmutableArray<LayerSummary>.Empty, 0, 0), config ?? Config(), null, create ?? (() => new TinyMlp()));

    /// <summary>
    /// Learnable synthetic digits: class c lights a 6x6 block at a position of its own, plus noise; values in
    /// [0, 1], normalised like MNIST. Built with our own PRNG so the data never depends on torch's seed.
    /// </summary>
    public static Dataset SyntheticData(int train = 512, int test = 128, long seed = 99) =>
        new(DatasetKind.Mnist, Split(train, seed), Split(test, seed + 1), Mean, Std);

    public static DataSplit Split(int n, long seed)
    {
        var rng = new SplitMix64(seed);
        var pixels = new float[n * 28 * 28];
        var labels = new long[n];
        for (var i = 0; i < n; i++)
        {
            var label = (int)rng.NextBelow(10);
            labels[i] = label;
            // Each class has its own place; the block jitters by up to 2 pixels and the noise is strong.
            var (top, left) = (2 + (label / 5) * 12 + (int)rng.NextBelow(5) - 2, 3 + (label % 5) * 5 + (int)rng.NextBelow(5) - 2);
            for (var p = 0; p < 28 * 28; p++)
            {
                var (y, x) = (p / 28, p % 28);
                var ink = y >= top && y < top + 6 && x >= left && x < left + 6 ? 0.6 : 0.0;
                var value = Math.Clamp(ink + 0.4 * rng.NextDouble(), 0, 1);
                pixels[i * 784 + p] = (float)((value - Mean) / Std);
            }
        }
        return new DataSplit(tensor(pixels, [n, 1, 28, 28]), tensor(labels));
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "mnistgen-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Options for a fast, deterministic CPU test run writing under <paramref name="outRoot"/>.</summary>
    public static RunOptions Options(string? outRoot = null, int? epochs = null) =>
        new(Epochs: epochs, Device: DeviceRequest.Cpu, Threads: 1, OutRoot: outRoot ?? "unused", EvalBatchSize: 50, Persist: outRoot is not null);

    public static string Describe<T>(MnistGen.Core.Functional.Result<T> result) =>
        result.IsOk ? "ok" : string.Join(" | ", result.Errors.Select(e => e.Message));
}

/// <summary>Torch-heavy tests run one at a time: they share LibTorch's thread setting and the 2 cores.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    public const string Name = "torch";
}
