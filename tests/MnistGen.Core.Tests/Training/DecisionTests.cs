using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using TorchSharp;

namespace MnistGen.Core.Tests.Training;

public class DeviceSelectionTests
{
    [Fact]
    public void Cpu_is_always_the_cpu()
    {
        Assert.Equal(new DeviceDecision(DeviceType.CPU), DeviceSelection.Choose(DeviceRequest.Cpu, cudaAvailable: true).Value);
        Assert.Equal(new DeviceDecision(DeviceType.CPU), DeviceSelection.Choose(DeviceRequest.Cpu, cudaAvailable: false).Value);
    }

    [Fact]
    public void Auto_takes_cuda_when_present_and_falls_back_to_the_cpu_with_a_notice()
    {
        Assert.Equal(new DeviceDecision(DeviceType.CUDA), DeviceSelection.Choose(DeviceRequest.Auto, cudaAvailable: true).Value);
        var fallback = DeviceSelection.Choose(DeviceRequest.Auto, cudaAvailable: false).Value;
        Assert.Equal(DeviceType.CPU, fallback.Device);
        Assert.Contains("CUDA is not available", fallback.Notice);
    }

    [Fact]
    public void Explicit_cuda_without_cuda_is_a_bad_input_error()
    {
        Assert.Equal(DeviceType.CUDA, DeviceSelection.Choose(DeviceRequest.Cuda, cudaAvailable: true).Value.Device);
        var result = DeviceSelection.Choose(DeviceRequest.Cuda, cudaAvailable: false);
        var error = Assert.Single(result.Errors);
        Assert.Equal(ErrorKind.BadInput, error.Kind);
        Assert.Contains("--device cuda", error.Message);
    }

    [Theory]
    [InlineData("auto", DeviceRequest.Auto)]
    [InlineData("CPU", DeviceRequest.Cpu)]
    [InlineData(" cuda ", DeviceRequest.Cuda)]
    public void Device_names_parse_case_insensitively(string text, DeviceRequest expected) =>
        Assert.Equal(expected, DeviceSelection.Parse(text).Value);

    [Fact]
    public void An_unknown_device_name_lists_the_valid_ones() =>
        Assert.Contains("auto, cpu or cuda", DeviceSelection.Parse("tpu").Errors[0].Message);
}

public class ShuffleTests
{
    [Fact]
    public void SplitMix64_matches_the_reference_implementation()
    {
        // First outputs of splitmix64.c (Vigna) seeded with 1234567.
        var rng = new SplitMix64(1234567);
        Assert.Equal(6457827717110365317UL, rng.Next());
        Assert.Equal(3203168211198807973UL, rng.Next());
        Assert.Equal(9817491932198370423UL, rng.Next());
    }

    [Fact]
    public void A_permutation_holds_every_index_once()
    {
        var p = Shuffle.Permutation(seed: 1, epoch: 1, n: 1000);
        Assert.Equal(Enumerable.Range(0, 1000), p.Order());
        Assert.NotEqual(Enumerable.Range(0, 1000), p);
    }

    [Fact]
    public void The_same_seed_and_epoch_give_the_same_permutation_and_others_differ()
    {
        Assert.Equal(Shuffle.Permutation(5, 3, 500), Shuffle.Permutation(5, 3, 500));
        Assert.NotEqual(Shuffle.Permutation(5, 3, 500), Shuffle.Permutation(5, 4, 500));
        Assert.NotEqual(Shuffle.Permutation(5, 3, 500), Shuffle.Permutation(6, 3, 500));
    }

    [Fact]
    public void Small_permutations_are_uniform()
    {
        var counts = new Dictionary<string, int>();
        for (var epoch = 1; epoch <= 6000; epoch++)
        {
            var key = string.Join(",", Shuffle.Permutation(42, epoch, 3));
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        Assert.Equal(6, counts.Count);
        Assert.All(counts.Values, c => Assert.InRange(c, 880, 1120)); // 1000 expected, > 4 sigma margin
    }

    [Fact]
    public void Derived_seeds_differ_by_purpose_and_epoch_and_fit_torch()
    {
        var seeds = new[]
        {
            Shuffle.DeriveSeed(1, 1, Shuffle.Stream.Shuffle), Shuffle.DeriveSeed(1, 1, Shuffle.Stream.Torch),
            Shuffle.DeriveSeed(1, 2, Shuffle.Stream.Torch), Shuffle.DeriveSeed(2, 1, Shuffle.Stream.Torch),
        };
        Assert.Equal(seeds.Length, seeds.Distinct().Count());
        Assert.All(seeds, s => Assert.True(s >= 0));
    }

    [Fact]
    public void Edge_sizes_work()
    {
        Assert.Empty(Shuffle.Permutation(1, 1, 0));
        Assert.Equal([0], Shuffle.Permutation(1, 1, 1));
    }
}

public class LearningRateScheduleTests
{
    [Fact]
    public void None_keeps_the_base_rate() =>
        Assert.All(LearningRateSchedule.All(ScheduleConfig.None, 0.01, 5), lr => Assert.Equal(0.01, lr));

