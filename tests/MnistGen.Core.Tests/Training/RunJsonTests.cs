using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Serialization;
using MnistGen.Core.Checkpoints;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;

namespace MnistGen.Core.Tests.Training;

public class RunJsonTests
{
    private static TrainingRun Sample(params EpochReport[] history) => new(
        TrainingRun.CurrentFormat, "cnn-5x5", "Cnn5x5", "abc123", "specs/cnn-5x5.yaml", 0.992,
        TestFixtures.Config(new OptimizerConfig(OptimizerKind.Adam, 1e-4), augment: new AugmentConfig(2, 10.5)) with { Dataset = DatasetKind.FashionMnist },
        new RunOptions(Epochs: 3, Lr: 0.001), [.. history], RunStatus.Running,
        new RunEnvironment("0.107.0", "2.10.0", "cpu", 2, "Linux", ".NET 10", 2),
        new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(2025, 1, 2, 3, 14, 5, TimeSpan.Zero),
        history.Length == 0 ? null : new CheckpointFiles(history.Length, "model.bin", "aa", "optimizer.bin", "bb"));

    [Fact]
    public void A_run_round_trips_including_nan_losses_and_enums_as_names()
    {
        var run = Sample(new EpochReport(1, double.NaN, 0.25, 0.5, 1e-4, 12.5));
        var json = RunJson.Serialize(run);
        Assert.Contains("\"dataset\": \"fashion-mnist\"", json);
        Assert.Contains("\"kind\": \"adam\"", json);
        Assert.Contains("\"trainLoss\": \"NaN\"", json);
        Assert.Contains("\"learningRate\": 0.0001", json);

        var back = RunJson.Parse(json, "run.json").Value;
        Assert.Equal(run.Config, back.Config);
        Assert.Equal(run.Options, back.Options);
        Assert.Equal(run.Environment, back.Environment);
        Assert.Equal(run.Checkpoint, back.Checkpoint);
        Assert.Equal(run.History.ToArray(), back.History.ToArray());
        Assert.Equal(run.StartedUtc, back.StartedUtc);
    }

    [Theory]
    [InlineData(OptimizerKind.Sgd, "sgd")]
    [InlineData(OptimizerKind.Adam, "adam")]
    [InlineData(OptimizerKind.AdamW, "adamw")]
    public void The_data_set_and_the_optimizer_are_written_as_the_spec_writes_them(OptimizerKind kind, string name)
    {
        var run = Sample() with { Config = Sample().Config with { Optimizer = new OptimizerConfig(kind, 0.01) } };
        var json = RunJson.Serialize(run);
        Assert.Contains("\"dataset\": \"fashion-mnist\"", json);
        Assert.Contains($"\"kind\": \"{name}\"", json);
        Assert.Equal(run.Config, RunJson.Parse(json, "run.json").Value.Config);
    }

