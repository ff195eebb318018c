using MnistGen.Core.Data;
using MnistGen.Core.Specs;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistGen.Core.Training;

/// <summary>The number format training computes in: <c>--precision fp32|bf16</c>.</summary>
public enum Precision
{
    /// <summary>float32 throughout (the default).</summary>
    Fp32,
    /// <summary>
    /// bfloat16 forward and backward passes with float32 master weights: the optimizer, its state, the
    /// checkpoint, evaluation and prediction stay float32. Faster where the CPU computes bfloat16 natively
    /// (AVX-512 BF16 or AMX); emulated, and slower, elsewhere.
    /// </summary>
    Bf16,
}

/// <summary>The command line's and run.json's names of <see cref="Precision"/>.</summary>
internal static class PrecisionNames
{
    public static string Of(Precision precision) => precision == Precision.Bf16 ? "bf16" : "fp32";

    public static Precision? Parse(string? name) => name switch
    {
        null => null,
        "fp32" => Precision.Fp32,
        "bf16" => Precision.Bf16,
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "fp32 or bf16"),
    };
}

/// <summary>
/// Mixed-precision training without autocast (TorchSharp 0.107 has none): a bfloat16 copy of the module does
/// each step's forward and backward pass; the float32 module keeps the master weights the optimizer steps.
/// Per step: master weights copied into the copy, the batch converted, the loss computed in float32, the
/// gradients copied back, the optimizer stepped, and the copy's buffers (batch-norm running statistics,
/// updated by its forward pass) copied back so the master module is always the trained model.
/// </summary>
internal sealed class Bf16Shadow : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> shadow;
    private readonly Tensor[] masterParameters;
    private readonly Tensor[] shadowParameters;
    private readonly Tensor[] masterBuffers;
    private readonly Tensor[] shadowBuffers;

    private Bf16Shadow(nn.Module<Tensor, Tensor> master, nn.Module<Tensor, Tensor> shadow)
    {
        this.shadow = shadow;
        masterParameters = [.. master.parameters()];
        shadowParameters = [.. shadow.parameters()];
        masterBuffers = [.. master.buffers()];
        shadowBuffers = [.. shadow.buffers()];
        if (masterParameters.Length != shadowParameters.Length || masterBuffers.Length != shadowBuffers.Length)
            throw new InvalidOperationException("The bfloat16 copy of the module has other parameters than the module.");
        using var _ = no_grad();
        for (var i = 0; i < masterBuffers.Length; i++) shadowBuffers[i].copy_(masterBuffers[i]);
    }

    /// <summary>
    /// The bfloat16 copy of <paramref name="master"/> (already on <paramref name="device"/>, its weights and
    /// buffers loaded), made with the spec's own constructor; it draws from torch's generator, so the caller
    /// seeds afterwards.
    /// </summary>
    public static Bf16Shadow For(ArchitectureSpec spec, nn.Module<Tensor, Tensor> master, Device device)
    {
        var shadow = spec.Create();
        try
        {
            shadow.to(ScalarType.BFloat16);
            if (device.type != DeviceType.CPU) shadow.to(device);
            return new Bf16Shadow(master, shadow);
        }
        catch
        {
            shadow.Dispose();
            throw;
        }
    }

    /// <summary>Like <see cref="Trainer.Step"/>, one step in its own dispose scope, computed in bfloat16.</summary>
    public StepResult Step(
        nn.Module<Tensor, Tensor> master, OptimizerHelper optimizer, Func<Tensor, Tensor, Tensor> lossFn,
        Augmenter? augmenter, DataSplit train, Tensor permutation, int start, int count)
    {
        using var scope = NewDisposeScope();
        var (images, labels) = Trainer.Batch(augmenter, train, permutation, start, count);
        using (no_grad())
            for (var i = 0; i < masterParameters.Length; i++) shadowParameters[i].copy_(masterParameters[i]);
        shadow.train(master.training);
        var output = shadow.call(images.to(ScalarType.BFloat16)).to(ScalarType.Float32);
        var loss = lossFn(output, labels);
        shadow.zero_grad(set_to_none: true);
        loss.backward();
        for (var i = 0; i < masterParameters.Length; i++)
        {
            if (shadowParameters[i].grad is not { } gradient) { masterParameters[i].grad = null; continue; }
            if (masterParameters[i].grad is { } existing) existing.copy_(gradient);
            else masterParameters[i].grad = gradient.to(ScalarType.Float32);
        }
        optimizer.step();
        using (no_grad())
            for (var i = 0; i < masterBuffers.Length; i++) masterBuffers[i].copy_(shadowBuffers[i]);
        return new StepResult(loss.item<float>(), count);
    }

    public void Dispose() => shadow.Dispose();
}
