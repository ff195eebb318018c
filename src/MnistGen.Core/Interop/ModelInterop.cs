using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Data;
using MnistGen.Core.Functional;
using MnistGen.Core.Runtime;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using static TorchSharp.torch;

namespace MnistGen.Core.Interop;

/// <summary>The formats a trained model is written to for other tools.</summary>
public enum ExportFormat
{
    /// <summary>A PyTorch state_dict (<c>model.pt</c>) that <c>torch.load</c> reads.</summary>
    PyTorch,
    /// <summary>A safetensors file (<c>model.safetensors</c>) with the spec, data set and normalisation in its metadata.</summary>
    SafeTensors,
    /// <summary>The whole network as an ONNX model (<c>model.onnx</c>, opset 13) for ONNX Runtime.</summary>
    Onnx,
}

/// <summary>
/// A trained model leaves MnistGen (<c>export</c>) or a state_dict trained elsewhere becomes a run (<c>import</c>).
/// Keys are checked against the spec first, every mismatch listed in one error, and nothing is written unless
/// everything fits.
/// </summary>
public static class ModelInterop
{
    internal static string NameOf(ExportFormat format) => format.ToString().ToLowerInvariant();

    internal static string ExtensionOf(ExportFormat format) => format switch
    {
        ExportFormat.PyTorch => ".pt",
        ExportFormat.Onnx => ".onnx",
        _ => ".safetensors",
    };

    /// <summary>The name of the ONNX model's output: what the network's last layer makes.</summary>
    internal static string OutputNameOf(OutputKind output) => output switch
    {
        OutputKind.LogProbabilities => "log_probabilities",
        OutputKind.Probabilities => "probabilities",
        _ => "logits",
    };

    /// <summary>
    /// The whole network as an ONNX model: the generated module writes one builder call per layer (spec order),
    /// with the weights of <paramref name="module"/>; the metadata says how to normalise the input.
    /// </summary>
    public static Result<byte[]> ToOnnx(ArchitectureSpec spec, nn.Module<Tensor, Tensor> module, IReadOnlyDictionary<string, string> metadata)
    {
        if (module is not IOnnxExport export)
            return new Error($"architecture '{spec.Id}' was generated without an ONNX writer; rebuild it with this version of MnistGen.", ErrorKind.BadInput);
        try
        {
            var builder = new OnnxGraphBuilder(StateDict.Extract(module));
            var output = export.WriteOnnx(builder, builder.Input);
            var props = metadata.Where(p => p.Key != "format").OrderBy(p => p.Key, StringComparer.Ordinal);
            return builder.Build(output, OutputNameOf(spec.Output), spec.InputShape, spec.Classes, props, spec.Name,
                $"{spec.Name} ({spec.SourcePath}), exported by mnistgen. Input: [N, {string.Join(", ", spec.InputShape.Select(d => d.ToString(CultureInfo.InvariantCulture)))}] float32, " +
                $"pixels / 255 normalised with mnistgen.normalize_mean and mnistgen.normalize_std; output: {OutputNameOf(spec.Output)} over {spec.Classes.ToString(CultureInfo.InvariantCulture)} classes.");
        }
        catch (OnnxExportException e)
        {
            // A kind without an ONNX form names itself ("layer 'x' (kind) cannot be exported to ONNX: why"); a weight the graph misses or leaves over does not.
            var why = e.Message.StartsWith("layer ", StringComparison.Ordinal) ? e.Message : "cannot be exported to ONNX: " + e.Message;
            return new Error($"Architecture '{spec.Id}' ({spec.SourcePath}): {why}.", ErrorKind.BadInput);
        }
    }

    internal static Result<ExportFormat> ParseFormat(string text)
    {
        foreach (var format in Enum.GetValues<ExportFormat>())
            if (string.Equals(NameOf(format), text.Trim(), StringComparison.OrdinalIgnoreCase)) return format;
        return new Error($"Unknown export format '{text}'; the formats are: {string.Join(", ", Enum.GetValues<ExportFormat>().Select(NameOf))}.");
    }

