using System.Diagnostics;
using System.Globalization;
using System.Text;
using MnistGen.Core.Runtime;
using MnistGen.Core.Training;
using MnistGen.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace MnistGen.Bench;

/// <summary>
/// Would bfloat16 training pay on this CPU (issue 15, item 3)? TorchSharp 0.107 has no autocast, so the bf16
/// side is what mixed precision without autocast is: fp32 master weights; per step they are copied into a bf16
/// copy of the module, forward and backward run in bf16 (the loss in fp32), the gradients are copied back and
/// the optimizer steps the fp32 weights. Both sides train the same architecture on the same real batches, in
/// alternating blocks of steps in one process; the report gives seconds per step and the ratio. Measures only
/// speed: if bf16 is not faster, its accuracy need not be tried.
/// </summary>
internal static class Precision
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static int Run(Options o)
    {
        var machine = MachineFacts.Current;
        var md = new StringBuilder();
        md.AppendLine(Inv, $"# bfloat16 against float32 training steps, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(Inv, $"- Machine: {machine.Describe()}; load average at the end {{LOAD}}.");
        md.AppendLine(Inv, $"- {torch.__version__} (TorchSharp 0.107, no autocast): bf16 = fp32 master weights copied into a bf16 module each step, forward + backward in bf16, loss in fp32, gradients copied back, SGD on fp32. {o.Steps} steps per block, blocks alternating, {o.Repeats} of each; median block.");
        md.AppendLine();
        md.AppendLine("| arch | threads | fp32 s/step | bf16 s/step | bf16 / fp32 |");
        md.AppendLine("|---|---:|---:|---:|---:|");
        using var data = Worker.Load(MnistGen.Core.Specs.DatasetKind.Mnist, o.Data);
        foreach (var arch in o.Archs)
            foreach (var threads in o.Threads)
            {
                TorchRuntime.SetThreads(threads);
                var spec = Architectures.Find(arch).Value;
                var batch = spec.Training.BatchSize;
                manual_seed(1);
                using var master = spec.Create();
                using var half = spec.Create();
                half.to(ScalarType.BFloat16);
                var lossFn = Losses.For(spec.Training.Loss);
                var masterParams = master.parameters().ToArray();
                var halfParams = half.parameters().ToArray();
                using var sgd = optim.SGD(masterParams, 0.01);
                var position = 0;
                (Tensor X, Tensor Y) NextBatch()
                {
                    if (position + batch > data.Train.Count) position = 0;
                    var x = data.Train.Images.narrow(0, position, batch);
                    var y = data.Train.Labels.narrow(0, position, batch);
                    position += batch;
                    return (x, y);
                }
                void Fp32Step()
                {
                    using var scope = NewDisposeScope();
                    var (x, y) = NextBatch();
                    sgd.zero_grad();
                    lossFn(master.call(x), y).backward();
                    sgd.step();
                }
                void Bf16Step()
                {
                    using var scope = NewDisposeScope();
                    var (x, y) = NextBatch();
                    using (no_grad())
                        for (var i = 0; i < masterParams.Length; i++) halfParams[i].copy_(masterParams[i]);
                    foreach (var p in halfParams) p.grad?.zero_();
                    var output = half.call(x.to(ScalarType.BFloat16)).to(ScalarType.Float32);
                    lossFn(output, y).backward();
                    for (var i = 0; i < masterParams.Length; i++)
                        masterParams[i].grad = halfParams[i].grad!.to(ScalarType.Float32);
                    sgd.step();
                }
                double Block(Action step)
                {
                    var clock = Stopwatch.StartNew();
                    for (var s = 0; s < o.Steps; s++) step();
                    return clock.Elapsed.TotalSeconds / o.Steps;
                }
                master.train(); half.train();
                Block(Fp32Step); Block(Bf16Step); // warm-up: primitive creation, first-touch allocations
                var fp32 = new List<double>();
                var bf16 = new List<double>();
                for (var r = 0; r < o.Repeats; r++)
                {
                    if (r % 2 == 0) { fp32.Add(Block(Fp32Step)); bf16.Add(Block(Bf16Step)); }
                    else { bf16.Add(Block(Bf16Step)); fp32.Add(Block(Fp32Step)); }
                }
                var (a, b) = (Stats.Median([.. fp32]), Stats.Median([.. bf16]));
                md.AppendLine(Inv, $"| {arch} | {threads} | {a:0.00000} | {b:0.00000} | {b / a:0.00}x |");
                Console.Error.WriteLine(string.Create(Inv, $"{arch} {threads}t: fp32 {a * 1000:0.00} ms/step, bf16 {b * 1000:0.00} ms/step ({b / a:0.00}x)"));
            }
        var text = md.ToString().Replace("{LOAD}", Machine.Load(), StringComparison.Ordinal);
        var root = Orchestrator.RepositoryRoot();
        var outPath = o.Out ?? Path.Combine(root, "benchmarks", "results", $"precision-{DateTime.UtcNow.ToString("yyyy-MM-dd", Inv)}-{machine.Kind}.md");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outPath))!);
        File.WriteAllText(outPath, text);
        Console.WriteLine(text);
        Console.WriteLine($"Wrote {outPath}.");
        return 0;
    }
}
