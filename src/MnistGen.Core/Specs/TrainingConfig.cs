using System.Collections.Immutable;

namespace MnistGen.Core.Specs;

/// <summary>Which data set a spec trains on; the wire names are the spec's (<c>mnist</c>, <c>fashion-mnist</c>).</summary>
public enum DatasetKind
{
    /// <summary>MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28.</summary>
    Mnist,
    /// <summary>Fashion-MNIST: ten kinds of clothing, the same sizes and format as MNIST.</summary>
    FashionMnist,
}

/// <summary>The training loss (<c>loss:</c> in a spec).</summary>
public enum LossKind
{
    /// <summary>Negative log-likelihood of log-probabilities (the network ends in log_softmax).</summary>
    Nll,
    /// <summary>Cross-entropy of raw scores (equal to nll on a log_softmax output).</summary>
    CrossEntropy,
}

/// <summary>The optimizer (<c>optimizer:</c> in a spec).</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent, optionally with (Nesterov) momentum.</summary>
    Sgd,
    /// <summary>Adam.</summary>
    Adam,
    /// <summary>AdamW (Adam with decoupled weight decay).</summary>
    AdamW,
}

/// <summary>The learning-rate schedule (<c>schedule:</c> in a spec).</summary>
public enum ScheduleKind
{
    /// <summary>The optimizer's rate throughout.</summary>
    None,
    /// <summary>Multiplied by gamma every StepEvery epochs.</summary>
    Step,
    /// <summary>Cosine annealing from the optimizer's rate to 0 over the run.</summary>
    Cosine,
    /// <summary>One cycle: up to MaxLr and back down over the run.</summary>
    OneCycle,
}

/// <summary>The loss; <see cref="LabelSmoothing"/> only applies to cross-entropy.</summary>
public sealed record LossConfig(LossKind Kind, double LabelSmoothing = 0.0);

/// <summary>
/// Optimizer hyper-parameters. SGD reads Lr, Momentum, Nesterov, WeightDecay; Adam and AdamW read
/// Lr, Beta1, Beta2, WeightDecay. Unused fields keep their defaults.
/// </summary>
public sealed record OptimizerConfig(
    OptimizerKind Kind,
    double Lr,
    double Momentum = 0.0,
    bool Nesterov = false,
    double WeightDecay = 0.0,
    double Beta1 = 0.9,
    double Beta2 = 0.999);

/// <summary>
/// Learning-rate schedule. Step reads StepEvery and Gamma; OneCycle reads MaxLr. PerStep (cosine and one_cycle):
/// the rate is a function of the optimizer step over the whole run instead of the epoch.
/// </summary>
public sealed record ScheduleConfig(ScheduleKind Kind, int StepEvery = 0, double Gamma = 0.1, double MaxLr = 0.0, bool PerStep = false)
{
    /// <summary>No schedule: the optimizer's rate throughout.</summary>
    public static ScheduleConfig None { get; } = new(ScheduleKind.None);
}

/// <summary>Training-time augmentation of training images only: random shifts (pixels) and rotation (degrees).</summary>
public sealed record AugmentConfig(int MaxShift, double MaxRotationDegrees);

/// <summary>Everything a spec's <c>training:</c> section says, with defaults applied.</summary>
public sealed record TrainingConfig(
    DatasetKind Dataset,
    LossConfig Loss,
    OptimizerConfig Optimizer,
    int BatchSize,
    int Epochs,
    int Seed,
    ScheduleConfig Schedule,
    AugmentConfig? Augment = null);

/// <summary>
/// One row of the Keras-style summary: a layer, its output shape (without the batch dimension), its trainable
/// parameters, multiply-adds per image, and the state it keeps that is not trained (batch norm's running statistics).
/// </summary>
public sealed record LayerSummary(string Name, string Kind, ImmutableArray<int> OutputShape, long Parameters, long Macs, long NonTrainable = 0);

/// <summary>The per-layer table computed at build time by the spec compiler.</summary>
public sealed record ModelSummary(ImmutableArray<LayerSummary> Layers, long TotalParameters, long TotalMacs);
