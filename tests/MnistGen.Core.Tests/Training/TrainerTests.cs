using MnistGen.Core.Checkpoints;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using TorchSharp;
using static MnistGen.Core.Tests.Training.TestFixtures;

namespace MnistGen.Core.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    private readonly string _out = TempDir();
    private readonly MnistGen.Core.Data.Dataset _data = SyntheticData();

    public void Dispose()
    {
        _data.Dispose();
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }

    private static void AssertSameHistory(TrainingRun expected, TrainingRun actual)
    {
        Assert.Equal(expected.History.Length, actual.History.Length);
        foreach (var (e, a) in expected.History.Zip(actual.History))
            Assert.True(e.SameResultAs(a), $"epoch {e.Epoch}: expected {e}, got {a}");
    }

    [Fact]
    public void The_record_writers_warm_up_writes_nothing_and_a_run_after_it_trains_as_one_without_it()
    {
        var spec = Spec(Config(epochs: 2));
        var without = Trainer.Train(spec, _data, Options(_out));
        Assert.True(without.IsOk, Describe(without));

        var warmOut = TempDir();
        try
        {
            var plan = TrainingPlanner.Plan(spec, Options(warmOut), previous: null, cudaAvailable: false, cores: 1).Value;
            Trainer.WarmRecordWriter(plan);
            Assert.Empty(Directory.EnumerateFileSystemEntries(warmOut));
            var with = Trainer.Train(plan, _data);
            Assert.True(with.IsOk, Describe(with));
            AssertSameHistory(without.Value, with.Value);
            Assert.Equal(RunStatus.Completed, RunStore.ReadRun(with.Value.Directory!).Value.Status);
        }
        finally
        {
            try { Directory.Delete(warmOut, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public void Training_learns_the_synthetic_digits_and_writes_every_output()
    {
        var spec = Spec(Config(epochs: 3));
        var epochs = new List<EpochReport>();
        var result = Trainer.Train(spec, _data, Options(_out), new TrainingCallbacks(OnEpoch: (report, _) => epochs.Add(report)));

        Assert.True(result.IsOk, Describe(result));
        var run = result.Value;
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal([1, 2, 3], run.History.Select(r => r.Epoch));
        Assert.Equal(run.History.ToArray(), epochs);
        Assert.True(run.Final!.TestAccuracy > 0.9, $"accuracy {run.Final.TestAccuracy}: " + string.Join("; ", run.History));
        Assert.True(run.History[^1].TrainLoss < run.History[0].TrainLoss);

        var paths = run.Paths!;
        Assert.StartsWith(Path.Combine(_out, "tiny-mlp"), paths.Directory);
        Assert.Matches(@"\d{8}-\d{6}$", paths.Directory);
        Assert.True(File.Exists(paths.Model) && File.Exists(paths.Optimizer));
        Assert.Empty(Directory.GetFiles(paths.Directory, "*.tmp-*"));
        var csv = File.ReadAllLines(paths.HistoryCsv);
        Assert.Equal("epoch,train_loss,test_loss,test_accuracy,learning_rate,seconds", csv[0]);
        Assert.Equal(4, csv.Length);

        var reread = RunStore.ReadRun(paths.Directory).Value;
        Assert.Equal(RunStatus.Completed, reread.Status);
        Assert.Equal(run.History.ToArray(), reread.History.ToArray());
        Assert.Equal(run.Config, reread.Config);
        Assert.Equal(spec.SpecHash, reread.SpecHash);
        Assert.Equal("cpu", reread.Environment.Device);
        Assert.Equal(1, reread.Environment.Threads);
        Assert.StartsWith("0.107", reread.Environment.TorchSharpVersion);
    }

    [Fact]
    public void Two_runs_with_the_same_seed_have_identical_histories()
    {
        // 4 epochs x 32 steps of SGD with momentum and dropout, then of Adam on a CNN.
        foreach (var spec in new[]
                 {
                     Spec(Config(epochs: 4)),
                     Spec(Config(new OptimizerConfig(OptimizerKind.Adam, 0.002), epochs: 4, loss: new LossConfig(LossKind.CrossEntropy, 0.1)), () => new TinyCnn()),
                 })
        {
            var first = Trainer.Train(spec, _data, Options()).Value;
            var second = Trainer.Train(spec, _data, Options()).Value;
            AssertSameHistory(first, second);
            var otherSeed = Trainer.Train(spec, _data, Options() with { Seed = 8 }).Value;
            Assert.NotEqual(first.History[0].TrainLoss, otherSeed.History[0].TrainLoss);
        }
    }

    public static TheoryData<string> Optimizers => new() { "sgd-momentum", "adam", "adamw-augment-cosine", "adam-one-cycle-per-step" };

    private static TrainingConfig ResumeConfig(string name) => name switch
    {
        "sgd-momentum" => Config(new OptimizerConfig(OptimizerKind.Sgd, 0.05, Momentum: 0.9, Nesterov: true, WeightDecay: 1e-4), epochs: 4),
        "adam" => Config(new OptimizerConfig(OptimizerKind.Adam, 0.002), epochs: 4),
        // The rate changes at every step: a resumed epoch must step through the same rates.
        "adam-one-cycle-per-step" => Config(new OptimizerConfig(OptimizerKind.Adam, 0.002), epochs: 4,
            schedule: new ScheduleConfig(ScheduleKind.OneCycle, MaxLr: 0.01, PerStep: true)),
        _ => Config(new OptimizerConfig(OptimizerKind.AdamW, 0.003, WeightDecay: 0.01), epochs: 4,
            schedule: new ScheduleConfig(ScheduleKind.Cosine), augment: new AugmentConfig(2, 10)),
    };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void A_run_interrupted_after_epoch_2_and_resumed_ends_with_the_uninterrupted_history(string optimizer)
    {
        var spec = Spec(ResumeConfig(optimizer));
        var uninterrupted = Trainer.Train(spec, _data, Options(_out)).Value;

        using var cancel = new CancellationTokenSource();
        var callbacks = new TrainingCallbacks(
            OnBatch: p => { if (p.Epoch == 3 && p.Batch == 5) cancel.Cancel(); });
        var interrupted = Trainer.Train(spec, _data, Options(_out), callbacks, cancel.Token).Value;
        Assert.Equal(RunStatus.Interrupted, interrupted.Status);
        Assert.Equal(2, interrupted.EpochsCompleted);
        Assert.Equal(RunStatus.Interrupted, RunStore.ReadRun(interrupted.Directory!).Value.Status);

        var notices = new List<string>();
        var resumed = Trainer.Train(spec, _data, Options() with { Resume = interrupted.Directory, Persist = true },
            new TrainingCallbacks(OnNotice: notices.Add));
        Assert.True(resumed.IsOk, Describe(resumed));
        Assert.Equal(RunStatus.Completed, resumed.Value.Status);
        Assert.Equal(interrupted.Directory, resumed.Value.Directory);
        Assert.Contains(notices, n => n.Contains("after epoch 2 of 4"));
        AssertSameHistory(uninterrupted, resumed.Value);
        AssertSameHistory(uninterrupted, RunStore.ReadRun(interrupted.Directory!).Value);
    }

    [Fact]
    public void Cancellation_stops_at_a_step_boundary_and_keeps_the_last_checkpoint()
    {
        var spec = Spec(Config(epochs: 3));
        using var cancel = new CancellationTokenSource();
        var batches = 0;
        string? checkpointHash = null;
        var callbacks = new TrainingCallbacks(
            OnBatch: p => { batches++; if (p.Epoch == 2 && p.Batch == 3) cancel.Cancel(); },
            OnEpoch: (_, run) => checkpointHash = run.Checkpoint!.ModelSha256);
        var result = Trainer.Train(spec, _data, Options(_out), callbacks, cancel.Token);

        Assert.True(result.IsOk, Describe(result));
        var run = result.Value;
        Assert.True(run.IsInterrupted);
        Assert.Equal(1, run.EpochsCompleted);
        Assert.Equal(32 + 3, batches);                         // no step ran after the request
        Assert.Equal(checkpointHash, run.Checkpoint!.ModelSha256);
        using var loaded = ModelLoader.Load(run.Directory!, _ => spec).Value;   // the checkpoint still loads
        Assert.Equal(1, loaded.Run.EpochsCompleted);
    }

    [Fact]
    public void Hundreds_of_steps_do_not_grow_the_live_tensor_count()
    {
        // 3 epochs x 128 steps of Adam with dropout, augmentation and a per-epoch test pass.
        var spec = Spec(Config(new OptimizerConfig(OptimizerKind.Adam, 0.001), epochs: 3, batchSize: 4, augment: new AugmentConfig(2, 5)));
        var live = new List<long>();
        var callbacks = new TrainingCallbacks(OnBatch: _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        var result = Trainer.Train(spec, _data, Options(), callbacks);

        Assert.True(result.IsOk, Describe(result));
        Assert.Equal(3 * 128, live.Count);
        // Adam creates its moments on the first step; from then on every step frees all it made.
        var steady = live.Skip(1).ToList();
        Assert.True(steady.All(c => c == steady[0]), $"live tensors went from {steady.Min()} to {steady.Max()}");
    }

    [Fact]
    public void A_run_resumed_with_another_spec_or_spec_version_is_refused_naming_it()
    {
        var run = Trainer.Train(Spec(Config(epochs: 1)), _data, Options(_out)).Value;
        var resume = Options() with { Resume = run.Directory, Persist = true };

        var otherVersion = Trainer.Train(Spec(Config(epochs: 1), hash: "ffff0000ffff0000"), _data, resume);
        Assert.Equal(ErrorCode.SpecMismatch, Assert.Single(otherVersion.Errors).Code);
        var message = Assert.Single(otherVersion.Errors).Message;
        Assert.Contains("another version of specs/tiny-mlp.yaml", message);
        Assert.Contains("a1b2c3d4e5f6", message);

        var otherSpec = Trainer.Train(Spec(Config(epochs: 1), id: "tiny-cnn"), _data, resume);
        Assert.Contains("was trained with architecture 'tiny-mlp' (TinyMlp), not 'tiny-cnn'", Assert.Single(otherSpec.Errors).Message);
    }

    [Theory]
    [InlineData("truncated-model")]
    [InlineData("foreign-model")]
    [InlineData("truncated-json")]
    [InlineData("foreign-json")]
    [InlineData("missing-model")]
    public void A_damaged_checkpoint_is_a_clear_bad_input_error_and_nothing_is_overwritten(string damage)
    {
        // A run stopped after epoch 1 of 2: resumable, so resuming must read its checkpoint.
        var spec = Spec(Config(epochs: 2));
        using var cancel = new CancellationTokenSource();
        var run = Trainer.Train(spec, _data, Options(_out), new TrainingCallbacks(OnEpoch: (_, _) => cancel.Cancel()), cancel.Token).Value;
        Assert.Equal(1, run.EpochsCompleted);
        var paths = run.Paths!;
        switch (damage)
        {
            case "truncated-model": Truncate(paths.Model); break;
            case "foreign-model": File.WriteAllBytes(paths.Model, "PK\u0003\u0004 not a torch file"u8.ToArray()); break;
            case "truncated-json": Truncate(paths.RunJson); break;
            case "foreign-json": File.WriteAllText(paths.RunJson, """{ "name": "some-package", "version": "1.0.0" }"""); break;
            case "missing-model": File.Delete(paths.Model); break;
        }
        var before = Directory.GetFiles(paths.Directory).ToDictionary(f => f, File.ReadAllBytes);

        var resumed = Trainer.Train(spec, _data, Options() with { Resume = paths.Directory, Persist = true });
        var loaded = ModelLoader.Load(paths.Directory, _ => spec);

        foreach (var result in new[] { resumed.Errors, loaded.Errors })
        {
            var error = Assert.Single(result);
            Assert.Equal(ErrorKind.BadInput, error.Kind);
            Assert.Equal(ErrorCode.RunInvalid, error.Code);
            var file = damage.EndsWith("json", StringComparison.Ordinal) ? paths.RunJson : paths.Model;
            Assert.Contains(file, error.Message);
            Assert.DoesNotContain("\n", error.Message);
        }
        Assert.Equal(before.Keys.Order(), Directory.GetFiles(paths.Directory).Order());
        Assert.All(before, kv => Assert.Equal(kv.Value, File.ReadAllBytes(kv.Key)));
    }

    [Fact]
    public void A_truncated_model_bin_whose_hash_was_also_rewritten_is_still_caught_by_the_loader()
    {
        var spec = Spec(Config(epochs: 1));
        var run = Trainer.Train(spec, _data, Options(_out)).Value;
        var paths = run.Paths!;
        Truncate(paths.Model);
        var forged = run with { Checkpoint = run.Checkpoint! with { ModelSha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(paths.Model))) } };
        File.WriteAllText(paths.RunJson, RunJson.Serialize(forged));

        var error = Assert.Single(ModelLoader.Load(paths.Directory, _ => spec).Errors);
        Assert.Equal($"{paths.Model} is truncated: it ends before the checkpoint of architecture 'tiny-mlp' is complete.", error.Message);
    }

    [Fact]
    public void A_model_bin_that_is_its_own_but_does_not_fit_the_architecture_is_refused()
    {
        // Same id and hash but a different module (as if the generator changed the layers): the load fails, clearly.
        var run = Trainer.Train(Spec(Config(epochs: 1)), _data, Options(_out)).Value;
        var wider = Spec(Config(epochs: 1), () => new TinyMlp(hidden: 48));
        var error = Assert.Single(ModelLoader.Load(run.Directory!, _ => wider).Errors);
        Assert.Contains(run.Paths!.Model, error.Message);
        Assert.Contains("does not fit architecture 'tiny-mlp'", error.Message);
    }

    [Fact]
    public void Bad_options_and_mismatched_data_are_all_reported_before_anything_is_written()
    {
        var spec = Spec(Config() with { Dataset = DatasetKind.FashionMnist });
        var result = Trainer.Train(spec, _data, Options(_out) with { Epochs = 0, Device = DeviceRequest.Cuda });
        var messages = result.Errors.Select(e => e.Message).ToList();
        Assert.Contains("--epochs must be at least 1, not 0.", messages);
        Assert.Contains(messages, m => m.Contains("trains on fashion-mnist, but the loaded data set is mnist"));
        Assert.Contains(messages, m => m.StartsWith("--device cuda was requested", StringComparison.Ordinal));
        Assert.Equal([ErrorCode.InvalidOption, ErrorCode.DataMismatch, ErrorCode.DeviceUnavailable], result.Errors.Select(e => e.Code).Order());
        Assert.Empty(Directory.GetFileSystemEntries(_out));
    }

    [Fact]
    public void A_completed_run_resumed_again_has_nothing_to_do()
    {
        var spec = Spec(Config(epochs: 1));
        var run = Trainer.Train(spec, _data, Options(_out)).Value;
        var again = Trainer.Train(spec, _data, Options() with { Resume = run.Directory, Persist = true }).Value;
        Assert.Equal(run.History.ToArray(), again.History.ToArray());
        Assert.Contains(again.Notices, n => n.Contains("nothing to train"));
    }

    [Fact]
    public void The_clock_passed_in_stamps_the_run_and_names_its_directory()
    {
        var spec = Spec(Config(epochs: 1));
        var options = Options(_out);
        var plan = TrainingPlanner.Plan(spec, options, previous: null, cudaAvailable: false, cores: 1).Value;
        var clock = new FixedClock(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

        var run = Trainer.Train(plan, _data, clock: clock).Value;

        Assert.Equal(clock.Now, run.StartedUtc);
        Assert.Equal(clock.Now, run.UpdatedUtc);
        Assert.Equal(Path.Combine(_out, "tiny-mlp", "20250102-030405"), run.Directory);
        Assert.Equal(clock.Now, RunStore.ReadRun(run.Directory!).Value.StartedUtc);
    }

    [Fact]
    public void Data_that_does_not_fit_the_plan_is_refused_before_anything_is_written()
    {
        var plan = TrainingPlanner.Plan(Spec(Config() with { Dataset = DatasetKind.FashionMnist }), Options(_out), null, false, 1).Value;
        var error = Assert.Single(Trainer.Train(plan, _data).Errors);
        Assert.Equal(ErrorCode.DataMismatch, error.Code);
        Assert.Empty(Directory.GetFileSystemEntries(_out));
    }

    /// <summary>A clock stopped at <see cref="Now"/>, in UTC; elapsed times still come from the system's timestamp.</summary>
    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
        public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;
    }

    private static void Truncate(string path)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
    }
}
