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

    public static Argument<string> Architecture() => new("architecture")
    {
        Description = "Spec file stem (cnn-5x5) or class name (Cnn5x5), any case. 'mnistgen list' shows them.",
    };

    public static Argument<string> Model() => new("model")
    {
        Description = $"A run directory (runs/<architecture>/<time>) or its {RunPaths.ModelFile}.",
    };

    /// <summary>Resolves the data directory, fetches on first use (one notice line) and loads both splits. Only <c>train</c> fetches.</summary>
    public static Result<Dataset> LoadData(DatasetKind kind, string? dataOption, Output.Terminal terminal)
    {
        var info = DatasetInfo.For(kind);
        var directory = DataDirectory.Resolve(info, dataOption);
        return Fetch(terminal)
            .Bind(options => DataFetcher.EnsureAvailable(kind, directory, terminal.Line, options))
            .Bind(dir => DatasetLoader.Load(kind, dir));
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