    [Fact]
    public void Step_multiplies_by_gamma_every_n_epochs()
    {
        var lrs = LearningRateSchedule.All(new ScheduleConfig(ScheduleKind.Step, StepEvery: 2, Gamma: 0.5), 0.1, 6);
        Assert.Equal([0.1, 0.1, 0.05, 0.05, 0.025, 0.025], lrs);
    }

    [Fact]
    public void Cosine_starts_at_the_base_rate_halves_at_the_midpoint_and_decreases()
    {
        var lrs = LearningRateSchedule.All(new ScheduleConfig(ScheduleKind.Cosine), 0.2, 4);
        Assert.Equal(0.2, lrs[0], 12);
        Assert.Equal(0.1, lrs[2], 12);                                  // cos(pi * 2/4) = 0
        Assert.Equal(0.2 * 0.5 * (1 + Math.Cos(Math.PI * 3 / 4)), lrs[3], 12);
        Assert.True(lrs.Zip(lrs.Skip(1)).All(p => p.First > p.Second));
    }

    [Fact]
    public void One_cycle_warms_up_from_a_25th_to_the_peak_then_anneals_to_far_below()
    {
        var lrs = LearningRateSchedule.All(new ScheduleConfig(ScheduleKind.OneCycle, MaxLr: 0.5), 0.01, 11);
        Assert.Equal(0.5 / 25, lrs[0], 12);
        Assert.Equal(0.5, lrs.Max(), 12);
        Assert.Equal(0.5 / 25 / 1e4, lrs[^1], 12);
        var peak = lrs.ToList().IndexOf(lrs.Max());
        Assert.Equal(3, peak);                                          // 0.3 * (11 - 1) epochs in
        Assert.True(lrs.Take(peak + 1).Zip(lrs.Skip(1).Take(peak)).All(p => p.First < p.Second));
        Assert.True(lrs.Skip(peak).Zip(lrs.Skip(peak + 1)).All(p => p.First > p.Second));
    }

    private static double[] Steps(ScheduleConfig schedule, double baseLr, int stepsPerEpoch, int epochs) =>
        [.. Enumerable.Range(0, stepsPerEpoch * epochs).Select(s => LearningRateSchedule.AtStep(schedule, baseLr, s, stepsPerEpoch, epochs))];

    [Fact]
    public void One_cycle_per_step_matches_torch_OneCycleLR_stepped_per_batch()
    {
        // torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.5, total_steps=20) (cos, three_phase False), get_last_lr()
        // after 0, 1, ... steps: warm-up over steps 0..5 (pct_start * 20 - 1 = 5), annealing over steps 5..19.
        var lrs = Steps(new ScheduleConfig(ScheduleKind.OneCycle, MaxLr: 0.5, PerStep: true), 0.01, 5, 4);
        Assert.Equal(20, lrs.Length);
        Assert.Equal(0.02, lrs[0], 12);
        Assert.Equal(0.02 + (0.5 - 0.02) * 0.5 * (1 - Math.Cos(Math.PI * 2 / 5)), lrs[2], 12);
        Assert.Equal(0.5, lrs[5], 12);
        Assert.Equal(0.250001, lrs[12], 9);                              // torch: 0.250001
        Assert.Equal(0.5, lrs.Max(), 12);
        Assert.Equal(0.02 / 1e4, lrs[^1], 12);
        Assert.True(lrs.Take(6).Zip(lrs.Skip(1).Take(5)).All(p => p.First < p.Second));
        Assert.True(lrs.Skip(5).Zip(lrs.Skip(6)).All(p => p.First > p.Second));
    }

