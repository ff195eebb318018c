using System.Text.Json.Nodes;
using MnistGen.Core.Data;
using MnistGen.Core.Specs;
using MnistGen.Models;

namespace MnistGen.Bench;

/// <summary>The MnistGen side of one measurement, in its own process so peak RSS is its own.</summary>
internal static class Worker
{
    public static int Run(Options o)
    {
        var spec = Architectures.Find(o.Archs[0]);
        if (!spec.IsOk) throw new OptionsException(string.Join(" ", spec.Errors));
        using var data = Load(spec.Value.Training.Dataset, o.Data);
        var record = Measurements.Measure(spec.Value, data, o.Threads[0], o.Steps, o.Repeats, o.PredictCalls);
        Console.WriteLine(Json.Line(record));
        return 0;
    }

    public static int Peak(Options o)
    {
        var (gflops, kernel) = Measurements.PeakGflops(o.Threads[0]);
        Console.WriteLine(Json.Line(new JsonObject { ["schema"] = "mnistgen.peak/1", ["threads"] = o.Threads[0], ["gflops"] = Math.Round(gflops, 1), ["kernel"] = kernel }));
        return 0;
    }

    public static Dataset Load(DatasetKind kind, string directory)
    {
        var loaded = DataFetcher.EnsureAvailable(kind, directory, Console.Error.WriteLine).Bind(d => DatasetLoader.Load(kind, d));
        if (!loaded.IsOk) throw new OptionsException(string.Join(" ", loaded.Errors));
        return loaded.Value;
    }
}
