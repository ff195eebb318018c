using System.Globalization;
using System.Text;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MnistGen.Core.Checkpoints;

/// <summary>
/// The run directory on disk: creating it, writing the checkpoint and records atomically after each epoch,
/// and reading them back with every failure turned into one sentence that names the file.
/// </summary>
internal static class RunStore
{
    /// <summary>Pure: <c>outRoot/&lt;arch-id&gt;/&lt;yyyyMMdd-HHmmss&gt;</c>.</summary>
    public static string RunDirectoryFor(string outRoot, string specId, DateTime localTime) =>
        Path.Combine(outRoot, specId, localTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture));

    /// <summary>Creates a new run directory; a second run in the same second gets a <c>-2</c>, <c>-3</c>, ... suffix.</summary>
    public static Result<string> CreateRunDirectory(string outRoot, string specId, DateTime localTime)
    {
        var baseDir = RunDirectoryFor(outRoot, specId, localTime);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(baseDir)!);
            for (var n = 1; n < 1000; n++)
            {
                var dir = n == 1 ? baseDir : baseDir + "-" + n.ToString(CultureInfo.InvariantCulture);
                if (Directory.Exists(dir)) continue;
                Directory.CreateDirectory(dir);
                return Path.GetFullPath(dir);
            }
            return new Error($"Could not create a run directory under {Path.GetDirectoryName(baseDir)}: too many runs started in the same second.", ErrorKind.Failure, ErrorCode.OutputUnwritable);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new Error($"Could not create the run directory {baseDir} ({e.Message.TrimEnd('.')}); check --out.", Code: ErrorCode.OutputUnwritable);
        }
    }

    /// <summary>Writes run.json and history.csv (each atomically), run.json last-but-one so the CSV never runs ahead of it.</summary>
    public static void WriteRecords(string directory, TrainingRun run)
    {
        var paths = new RunPaths(directory);
        AtomicFile.WriteBytes(paths.RunJson, RunJson.Utf8(run));
        AtomicFile.WriteBytes(paths.HistoryCsv, Encoding.UTF8.GetBytes(HistoryCsv(run.History)));
    }

    /// <summary>
    /// Saves the epoch's checkpoint: model.bin (TorchSharp's module.save format) and optimizer.bin
    /// (TorchSharp's optimizer save_state_dict format), both prepared before either replaces the previous
    /// one, then run.json with their hashes. Returns the run with <see cref="TrainingRun.Checkpoint"/> set.
    /// </summary>
    public static TrainingRun WriteCheckpoint(string directory, TrainingRun run, nn.Module module, OptimizerHelper optimizer)
    {
        var paths = new RunPaths(directory);
        var (modelTemp, modelHash) = AtomicFile.Prepare(paths.Model, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            module.save(writer);
            writer.Flush();
        });
        string optimizerTemp, optimizerHash;
        try
        {
            (optimizerTemp, optimizerHash) = AtomicFile.Prepare(paths.Optimizer, stream =>
            {
                using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
                optimizer.save_state_dict(writer);
                writer.Flush();
            });
        }
        catch
        {
            AtomicFile.TryDelete(modelTemp);
            throw;
        }
        AtomicFile.Commit(modelTemp, paths.Model);
        AtomicFile.Commit(optimizerTemp, paths.Optimizer);
        var saved = run with
        {
            Checkpoint = new CheckpointFiles(run.EpochsCompleted, RunPaths.ModelFile, modelHash, RunPaths.OptimizerFile, optimizerHash),
        };
        WriteRecords(directory, saved);
        return saved;
    }

    /// <summary>
    /// Saves best.bin (the module as it is now, TorchSharp's module.save format) atomically and returns the run
    /// recording it as the best validation epoch; run.json is written by the epoch's checkpoint that follows.
    /// </summary>
    public static TrainingRun WriteBest(string directory, TrainingRun run, nn.Module module, int epoch, double validationAccuracy)
    {
        var paths = new RunPaths(directory);
        var (temp, hash) = AtomicFile.Prepare(paths.BestModel, stream =>
        {
            using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
            module.save(writer);
            writer.Flush();
        });
        AtomicFile.Commit(temp, paths.BestModel);
        return run with { Best = new BestCheckpoint(epoch, validationAccuracy, RunPaths.BestModelFile, hash) };
    }

    /// <summary>Pure: history.csv, invariant culture, round-trip precision; two validation columns when the run has a validation split.</summary>
    public static string HistoryCsv(IEnumerable<EpochReport> history)
    {
        var rows = history.ToList();
        var validation = rows.Any(r => r.ValidationAccuracy is not null);
        var text = new StringBuilder("epoch,train_loss,test_loss,test_accuracy,learning_rate,seconds" + (validation ? ",validation_loss,validation_accuracy" : "") + "\n");
        foreach (var r in rows)
        {
            text.Append(CultureInfo.InvariantCulture, $"{r.Epoch},{r.TrainLoss:R},{r.TestLoss:R},{r.TestAccuracy:R},{r.LearningRate:R},{r.Seconds:0.###}");
            if (validation) text.Append(CultureInfo.InvariantCulture, $",{r.ValidationLoss:R},{r.ValidationAccuracy:R}");
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>
    /// Reads run.json from a run directory, or the run.json beside a model.bin. The returned run has
    /// <see cref="TrainingRun.Directory"/> set.
    /// </summary>
    public static Result<TrainingRun> ReadRun(string runDirOrModel)
    {
        var directory = Directory.Exists(runDirOrModel) ? runDirOrModel
            : File.Exists(runDirOrModel) ? Path.GetDirectoryName(Path.GetFullPath(runDirOrModel))!
            : null;
        if (directory is null) return new Error($"{runDirOrModel} does not exist (expected a run directory or its {RunPaths.ModelFile}).", Code: ErrorCode.RunNotFound);
        var path = Path.Combine(directory, RunPaths.RunFile);
        if (!File.Exists(path))
            return new Error($"{path} is missing: {directory} is not a MnistGen run directory (a {RunPaths.ModelFile} needs the {RunPaths.RunFile} written beside it).", Code: ErrorCode.RunNotFound);
        string json;
        try
        {
            json = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Error($"Could not read {path} ({e.Message.TrimEnd('.')}).", Code: ErrorCode.RunInvalid);
        }
        return RunJson.Parse(json, path).Map(run => run with { Directory = Path.GetFullPath(directory) });
    }

    /// <summary>Pure: the run must have been made from this spec, and this version of it.</summary>
    public static Result<TrainingRun> CheckSpec(TrainingRun run, ArchitectureSpec spec)
    {
        var where = run.Directory ?? "the run";
        if (!string.Equals(run.SpecId, spec.Id, StringComparison.OrdinalIgnoreCase))
            return new Error($"{where} was trained with architecture '{run.SpecId}' ({run.SpecName}), not '{spec.Id}' ({spec.Name}).", Code: ErrorCode.SpecMismatch);
        if (!string.Equals(run.SpecHash, spec.SpecHash, StringComparison.OrdinalIgnoreCase))
            return new Error(
                $"{where} was trained with another version of {spec.SourcePath} (spec hash {Short(run.SpecHash)}, the current spec is {Short(spec.SpecHash)}); " +
                "train it again, or build with the spec version it was trained with.", Code: ErrorCode.SpecMismatch);
        return run;
    }

    /// <summary>
    /// Builds the spec's module on the CPU and loads the run's model.bin into it, after checking that the file
    /// is the one run.json recorded. The module is in eval mode; the caller owns (disposes) it.
    /// </summary>
    public static Result<nn.Module<Tensor, Tensor>> LoadModule(TrainingRun run, ArchitectureSpec spec, string? modelPath = null)
    {
        var module = spec.Create();
        var loaded = LoadModelState(run, spec, module, modelPath);
        if (!loaded.IsOk)
        {
            module.Dispose();
            return Result<nn.Module<Tensor, Tensor>>.Fail(loaded.Errors);
        }
        module.eval();
        return Result<nn.Module<Tensor, Tensor>>.Ok(module);
    }

    /// <summary>Loads the run's model.bin into <paramref name="module"/> (a fresh module of the spec, on the CPU).</summary>
    /// <param name="modelPath">The file to load, when not the run directory's model.bin; it must still be the file run.json records.</param>
    public static Result<string> LoadModelState(TrainingRun run, ArchitectureSpec spec, nn.Module module, string? modelPath = null)
    {
        if (run.Directory is null) throw new ArgumentException("The run was not read from a directory.", nameof(run));
        if (run.Checkpoint is null)
            return new Error($"{run.Directory} has no checkpoint yet: no epoch of that run completed.", Code: ErrorCode.RunInvalid);
        var path = modelPath ?? Path.Combine(run.Directory, run.Checkpoint.Model);
        return VerifyFile(path, run.Checkpoint.ModelSha256, run)
            .Bind(_ => LoadInto(path, spec, reader => module.load(reader, strict: true)));
    }

    /// <summary>Loads optimizer.bin into a freshly created optimizer of the same kind and parameters.</summary>
    public static Result<OptimizerHelper> LoadOptimizerState(TrainingRun run, ArchitectureSpec spec, OptimizerHelper optimizer)
    {
        if (run.Directory is null || run.Checkpoint is null) return optimizer;
        var path = Path.Combine(run.Directory, run.Checkpoint.Optimizer);
        return VerifyFile(path, run.Checkpoint.OptimizerSha256, run)
            .Bind(_ => LoadInto(path, spec, reader => optimizer.load_state_dict(reader)))
            .Map(_ => optimizer);
    }

    private static Result<string> VerifyFile(string path, string expectedSha256, TrainingRun run)
    {
        if (!File.Exists(path)) return new Error($"{path} is missing; {RunPaths.RunFile} in {run.Directory} records a checkpoint of epoch {run.Checkpoint!.Epoch.ToString(CultureInfo.InvariantCulture)}.", Code: ErrorCode.RunInvalid);
        try
        {
            var actual = AtomicFile.Sha256(path);
            if (!string.Equals(actual, expectedSha256, StringComparison.OrdinalIgnoreCase))
                return new Error($"{path} is not the checkpoint its {RunPaths.RunFile} records (SHA-256 differs): the file was replaced, damaged or not saved completely.", Code: ErrorCode.RunInvalid);
            return path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new Error($"Could not read {path} ({e.Message.TrimEnd('.')}).", Code: ErrorCode.RunInvalid);
        }
    }

    /// <summary>Runs a TorchSharp reader over the whole file; a short, long or foreign file is one clear error.</summary>
    private static Result<string> LoadInto(string path, ArchitectureSpec spec, Action<BinaryReader> load)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
            load(reader);
            if (stream.Position != stream.Length)
                return new Error($"{path} does not fit architecture '{spec.Id}': it has data past the end of the checkpoint.", Code: ErrorCode.RunInvalid);
            return path;
        }
        catch (EndOfStreamException)
        {
            return new Error($"{path} is truncated: it ends before the checkpoint of architecture '{spec.Id}' is complete.", Code: ErrorCode.RunInvalid);
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or FormatException or OverflowException or OutOfMemoryException or IndexOutOfRangeException or NotSupportedException or InvalidOperationException)
        {
            return new Error($"{path} does not fit architecture '{spec.Id}' ({e.Message.Split('\n')[0].TrimEnd('.')}).", Code: ErrorCode.RunInvalid);
        }
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