    [Fact]
    public void One_cycle_per_step_anneals_within_a_single_epoch()
    {
        var lrs = Steps(new ScheduleConfig(ScheduleKind.OneCycle, MaxLr: 0.03, PerStep: true), 0.03, 100, 1);
        Assert.Equal(0.03 / 25, lrs[0], 12);
        Assert.Equal(0.03, lrs.Max(), 12);
        Assert.True(lrs[^1] < 1e-5);
        // Per epoch, one epoch is a constant max_lr: the reason PerStep exists.
        Assert.Equal([0.03], LearningRateSchedule.All(new ScheduleConfig(ScheduleKind.OneCycle, MaxLr: 0.03), 0.03, 1));
    }

    [Fact]
    public void Cosine_per_step_follows_the_step_not_the_epoch()
    {
        var lrs = Steps(new ScheduleConfig(ScheduleKind.Cosine, PerStep: true), 0.2, 4, 2);
        Assert.Equal(0.2, lrs[0], 12);
        Assert.Equal(0.1, lrs[4], 12);                                  // half-way through 8 steps
        Assert.Equal(0.2 * 0.5 * (1 + Math.Cos(Math.PI * 7 / 8)), lrs[7], 12);
        Assert.True(lrs.Zip(lrs.Skip(1)).All(p => p.First > p.Second));
    }

    [Theory]
    [InlineData(ScheduleKind.None)]
    [InlineData(ScheduleKind.Step)]
    [InlineData(ScheduleKind.Cosine)]
    [InlineData(ScheduleKind.OneCycle)]
    public void Without_per_step_every_step_gets_its_epochs_rate(ScheduleKind kind)
    {
        var schedule = new ScheduleConfig(kind, StepEvery: 1, Gamma: 0.5, MaxLr: 0.1);
        var epochs = LearningRateSchedule.All(schedule, 0.05, 5);
        var steps = Steps(schedule, 0.05, 3, 5);
        Assert.Equal(epochs.SelectMany(lr => Enumerable.Repeat(lr, 3)), steps);
    }

    [Fact]
    public void A_step_outside_the_run_is_a_programming_error()
    {
        var schedule = new ScheduleConfig(ScheduleKind.OneCycle, MaxLr: 0.1, PerStep: true);
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.AtStep(schedule, 0.1, 6, 3, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateSchedule.AtStep(schedule, 0.1, -1, 3, 2));
    }

    [Fact]
    public void One_cycle_without_max_lr_peaks_at_the_optimizer_rate() =>
        Assert.Equal(0.03, LearningRateSchedule.All(new ScheduleConfig(ScheduleKind.OneCycle), 0.03, 11).Max(), 12);
}

public class EpochFoldTests
{
    [Fact]
    public void Train_loss_is_the_image_weighted_mean_of_batch_means()
    {
        StepResult[] steps = [new(1.0, 4), new(2.0, 4), new(4.0, 2)];
        var report = EpochAccumulator.Fold(3, steps, new TestSummary(0.5, 0.9), 0.01, 1.5);
        Assert.Equal(new EpochReport(3, (4 + 8 + 8) / 10.0, 0.5, 0.9, 0.01, 1.5), report);
    }

    [Fact]
    public void An_empty_epoch_has_no_loss() => Assert.True(double.IsNaN(EpochAccumulator.Empty.MeanLoss));

    [Fact]
    public void Same_result_ignores_the_wall_time()
    {
        var a = new EpochReport(1, 0.5, 0.4, 0.9, 0.01, 1.0);
        Assert.True(a.SameResultAs(a with { Seconds = 9 }));
        Assert.False(a.SameResultAs(a with { TestLoss = 0.41 }));
    }
}

public class ConfigResolutionTests
{
    private static readonly TrainingConfig Spec = TestFixtures.Config(epochs: 15, batchSize: 64, seed: 1);

    [Fact]
    public void Without_overrides_the_spec_wins() =>
        Assert.Equal(Spec, ConfigResolution.Resolve(Spec, new RunOptions()).Value);

    [Fact]
    public void Overrides_replace_epochs_batch_size_lr_and_seed()
    {
        var resolved = ConfigResolution.Resolve(Spec, new RunOptions(Epochs: 2, BatchSize: 128, Lr: 0.5, Seed: 9)).Value;
        Assert.Equal(Spec with { Epochs = 2, BatchSize = 128, Seed = 9, Optimizer = Spec.Optimizer with { Lr = 0.5 } }, resolved);
    }

