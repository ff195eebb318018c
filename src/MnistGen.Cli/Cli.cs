using System.CommandLine;
using MnistGen.Cli.Commands;
using MnistGen.Core.Functional;

namespace MnistGen.Cli;

/// <summary>The imperative shell's entry: builds the command tree and maps every outcome to an exit code.</summary>
public static class Cli
{
    public const int Ok = 0;
    public const int Failure = 1;
    public const int BadInput = 2;

    /// <summary>
    /// <c>--project PATH</c>, on every command: the architectures are that project's (built and loaded), not the ones
    /// compiled into this program. Without it, a project in the current directory that references the
    /// MnistGen.Generators package is used (see <see cref="Runs.ArchitectureSource.Choose"/>).
    /// </summary>
    public static Option<string?> NewProjectOption() => new(ProjectOptionName)
    {
        Description = "A project (.csproj, or its directory) using the MnistGen packages: its specs are the architectures. Default: the project in the current directory, if it references MnistGen.Generators.",
        Recursive = true,
    };

    public const string ProjectOptionName = "--project";

    public static RootCommand BuildRoot(TextWriter stdout, TextWriter stderr)
    {
        var root = new RootCommand("mnistgen: train, evaluate and predict with architectures compiled from specs/*.yaml.");
        root.Options.Add(NewProjectOption());
        var terminal = new Output.Terminal(stdout, stderr);
        root.Subcommands.Add(ListCommand.Create(terminal));
        root.Subcommands.Add(SummaryCommand.Create(terminal));
        root.Subcommands.Add(TrainCommand.Create(terminal));
        root.Subcommands.Add(EvalCommand.Create(terminal));
        root.Subcommands.Add(PredictCommand.Create(terminal));
        root.Subcommands.Add(PlotCommand.Create(terminal));
        root.Subcommands.Add(CompareCommand.Create(terminal));
        root.Subcommands.Add(ExportCommand.Create(terminal));
        root.Subcommands.Add(ImportCommand.Create(terminal));
        root.Subcommands.Add(ServeCommand.Create(terminal));
        root.Subcommands.Add(DataCommand.Create(terminal));
        return root;
    }

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRoot(stdout, stderr);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var line in ParseErrors.Describe(parse)) stderr.WriteLine("error: " + line);
            return BadInput;
        }
        var source = Runs.ArchitectureSource.Choose(parse.GetValue<string?>(ProjectOptionName), Environment.CurrentDirectory,
            Runs.Catalog.ProjectsIn, File.ReadAllText, stderr);
        if (!source.IsOk) return Report(stderr, source.Errors);
        Runs.Catalog.Use(source.Value);
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Environment.GetEnvironmentVariable("MNISTGEN_DEBUG") is null)
        {
            stderr.WriteLine("error: unexpected failure: " + e.Message.Split('\n')[0] + " (set MNISTGEN_DEBUG=1 for details)");
            return Failure;
        }
    }

    /// <summary>Prints each error on one line and returns the exit code that fits the first.</summary>
    public static int Report(TextWriter stderr, IEnumerable<Error> errors)
    {
        var code = Ok;
        foreach (var error in errors)
        {
            stderr.WriteLine("error: " + error.Message);
            if (code == Ok) code = error.Kind == ErrorKind.BadInput ? BadInput : Failure;
        }
        return code == Ok ? Failure : code;
    }
}
