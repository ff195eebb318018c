using MnistGen.Core.Checkpoints;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;
using static MnistGen.Core.Tests.Training.TestFixtures;

namespace MnistGen.Core.Tests.Training;

/// <summary><c>train --validation N</c>: which images are held out, what the run records, and that best.bin is the best validation epoch.</summary>
[Collection(TorchCollection.Name)]
public sealed class ValidationTests : IDisposable
{
    private readonly string _out = TempDir();
    private readonly MnistGen.Core.Data.Dataset _data = SyntheticData();

    public void Dispose()
    {
        _data.Dispose();
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }

    /// <summary>Labels with uneven classes, as real data has: class c has 40 + 7c images, in a shuffled order.</summary>
    private static long[] UnevenLabels()
    {
        var labels = Enumerable.Range(0, 10).SelectMany(c => Enumerable.Repeat((long)c, 40 + 7 * c)).ToArray();
        var order = Shuffle.Permutation(3, 1, labels.Length);
        return [.. order.Select(i => labels[i])];
    }

    [Fact]
    public void The_held_out_images_are_stratified_disjoint_from_the_trained_ones_and_together_every_image_once()
    {
        var labels = UnevenLabels();
        var split = ValidationSplit.Choose(labels, 57, seed: 1).Value;

        Assert.Equal(57, split.Validation.Length);
        Assert.Empty(split.Train.Intersect(split.Validation));
        Assert.Equal(Enumerable.Range(0, labels.Length), split.Train.Concat(split.Validation).Order());
        Assert.Equal(split.Validation.Order(), split.Validation);
        Assert.Equal(split.Train.Order(), split.Train);
        // 57 = 10 x 5 + 7: classes 0-6 give 6 images, classes 7-9 give 5.
        var perClass = Enumerable.Range(0, 10).Select(c => split.Validation.Count(i => labels[i] == c)).ToArray();
        Assert.Equal([6, 6, 6, 6, 6, 6, 6, 5, 5, 5], perClass);
    }

    [Fact]
    public void The_split_depends_on_the_seed_alone()
    {
        var labels = UnevenLabels();
        var first = ValidationSplit.Choose(labels, 100, seed: 1).Value;
        Assert.Equal(first.Validation, ValidationSplit.Choose(labels, 100, seed: 1).Value.Validation);
        Assert.NotEqual(first.Validation, ValidationSplit.Choose(labels, 100, seed: 2).Value.Validation);
    }

