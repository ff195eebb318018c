using MnistGen.Core.Functional;
using TorchSharp;

namespace MnistGen.Core.Training;

/// <summary>The device a run uses, and a notice for the user when it is not what they asked for.</summary>
internal sealed record DeviceDecision(DeviceType Device, string? Notice = null)
{
    /// <summary>The name recorded in run.json: <c>cpu</c> or <c>cuda</c>.</summary>
    public string Name => Device == DeviceType.CUDA ? "cuda" : "cpu";
}

/// <summary>Pure: which device to train on, from what was asked and what the machine has.</summary>
internal static class DeviceSelection
{
    public static Result<DeviceRequest> Parse(string? text) =>
        (text ?? "auto").Trim().ToLowerInvariant() switch
        {
            "auto" or "" => DeviceRequest.Auto,
            "cpu" => DeviceRequest.Cpu,
            "cuda" or "gpu" => DeviceRequest.Cuda,
            var other => new Error($"--device must be auto, cpu or cuda, not '{other}'.", Code: ErrorCode.InvalidOption),
        };

    public static Result<DeviceDecision> Choose(DeviceRequest requested, bool cudaAvailable) =>
        requested switch
        {
            DeviceRequest.Cpu => new DeviceDecision(DeviceType.CPU),
            DeviceRequest.Cuda when cudaAvailable => new DeviceDecision(DeviceType.CUDA),
            DeviceRequest.Cuda => new Error(
                "--device cuda was requested but CUDA is not available on this machine (this build uses the CPU LibTorch); use --device cpu or auto.",
                Code: ErrorCode.DeviceUnavailable),
            _ when cudaAvailable => new DeviceDecision(DeviceType.CUDA),
            _ => new DeviceDecision(DeviceType.CPU, "CUDA is not available; training on the CPU."),
        };
}
