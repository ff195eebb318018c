using System.CommandLine;
using MnistGen.Core.Data;
using MnistGen.Core.Functional;
using MnistGen.Core.Specs;
using MnistGen.Core.Training;

namespace MnistGen.Cli.Commands;

/// <summary>Options and steps that several commands share: data location, threads, the architecture argument.</summary>
internal static class CommonOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = $"Directory holding the data set's four IDX files. Default: ./data/<dataset>, or ${DataDirectory.EnvironmentVariable}/<dataset> when that is set.",
        HelpName = "DIR",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "LibTorch intra-op threads. 0 (default) chooses: one for a tiny model, where waking a second thread costs more than it saves; every core otherwise.",
        DefaultValueFactory = _ => 0,
        HelpName = "N",
    };

    /// <summary><c>--dataset mnist|fashion-mnist</c> for train: the spec's architecture on another data set of the same images and classes.</summary>
    public static Option<string?> Dataset()
    {
        var option = new Option<string?>("--dataset")
        {
            Description = "Train on this data set instead of the spec's training.dataset (mnist or fashion-mnist); run.json records it, and eval, predict and export use it.",
            HelpName = "NAME",
        };
        ParseErrors.OneOf(option, [.. DatasetInfo.All.Select(d => d.Name)]);
        return option;
    }

    /// <summary><c>--weights last|best</c> for the commands that load a run's weights.</summary>
    public static Option<string> Weights()
    {
        var option = new Option<string>("--weights")
        {
            Description = $"last: the last completed epoch ({RunPaths.ModelFile}); best: the epoch with the highest validation accuracy ({RunPaths.BestModelFile}, runs trained with --validation).",
            DefaultValueFactory = _ => "last",
            HelpName = "last|best",
        };
        ParseErrors.OneOf(option, "last", "best");
        return option;
    }

    public static Argument<string> Architecture() => new("architecture")
    {
        Description = "Spec file stem (cnn-5x5) or class name (Cnn5x5), any case. 'mnistgen list' shows them.",
    };

    public static Argument<string> Model() => new("model")
    {
        Description = $"A run directory (runs/<architecture>/<time>) or its {RunPaths.ModelFile}.",
    };

    /// <summary>Resolves the data directory, fetches on first use (one notice line) and loads both splits. Only <c>train</c> fetches.</summary>
    public static Result<Dataset> LoadData(DatasetKind kind, string? dataOption, Output.Terminal terminal, DataPrefetch? prefetch = null)
    {
        var info = DatasetInfo.For(kind);
        var directory = DataDirectory.Resolve(info, dataOption);
        if (prefetch?.Load(info, directory) is { } ready) return ready;
        return Fetch(terminal)
            .Bind(options => DataFetcher.EnsureAvailable(kind, directory, terminal.Line, options))
            .Bind(dir => DatasetLoader.Load(kind, dir));
    }

    /// <summary>Starts reading the data set's files on a worker thread (see <see cref="DataPrefetch"/>); <see cref="LoadData"/> takes the result.</summary>
    public static DataPrefetch PrefetchData(DatasetKind kind, string? dataOption)
    {
        var info = DatasetInfo.For(kind);
        return DataPrefetch.Start(info, DataDirectory.Resolve(info, dataOption));
    }

    /// <summary>
    /// Loads both splits from where the data set already is, never fetching: <paramref name="command"/> (eval,
    /// predict) only reads. Missing files are one line naming them and the <c>data fetch</c> that gets them;
    /// present files are still verified.
    /// </summary>
    public static Result<Dataset> LoadExistingData(DatasetKind kind, string? dataOption, string command)
    {
        var info = DatasetInfo.For(kind);
        var directory = DataDirectory.Resolve(info, dataOption);
        if (File.Exists(directory))
            return new Error($"{directory} is a file, but the {info.DisplayName} data location must be a directory.");
        var needed = FetchPlan.FilesToFetch(info, DataFetcher.Inspect(info, directory));
        if (!needed.IsOk) return Result<Dataset>.Fail(needed.Errors);
        if (!needed.Value.IsEmpty)
        {
            var fetch = $"{Invocation.Command} data fetch --dataset {info.Name}" + (string.IsNullOrWhiteSpace(dataOption) ? "" : $" --data {directory}");
            var missing = needed.Value.Length == info.Files.Length
                ? $"has no {info.DisplayName} files"
                : $"lacks {string.Join(", ", needed.Value.Select(f => f.Name))} of {info.DisplayName}";
            return new Error($"{directory} {missing}; {command} does not download: run '{fetch}' first, or give --data DIR where the files are.");
        }
        return DatasetLoader.Load(kind, directory);
    }

    /// <summary>The options of a fetch that the shell decides: allowed sources (flag, else environment) and terminal progress.</summary>
    public static Result<FetchOptions> Fetch(Output.Terminal terminal, string? sourceOption = null, string? from = null)
    {
        var allowed = FetchPlan.ParseSourceList(sourceOption ?? Environment.GetEnvironmentVariable(FetchPlan.SourcesVariable));
        return allowed.Map(kinds => new FetchOptions(
            From: string.IsNullOrWhiteSpace(from) ? null : Path.GetFullPath(from),
            Allowed: kinds,
            Progress: terminal.Interactive ? new Output.DownloadBar(terminal.Err).Report : null));
    }

    public static Result<ArchitectureSpec> Find(string name) => Runs.Catalog.Find(name);
}
