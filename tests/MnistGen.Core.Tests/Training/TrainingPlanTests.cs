using System.Collections.Immutable;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using TorchSharp;
using static MnistGen.Core.Tests.Training.TestFixtures;

namespace MnistGen.Core.Tests.Training;

/// <summary>
/// The training plan from plain values: a spec record, options, a run record as run.json would give it, whether
/// CUDA is there and the core count. No LibTorch call, no file: the module factory of the spec is never invoked.
/// </summary>
public class TrainingPlanTests
{
    private static ArchitectureSpec PlainSpec(TrainingConfig? config = null, long macsPerImage = 0, string id = "tiny-mlp", string hash = "a1b2c3d4e5f6a7b8c9d0") =>
        Spec(config ?? Config(epochs: 3), create: () => throw new InvalidOperationException("planning must not build the module"), id: id, hash: hash) with
        {
            Summary = new ModelSummary(ImmutableArray<LayerSummary>.Empty, 1000, macsPerImage),
        };

    /// <summary>A run of <paramref name="spec"/> as run.json records it after <paramref name="completed"/> epochs.</summary>
    private static TrainingRun Recorded(ArchitectureSpec spec, TrainingConfig config, int completed) => new(
        TrainingRun.CurrentFormat, spec.Id, spec.Name, spec.SpecHash, spec.SourcePath, null, config, Options(),
        [.. Enumerable.Range(1, completed).Select(e => new EpochReport(e, 1.0 / e, 1.0 / e, 0.5, 0.05, 1))],
        RunStatus.Interrupted, new RunEnvironment("0.107.0", "2.10.0", "cpu", 1, "Linux", ".NET", 2),
        new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(2025, 1, 2, 3, 5, 5, TimeSpan.Zero),
        completed == 0 ? null : new CheckpointFiles(completed, "model.bin", "aa", "optimizer.bin", "bb"))
    {
        Directory = "/runs/tiny-mlp/20250102-030405",
    };

    [Fact]
    public void A_new_run_takes_the_spec_config_with_the_overrides_and_falls_back_to_the_cpu_with_a_notice()
    {
        var spec = PlainSpec(Config(epochs: 3, batchSize: 16, seed: 7));
        var plan = TrainingPlanner.Plan(spec, new RunOptions(Epochs: 5, Lr: 0.2), previous: null, cudaAvailable: false, cores: 2).Value;

        Assert.Equal(spec.Training with { Epochs = 5, Optimizer = spec.Training.Optimizer with { Lr = 0.2 } }, plan.Config);
        Assert.Equal(DeviceType.CPU, plan.Device.Device);
        Assert.Equal([plan.Device.Notice!], plan.Notices.ToArray());
        Assert.Contains("CUDA is not available", plan.Notices[0]);
        Assert.Null(plan.Previous);
        Assert.Equal(1, plan.FirstEpoch);
        Assert.False(plan.NothingToTrain);
        Assert.Same(spec, plan.Spec);
    }

    [Fact]
    public void Auto_takes_cuda_when_the_shell_found_it_without_a_notice()
    {
        var plan = TrainingPlanner.Plan(PlainSpec(), RunOptions.Default, null, cudaAvailable: true, cores: 2).Value;
        Assert.Equal(DeviceType.CUDA, plan.Device.Device);
        Assert.Empty(plan.Notices);
    }

    [Theory]
    [InlineData(0, 100, 8, 1)]            // a tiny step: one thread
    [InlineData(0, 1_000_000, 8, 8)]      // 16 images x 1 M MACs: every core
    [InlineData(3, 100, 8, 3)]            // the user's choice wins
    public void Threads_follow_the_thread_policy_for_the_resolved_batch(int requested, long macsPerImage, int cores, int expected)
    {
        var plan = TrainingPlanner.Plan(PlainSpec(Config(batchSize: 16), macsPerImage), new RunOptions(Threads: requested), null, false, cores).Value;
        Assert.Equal(expected, plan.Threads);
    }

    [Fact]
    public void The_batch_size_override_is_what_the_thread_choice_sees()
    {
        // 1 M MACs per image: 1 image per step is below the small-step threshold, 16 images are above it.
        var spec = PlainSpec(Config(batchSize: 16), macsPerImage: 1_000_000);
        Assert.Equal(1, TrainingPlanner.Plan(spec, new RunOptions(BatchSize: 1), null, false, 4).Value.Threads);
        Assert.Equal(4, TrainingPlanner.Plan(spec, RunOptions.Default, null, false, 4).Value.Threads);
    }

    [Fact]
    public void Every_error_is_collected_at_once_and_each_carries_its_code()
    {
        var result = TrainingPlanner.Plan(PlainSpec(), new RunOptions(Epochs: 0, Threads: -1, Device: DeviceRequest.Cuda), null, cudaAvailable: false, cores: 2);

        Assert.Equal(
            [ErrorCode.InvalidOption, ErrorCode.InvalidOption, ErrorCode.DeviceUnavailable],
            result.Errors.Select(e => e.Code).Order());
        Assert.All(result.Errors, e => Assert.Equal(ErrorKind.BadInput, e.Kind));
        // A negative thread count is reported once, as an option (it used to come twice and be filtered by its text).
        Assert.Single(result.Errors, e => e.Message == "--threads must be 0 (automatic) or a positive number, not -1.");
    }

