using MnistGen.Core.Checkpoints;
using MnistGen.Core.Evaluation;
using MnistGen.Core.Functional;
using MnistGen.Core.Training;
using static MnistGen.Core.Tests.Training.TestFixtures;
using static TorchSharp.torch;

namespace MnistGen.Core.Tests.Training;

/// <summary><c>train --precision bf16</c>: bfloat16 steps, float32 master weights, recorded and kept on resume.</summary>
[Collection(TorchCollection.Name)]
public sealed class PrecisionTests : IDisposable
{
    private readonly string _out = TempDir();
    private readonly MnistGen.Core.Data.Dataset _data = SyntheticData();

    public void Dispose()
    {
        _data.Dispose();
        try { Directory.Delete(_out, recursive: true); } catch (IOException) { }
    }

    private static MnistGen.Core.Specs.ArchitectureSpec BnSpec(int epochs = 3) =>
        Spec(Config(epochs: epochs, batchSize: 32), () => new TinyBnCnn(), id: "tiny-bn-cnn");

    [Fact]
    public void Bf16_trains_as_well_as_fp32_in_other_numbers_and_saves_float32_weights_the_usual_loader_reads()
    {
        var spec = BnSpec();
        var fp32 = Trainer.Train(spec, _data, Options(_out));
        var bf16 = Trainer.Train(spec, _data, Options(_out) with { Precision = Precision.Bf16 });
        Assert.True(fp32.IsOk, Describe(fp32));
        Assert.True(bf16.IsOk, Describe(bf16));

        // Both learn the synthetic digits; the bf16 run computed in other numbers (its losses differ).
        Assert.True(bf16.Value.Final!.TestAccuracy > 0.9, $"bf16 test accuracy {bf16.Value.Final.TestAccuracy}");
        Assert.True(Math.Abs(bf16.Value.Final.TestAccuracy - fp32.Value.Final!.TestAccuracy) < 0.05,
            $"fp32 {fp32.Value.Final.TestAccuracy}, bf16 {bf16.Value.Final.TestAccuracy}");
        Assert.NotEqual(fp32.Value.History.Select(h => h.TrainLoss), bf16.Value.History.Select(h => h.TrainLoss));

        // run.json says so (and an fp32 run's says nothing, as before the option existed).
        Assert.Contains("\"precision\": \"bf16\"", File.ReadAllText(bf16.Value.Paths!.RunJson));
        Assert.DoesNotContain("precision", File.ReadAllText(fp32.Value.Paths!.RunJson));
        Assert.Equal(Precision.Bf16, RunStore.ReadRun(bf16.Value.Directory!).Value.Options.Precision);

        // model.bin holds float32 master weights and the batch-norm statistics the steps accumulated: loaded
        // the usual way, it gives the recorded test accuracy exactly.
        using var loaded = ModelLoader.Load(bf16.Value.Directory!, _ => spec).Value;
        Assert.All(loaded.Module.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        var runningMean = loaded.Module.buffers().First(b => b.dtype == ScalarType.Float32);
        Assert.True(runningMean.abs().sum().item<float>() > 0, "the running statistics were not copied back from the bf16 copy");
        var summary = Evaluator.Summarize(loaded.Module, _data.Test, 50, spec.Training.Loss)!.Value;
        Assert.Equal(bf16.Value.Final.TestAccuracy, summary.Accuracy);
    }

    [Fact]
    public void A_bf16_run_resumes_in_bf16_and_a_resume_asking_for_fp32_is_refused()
    {
        var spec = BnSpec();
        var whole = Trainer.Train(spec, _data, Options(_out) with { Precision = Precision.Bf16 }).Value;
        using var cancel = new CancellationTokenSource();
        var interrupted = Trainer.Train(spec, _data, Options(_out) with { Precision = Precision.Bf16 },
            new TrainingCallbacks(OnBatch: p => { if (p.Epoch == 2 && p.Batch == 3) cancel.Cancel(); }, BatchInterval: 1), cancel.Token).Value;
        Assert.Equal(1, interrupted.EpochsCompleted);

        var refused = Trainer.Train(spec, _data, Options() with { Resume = interrupted.Directory, Persist = true, Precision = Precision.Fp32 });
        var error = Assert.Single(refused.Errors);
        Assert.Equal(ErrorCode.ResumeConflict, error.Code);
        Assert.Contains("--precision fp32 differs from the run being resumed", error.Message);
        Assert.Contains("(bf16)", error.Message);

        // Without --precision the run continues in its own precision, exactly as if never interrupted.
        var resumed = Trainer.Train(spec, _data, Options() with { Resume = interrupted.Directory, Persist = true });
        Assert.True(resumed.IsOk, Describe(resumed));
        Assert.Equal(whole.History.Select(h => h.TrainLoss), resumed.Value.History.Select(h => h.TrainLoss));
        Assert.Equal(whole.History.Select(h => h.TestAccuracy), resumed.Value.History.Select(h => h.TestAccuracy));
        Assert.Equal(Precision.Bf16, RunStore.ReadRun(interrupted.Directory!).Value.Options.Precision);
    }

    [Theory]
    [InlineData(Precision.Bf16, false, true)]
    [InlineData(Precision.Bf16, true, false)]
    [InlineData(Precision.Fp32, false, false)]
    public void Bf16_on_a_cpu_that_only_emulates_it_gets_a_notice(Precision precision, bool native, bool notice)
    {
        var plan = TrainingPlanner.Plan(BnSpec(), Options() with { Precision = precision }, null, cudaAvailable: false, cores: 2, nativeBf16: native).Value;
        Assert.Equal(precision, plan.Precision);
        Assert.Equal(notice, plan.Notices.Any(n => n.Contains("emulated", StringComparison.Ordinal) && n.Contains("AVX-512 BF16", StringComparison.Ordinal)));
    }
}