    /// <summary>What a safetensors file's <c>__metadata__</c> says about the model (the normalisation a user must apply, where it came from).</summary>
    public static ImmutableDictionary<string, string> Metadata(ArchitectureSpec spec, TrainingRun run)
    {
        var dataset = DatasetInfo.For(run.Config.Dataset);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["mnistgen.spec"] = spec.Id,
            ["mnistgen.spec_hash"] = spec.SpecHash,
            ["mnistgen.dataset"] = dataset.Name,
            ["mnistgen.input"] = TensorRecord.ShapeText([.. spec.InputShape.Select(d => (long)d)]),
            ["mnistgen.normalize_mean"] = dataset.Mean.ToString("R", CultureInfo.InvariantCulture),
            ["mnistgen.normalize_std"] = dataset.Std.ToString("R", CultureInfo.InvariantCulture),
            ["mnistgen.output"] = spec.Output.ToString(),
            ["mnistgen.epochs"] = run.EpochsCompleted.ToString(CultureInfo.InvariantCulture),
        };
        if (run.Final is { } final) metadata["mnistgen.test_accuracy"] = final.TestAccuracy.ToString("R", CultureInfo.InvariantCulture);
        return metadata.ToImmutableDictionary();
    }

    /// <summary>Writes <paramref name="model"/>'s weights as <paramref name="format"/> to <paramref name="target"/> (atomically).</summary>
    public static Result<string> Export(LoadedModel model, ExportFormat format, string target)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(directory))
            return new Error($"{directory} does not exist; create it first, or pass --out with a file in an existing directory.", ErrorKind.BadInput);
        if (Directory.Exists(target)) return new Error($"{target} is a directory; --out names the file to write.", ErrorKind.BadInput);

        var records = StateDict.Extract(model.Module);
        try
        {
            if (format == ExportFormat.SafeTensors)
            {
                AtomicFile.WriteBytes(target, SafeTensors.Write(records, Metadata(model.Spec, model.Run)));
                return target;
            }
            if (format == ExportFormat.Onnx)
            {
                var onnx = ToOnnx(model.Spec, model.Module, Metadata(model.Spec, model.Run));
                if (!onnx.IsOk) return Result<string>.Fail(onnx.Errors);
                AtomicFile.WriteBytes(target, onnx.Value);
                return target;
            }
            // A fresh module holds plain contiguous tensors, which is what PyBridge writes correctly.
            using var fresh = model.Spec.Create();
            var applied = StateDict.Apply(fresh, records, model.ModelPath, $"architecture '{model.Spec.Id}'");
            if (!applied.IsOk) return Result<string>.Fail(applied.Errors);
            AtomicFile.Write(target, stream => PyTorchFile.Write(fresh, stream));
            return target;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Error($"Could not write {target}: {e.Message.TrimEnd('.')}.", ErrorKind.Failure);
        }
    }

    /// <summary>Reads a state_dict file: a zip (torch.save) is PyTorch's format, anything else is read as safetensors.</summary>
    internal static Result<ImmutableArray<TensorRecord>> ReadStateDict(string path)
    {
        if (Directory.Exists(path)) return new Error($"{path} is a directory, not a .pt or .safetensors file.", ErrorKind.BadInput);
        if (!File.Exists(path)) return new Error($"{path} does not exist.", ErrorKind.BadInput);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Error($"Could not read {path}: {e.Message.TrimEnd('.')}.", ErrorKind.BadInput);
        }
        // A zip is what torch.save writes, whatever the file is called; otherwise the extension says which format.
        var zip = bytes.Length >= 4 && bytes[0] == 0x50 && bytes[1] == 0x4b && bytes[2] == 0x03 && bytes[3] == 0x04;
        bool Named(string extension) => path.EndsWith(extension, StringComparison.OrdinalIgnoreCase);
        if (zip || Named(".pt") || Named(".pth")) return PyTorchFile.Read(bytes, path);
        if (Named(".safetensors")) return SafeTensors.Read(bytes, path).Map(file => file.Tensors);
        return new Error($"{path} is neither a PyTorch state_dict (.pt or .pth, as torch.save(model.state_dict(), path) writes it) " +
                         "nor a .safetensors file, the two formats import reads.", ErrorKind.BadInput);
    }

    /// <summary>
    /// Makes a run directory under <paramref name="outRoot"/> whose model.bin holds <paramref name="file"/>'s weights,
    /// so that eval and predict work on it. Nothing is created unless every key, shape and dtype fits.
    /// </summary>
    public static Result<TrainingRun> Import(ArchitectureSpec spec, string file, string outRoot, DateTimeOffset now)
    {
        var records = ReadStateDict(file);
        if (!records.IsOk) return Result<TrainingRun>.Fail(records.Errors);
        using var module = spec.Create();
        var applied = StateDict.Apply(module, records.Value, file, $"architecture '{spec.Id}' ({spec.SourcePath})");
        if (!applied.IsOk) return Result<TrainingRun>.Fail(applied.Errors);

        return RunStore.CreateRunDirectory(outRoot, spec.Id, now.LocalDateTime).Map(directory =>
        {
            var paths = new RunPaths(directory);
            var hash = AtomicFile.Write(paths.Model, stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                module.save(writer);
            });
            var run = new TrainingRun(TrainingRun.CurrentFormat, spec.Id, spec.Name, spec.SpecHash, spec.SourcePath, spec.ExpectedAccuracy,
                spec.Training, RunOptions.Default with { OutRoot = outRoot, Epochs = 0 }, [], RunStatus.Completed,
                TorchRuntime.Describe("cpu"),
                now, now, new CheckpointFiles(0, RunPaths.ModelFile, hash, "", ""))
            {
                Directory = directory,
                ImportedFrom = Path.GetFullPath(file),
            };
            RunStore.WriteRecords(directory, run);
            return run;
        });
    }
}