    [Fact]
    public void A_spec_value_out_of_range_is_an_invalid_config_named_by_its_key()
    {
        var spec = PlainSpec(Config(batchSize: 0) with { Augment = new AugmentConfig(15, 10) });
        var errors = TrainingPlanner.Plan(spec, RunOptions.Default, null, false, 2).Errors;
        Assert.All(errors, e => Assert.Equal(ErrorCode.InvalidConfig, e.Code));
        Assert.Equal(
            ["training.batch_size must be between 1 and 1048576, not 0.", "augment max shift must be between 0 and 14 pixels, not 15."],
            errors.Select(e => e.Message));
    }

    [Fact]
    public void A_resumed_run_keeps_its_recorded_config_and_continues_after_its_last_epoch()
    {
        var spec = PlainSpec(Config(epochs: 3, seed: 7));
        var recordedConfig = spec.Training with { Epochs = 4, BatchSize = 8 }; // trained with overrides back then
        var previous = Recorded(spec, recordedConfig, completed: 2);

        var plan = TrainingPlanner.Plan(spec, new RunOptions(Epochs: 4, Device: DeviceRequest.Cpu, Resume: previous.Directory), previous, false, 2).Value;

        Assert.Equal(recordedConfig, plan.Config);
        Assert.Same(previous, plan.Previous);
        Assert.Equal(3, plan.FirstEpoch);
        Assert.False(plan.NothingToTrain);
        Assert.Equal(["Resuming /runs/tiny-mlp/20250102-030405 after epoch 2 of 4."], plan.Notices.ToArray());
    }

    [Fact]
    public void A_seed_that_differs_from_the_resumed_run_is_a_resume_conflict_and_more_epochs_extend_it()
    {
        var spec = PlainSpec(Config(epochs: 3));
        var previous = Recorded(spec, spec.Training, completed: 1);
        var seed = spec.Training.Seed + 1;
        var error = Assert.Single(TrainingPlanner.Plan(spec, new RunOptions(Epochs: 9, Seed: seed), previous, false, 2).Errors);
        Assert.Equal(ErrorCode.ResumeConflict, error.Code);
        Assert.Contains($"--seed {seed} differs from the run being resumed in /runs/tiny-mlp/20250102-030405", error.Message);

        var extended = TrainingPlanner.Plan(spec, new RunOptions(Epochs: 9, Device: DeviceRequest.Cpu), previous, false, 2).Value;
        Assert.Equal(9, extended.Config.Epochs);
        Assert.Equal(2, extended.FirstEpoch);
        Assert.Contains("Changing /runs/tiny-mlp/20250102-030405 after epoch 1: 3 to 9 epochs (the schedule follows the new values; run.json records the change).", extended.Notices);
    }

    [Fact]
    public void A_run_of_another_spec_or_spec_version_is_a_spec_mismatch()
    {
        var spec = PlainSpec();
        var previous = Recorded(spec, spec.Training, completed: 1);
        foreach (var other in new[] { PlainSpec(id: "tiny-cnn"), PlainSpec(hash: "ffff0000ffff0000") })
        {
            var error = Assert.Single(TrainingPlanner.Plan(other, RunOptions.Default, previous, false, 2).Errors);
            Assert.Equal(ErrorCode.SpecMismatch, error.Code);
        }
    }

    [Fact]
    public void A_resumed_run_that_completed_every_epoch_has_nothing_to_train()
    {
        var spec = PlainSpec(Config(epochs: 2));
        var previous = Recorded(spec, spec.Training, completed: 2);
        var plan = TrainingPlanner.Plan(spec, new RunOptions(Device: DeviceRequest.Auto), previous, cudaAvailable: false, cores: 2).Value;
        Assert.True(plan.NothingToTrain);
        Assert.Equal(2, plan.Notices.Length);
        Assert.Contains("CUDA is not available", plan.Notices[0]);
        Assert.Equal("/runs/tiny-mlp/20250102-030405 already completed all 2 epochs; nothing to train.", plan.Notices[1]);
    }

    [Fact]
    public void Data_of_another_data_set_or_shape_is_a_data_mismatch_named_by_split()
    {
        var spec = PlainSpec();
        var fits = new DataShape(DatasetKind.Mnist, [60, 1, 28, 28], [60], [10, 1, 28, 28], [10]);
        Assert.Empty(TrainingPlanner.CheckData(spec, DatasetKind.Mnist, fits));

        var errors = TrainingPlanner.CheckData(spec, DatasetKind.FashionMnist,
            fits with { TestImages = [10, 3, 28, 28], TrainLabels = [59] }).ToList();
        Assert.All(errors, e => Assert.Equal(ErrorCode.DataMismatch, e.Code));
        Assert.Equal(
        [
            "tiny-mlp trains on fashion-mnist, but the loaded data set is mnist.",
            "The training split has 60 images but labels of shape [59].",
            "The test images have shape [10, 3, 28, 28], but tiny-mlp takes [N, 1, 28, 28].",
        ], errors.Select(e => e.Message));

        var empty = TrainingPlanner.CheckData(spec, DatasetKind.Mnist, fits with { TestImages = [0, 1, 28, 28], TestLabels = [0] });
        Assert.Equal("The test split is empty.", Assert.Single(empty).Message);
    }
}