    [Theory]
    [InlineData(0, "between 1 and")]
    [InlineData(715, "between 1 and 714")]
    [InlineData(500, "class 0, which has only 40")]
    public void A_validation_count_the_data_cannot_give_is_a_bad_input_error_saying_why(int count, string expected)
    {
        var error = Assert.Single(ValidationSplit.Choose(UnevenLabels(), count, seed: 1).Errors);
        Assert.Equal(ErrorKind.BadInput, error.Kind);
        Assert.Contains($"--validation {count}", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Best_moves_only_on_a_strictly_higher_validation_accuracy()
    {
        Assert.True(BestCheckpointPolicy.Improves(null, 0.5));
        var best = new BestCheckpoint(2, 0.8, "best.bin", "00");
        Assert.True(BestCheckpointPolicy.Improves(best, 0.81));
        Assert.False(BestCheckpointPolicy.Improves(best, 0.8));
        Assert.False(BestCheckpointPolicy.Improves(best, 0.7));
        Assert.False(BestCheckpointPolicy.Improves(null, double.NaN));
    }

    /// <summary>A rate high enough that validation accuracy goes up and down over the epochs.</summary>
    private static ArchitectureSpec NoisySpec(int epochs = 6) =>
        Spec(Config(new OptimizerConfig(OptimizerKind.Sgd, 0.4, Momentum: 0.9), epochs: epochs, batchSize: 32));

    [Fact]
    public void Best_bin_holds_the_weights_of_the_epoch_with_the_highest_validation_accuracy()
    {
        var spec = NoisySpec();
        var trainedImages = new HashSet<long>();
        var result = Trainer.Train(spec, _data, Options(_out) with { Validation = 100 },
            new TrainingCallbacks(OnBatch: p => trainedImages.Add(p.EpochImages), BatchInterval: 1));
        Assert.True(result.IsOk, Describe(result));
        var run = result.Value;

        // The trainer trained on the 412 images left, and validated every epoch.
        Assert.Equal([412L], trainedImages);
        Assert.All(run.History, h => Assert.True(h.ValidationAccuracy is >= 0 and <= 1 && h.ValidationLoss is > 0, h.ToString()));
        var accuracies = run.History.Select(h => h.ValidationAccuracy!.Value).ToList();
        var bestEpoch = accuracies.IndexOf(accuracies.Max()) + 1; // the first of equals
        var best = run.Best!;
        Assert.Equal(bestEpoch, best.Epoch);
        // The rate makes the last epoch not the best, so best.bin and model.bin differ and the test tells them apart.
        Assert.True(best.Epoch < run.EpochsCompleted, "validation accuracy per epoch: " + string.Join(", ", accuracies));
        Assert.Equal(accuracies.Max(), best.ValidationAccuracy);

        // best.bin is that epoch's model: evaluated on the held-out images it gives the recorded accuracy.
        var paths = run.Paths!;
        Assert.Equal(AtomicFile.Sha256(paths.BestModel), best.ModelSha256);
        var heldOut = ValidationSplit.Apply(_data.Train, 100, spec.Training.Seed).Value;
        try
        {
            using var loaded = ModelLoader.Load(paths.Directory, _ => spec, WeightsChoice.Best).Value;
            Assert.Equal(paths.BestModel, loaded.ModelPath);
            var summary = Evaluator.Summarize(loaded.Module, heldOut.Validation, 50, spec.Training.Loss)!.Value;
            Assert.Equal(best.ValidationAccuracy, summary.Accuracy);
            using var last = ModelLoader.Load(paths.Directory, _ => spec).Value;
            Assert.Equal(run.History[^1].ValidationAccuracy, Evaluator.Summarize(last.Module, heldOut.Validation, 50, spec.Training.Loss)!.Value.Accuracy);
        }
        finally
        {
            foreach (var part in new[] { heldOut.Train, heldOut.Validation }) { part.Images.Dispose(); part.Labels.Dispose(); }
        }

        var reread = RunStore.ReadRun(paths.Directory).Value;
        Assert.Equal(best, reread.Best);
        Assert.Equal(100, reread.ValidationCount);
        Assert.Equal(run.History.ToArray(), reread.History.ToArray());
        Assert.EndsWith(",validation_loss,validation_accuracy", File.ReadAllLines(paths.HistoryCsv)[0]);
    }

    [Fact]
    public void The_best_epoch_so_far_survives_an_interruption_and_resume()
    {
        var spec = NoisySpec();
        var whole = Trainer.Train(spec, _data, Options(_out) with { Validation = 100 }).Value;

        using var cancel = new CancellationTokenSource();
        var interrupted = Trainer.Train(spec, _data, Options(_out) with { Validation = 100 },
            new TrainingCallbacks(OnBatch: p => { if (p.Epoch == 4 && p.Batch == 3) cancel.Cancel(); }), cancel.Token).Value;
        Assert.Equal(3, interrupted.EpochsCompleted);
        Assert.NotNull(interrupted.Best);

        // Resumed without --validation: the recorded split is used again.
        var resumed = Trainer.Train(spec, _data, Options() with { Resume = interrupted.Directory, Persist = true });
        Assert.True(resumed.IsOk, Describe(resumed));
        Assert.Equal(whole.History.Select(h => h.ValidationAccuracy), resumed.Value.History.Select(h => h.ValidationAccuracy));
        Assert.Equal(whole.Best!.Epoch, resumed.Value.Best!.Epoch);
        Assert.Equal(whole.Best.ModelSha256, resumed.Value.Best.ModelSha256);
    }

    [Fact]
    public void A_resume_with_another_validation_count_is_refused_and_best_without_validation_names_the_run()
    {
        var spec = NoisySpec(epochs: 2);
        using var cancel = new CancellationTokenSource();
        var run = Trainer.Train(spec, _data, Options(_out),
            new TrainingCallbacks(OnBatch: p => { if (p.Epoch == 2) cancel.Cancel(); }), cancel.Token).Value;
        Assert.Null(run.Best);
        Assert.DoesNotContain("validation", File.ReadAllText(run.Paths!.RunJson), StringComparison.OrdinalIgnoreCase);

        var refused = Trainer.Train(spec, _data, Options() with { Resume = run.Directory, Persist = true, Validation = 50 });
        var error = Assert.Single(refused.Errors);
        Assert.Equal(ErrorCode.ResumeConflict, error.Code);
        Assert.Contains("--validation 50 differs", error.Message);

        var best = Assert.Single(ModelLoader.Load(run.Directory!, _ => spec, WeightsChoice.Best).Errors);
        Assert.Contains(run.Directory!, best.Message);
        Assert.Contains("without --validation", best.Message);
    }

    [Fact]
    public void A_run_json_from_before_validation_still_reads_as_a_run_without_it()
    {
        var run = Trainer.Train(NoisySpec(epochs: 1), _data, Options(_out) with { Validation = 100 }).Value;
        var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(run.Paths!.RunJson))!.AsObject();
        // What an older version wrote: no best, no validation option, no validation numbers in the history.
        node.Remove("best");
        node["options"]!.AsObject().Remove("validation");
        foreach (var entry in node["history"]!.AsArray()) { entry!.AsObject().Remove("validationLoss"); entry.AsObject().Remove("validationAccuracy"); }
        var old = RunJson.Parse(node.ToJsonString(), "run.json");
        Assert.True(old.IsOk, Describe(old));
        Assert.Null(old.Value.Best);
        Assert.Equal(0, old.Value.ValidationCount);
        Assert.Null(old.Value.History[0].ValidationAccuracy);
        Assert.Equal(run.History[0].TestAccuracy, old.Value.History[0].TestAccuracy);
    }

    [Fact]
    public void A_validation_split_larger_than_the_data_is_refused_before_a_run_directory_is_made()
    {
        var result = Trainer.Train(NoisySpec(), _data, Options(_out) with { Validation = 600 });
        var error = Assert.Single(result.Errors);
        Assert.Contains("--validation 600 must hold out between 1 and 511 of the 512 training images", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(_out));
    }

    [Fact]
    public void The_dataset_override_replaces_the_specs_and_a_resume_cannot_change_it()
    {
        var config = Config();
        var resolved = ConfigResolution.Resolve(config, RunOptions.Default with { Dataset = DatasetKind.FashionMnist }).Value;
        Assert.Equal(DatasetKind.FashionMnist, resolved.Dataset);
        Assert.Equal(config with { Dataset = DatasetKind.FashionMnist }, resolved);
        Assert.Equal(DatasetKind.Mnist, ConfigResolution.Resolve(config, RunOptions.Default).Value.Dataset);

        var error = Assert.Single(ConfigResolution.ForResume(config, RunOptions.Default with { Dataset = DatasetKind.FashionMnist }, "runs/x").Errors);
        Assert.Contains("--dataset fashion-mnist differs from the run being resumed in runs/x (mnist)", error.Message);
        Assert.True(ConfigResolution.ForResume(config, RunOptions.Default with { Dataset = DatasetKind.Mnist }, "runs/x").IsOk);
    }
}