    [Fact]
    public void Every_bad_option_is_reported_at_once_as_bad_input()
    {
        var result = ConfigResolution.Resolve(Spec, new RunOptions(Epochs: 0, BatchSize: -1, Lr: double.NaN, Seed: -3, Threads: -2));
        Assert.False(result.IsOk);
        var messages = result.Errors.Select(e => e.Message).ToList();
        Assert.Contains("--epochs must be at least 1, not 0.", messages);
        Assert.Contains(messages, m => m.StartsWith("--batch-size must be between 1 and", StringComparison.Ordinal));
        Assert.Contains("--lr must be a positive number, not NaN.", messages);
        Assert.Contains("--seed must be 0 or a positive number, not -3.", messages);
        Assert.Contains(messages, m => m.StartsWith("--threads", StringComparison.Ordinal));
        Assert.Equal(5, messages.Count);
        Assert.All(result.Errors, e => Assert.Equal(ErrorKind.BadInput, e.Kind));
    }

    [Fact]
    public void A_bad_spec_value_is_named_as_the_spec_key_and_an_override_fixes_it()
    {
        var bad = Spec with { Epochs = 0, Optimizer = new OptimizerConfig(OptimizerKind.Sgd, 0.1, Nesterov: true) };
        var messages = ConfigResolution.Resolve(bad, new RunOptions()).Errors.Select(e => e.Message).ToList();
        Assert.Contains("training.epochs must be at least 1, not 0.", messages);
        Assert.Contains("sgd nesterov needs a momentum above 0.", messages);
        Assert.Single(ConfigResolution.Resolve(bad, new RunOptions(Epochs: 3)).Errors);
    }

    [Fact]
    public void On_resume_epochs_and_lr_continue_the_run_and_batch_size_or_seed_are_refused_with_the_reason()
    {
        Assert.Equal(Spec, ConfigResolution.ForResume(Spec, new RunOptions(Epochs: 15, Seed: 1), "runs/x").Value);
        var extended = ConfigResolution.ForResume(Spec, new RunOptions(Epochs: 20, Lr: 0.9), "runs/x", epochsCompleted: 15).Value;
        Assert.Equal(Spec with { Epochs = 20, Optimizer = Spec.Optimizer with { Lr = 0.9 } }, extended);

        var refused = ConfigResolution.ForResume(Spec, new RunOptions(Epochs: 10, BatchSize: Spec.BatchSize + 1, Seed: Spec.Seed + 1), "runs/x", epochsCompleted: 12);
        Assert.Equal(3, refused.Errors.Length);
        Assert.Contains(refused.Errors, e => e.Message.Contains("--batch-size", StringComparison.Ordinal) && e.Message.Contains("batches of that size", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.Message.Contains("--seed", StringComparison.Ordinal) && e.Message.Contains("drawn from the run's seed", StringComparison.Ordinal));
        Assert.Contains(refused.Errors, e => e.Message == "--epochs 10 is fewer than the 12 epochs runs/x has already trained; give 12 or more.");
    }
}

public class TimeToAccuracyTests
{
    private static readonly MnistGen.Core.Evaluation.AccuracyPoint[] Series =
    [
        new(50, 1.0, 0.97), new(100, 2.1, 0.9812), new(150, 3.0, 0.979), new(200, 4.2, 0.99), new(250, 5.0, 0.9932),
    ];

    [Theory]
    [InlineData(0.98, 2.1)]   // the first point at or above, even though a later one dips below again
    [InlineData(0.99, 4.2)]   // exactly 9,900 of 10,000 counts
    [InlineData(0.97, 1.0)]
    public void The_first_evaluation_at_or_above_the_target_gives_the_time(double target, double seconds) =>
        Assert.Equal(seconds, MnistGen.Core.Evaluation.TimeToAccuracy.FirstReaching(Series, target)!.TrainSeconds);

    [Fact]
    public void A_target_never_reached_is_null() =>
        Assert.Null(MnistGen.Core.Evaluation.TimeToAccuracy.FirstReaching(Series, 0.995));

    [Fact]
    public void Evaluations_out_of_training_order_are_refused() =>
        Assert.Throws<ArgumentException>(() => MnistGen.Core.Evaluation.TimeToAccuracy.FirstReaching([Series[1], Series[0]], 0.999));
}