    [Fact]
    public void A_run_json_written_with_the_old_spellings_still_reads()
    {
        // Before the names were shared, run.json had JSON's snake_case of the enum members.
        var json = RunJson.Serialize(Sample(new EpochReport(1, 0.5, 0.25, 0.9, 1e-4, 12.5)) with
            {
                Config = Sample().Config with { Optimizer = new OptimizerConfig(OptimizerKind.AdamW, 0.001, WeightDecay: 0.01) },
            })
            .Replace("\"fashion-mnist\"", "\"fashion_mnist\"", StringComparison.Ordinal)
            .Replace("\"adamw\"", "\"adam_w\"", StringComparison.Ordinal);
        // Those are the spellings the old writer (enums as snake_case names) produced.
        var oldWriter = new JsonSerializerOptions { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) } };
        Assert.Contains($"\"dataset\": {JsonSerializer.Serialize(DatasetKind.FashionMnist, oldWriter)}", json);
        Assert.Contains($"\"kind\": {JsonSerializer.Serialize(OptimizerKind.AdamW, oldWriter)}", json);

        var back = RunJson.Parse(json, "run.json").Value;
        Assert.Equal(DatasetKind.FashionMnist, back.Config.Dataset);
        Assert.Equal(OptimizerKind.AdamW, back.Config.Optimizer.Kind);
        Assert.Contains("\"dataset\": \"fashion-mnist\"", RunJson.Serialize(back)); // written back in the new spelling
    }

    [Fact]
    public void An_unknown_data_set_name_in_run_json_is_one_sentence_naming_the_file()
    {
        var json = RunJson.Serialize(Sample()).Replace("\"fashion-mnist\"", "\"cifar\"", StringComparison.Ordinal);
        var error = Assert.Single(RunJson.Parse(json, "/runs/a/run.json").Errors);
        Assert.StartsWith("/runs/a/run.json is not a valid run record", error.Message);
        Assert.Contains("'cifar' is not a data set this version knows (mnist, fashion-mnist).", error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Theory]
    [InlineData("""{ "name": "left-pad" }""", "is not a MnistGen run record")]
    [InlineData("""[1, 2]""", "is not a MnistGen run record")]
    [InlineData("""{ "format": "mnistgen-run/9" }""", "format 'mnistgen-run/9'")]
    [InlineData("""{ "format": "mnistgen-run/1", "specId": "x" """, "is not a valid run record")]
    [InlineData("""{ "format": "mnistgen-run/1", "specId": "x" }""", "is not a valid run record")]
    public void Foreign_truncated_or_incomplete_records_are_one_sentence_naming_the_file(string json, string expected)
    {
        var error = Assert.Single(RunJson.Parse(json, "/runs/a/run.json").Errors);
        Assert.Equal(MnistGen.Core.Functional.ErrorCode.RunInvalid, error.Code);
        Assert.StartsWith("/runs/a/run.json ", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("\n", error.Message);
    }

    [Fact]
    public void History_that_skips_an_epoch_or_lacks_its_checkpoint_is_damaged()
    {
        var gap = Sample(new EpochReport(1, 1, 1, 0.1, 0.1, 1), new EpochReport(3, 1, 1, 0.1, 0.1, 1));
        Assert.Contains("history entry 2 is not epoch 2", RunJson.Parse(RunJson.Serialize(gap), "run.json").Errors[0].Message);
        var noCheckpoint = Sample(new EpochReport(1, 1, 1, 0.1, 0.1, 1)) with { Checkpoint = null };
        Assert.Contains("no checkpoint of epoch 1", RunJson.Parse(RunJson.Serialize(noCheckpoint), "run.json").Errors[0].Message);
    }

    [Fact]
    public void History_csv_is_invariant_with_round_trip_precision() =>
        Assert.Equal(
            "epoch,train_loss,test_loss,test_accuracy,learning_rate,seconds\n1,0.1,0.30000000000000004,0.9876,0.01,1.235\n",
            RunStore.HistoryCsv([new EpochReport(1, 0.1, 0.1 + 0.2, 0.9876, 0.01, 1.2345)]));

    [Fact]
    public void Run_directories_are_named_by_architecture_and_local_start_time() =>
        Assert.Equal(Path.Combine("runs", "mlp", "20250102-030405"), RunStore.RunDirectoryFor("runs", "mlp", new DateTime(2025, 1, 2, 3, 4, 5)));

    [Fact]
    public void Final_metrics_pick_the_first_best_epoch()
    {
        var run = Sample(new EpochReport(1, 1, 0.5, 0.9, 0.1, 2), new EpochReport(2, 0.5, 0.4, 0.95, 0.1, 3), new EpochReport(3, 0.4, 0.45, 0.95, 0.1, 4));
        Assert.Equal(new FinalMetrics(0.95, 0.45, 0.4, 2, 0.95, 9), run.Final);
        Assert.Null(Sample().Final);
    }
}
