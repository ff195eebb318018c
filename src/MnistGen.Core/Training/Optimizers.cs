using MnistGen.Core.Specs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistGen.Core.Training;

/// <summary>TorchSharp's optimizers from the spec's optimizer section.</summary>
internal static class Optimizers
{
    public static OptimizerHelper Create(OptimizerConfig config, IEnumerable<Parameter> parameters) =>
        config.Kind switch
        {
            OptimizerKind.Sgd => optim.SGD(parameters, config.Lr, momentum: config.Momentum, weight_decay: config.WeightDecay, nesterov: config.Nesterov),
            OptimizerKind.Adam => optim.Adam(parameters, config.Lr, beta1: config.Beta1, beta2: config.Beta2, weight_decay: config.WeightDecay),
            OptimizerKind.AdamW => optim.AdamW(parameters, config.Lr, beta1: config.Beta1, beta2: config.Beta2, weight_decay: config.WeightDecay),
            _ => throw new ArgumentOutOfRangeException(nameof(config), config.Kind, "unknown optimizer"),
        };

    public static void SetLearningRate(OptimizerHelper optimizer, double lr)
    {
        foreach (var group in optimizer.ParamGroups) group.LearningRate = lr;
    }
}
