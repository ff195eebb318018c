using System.CommandLine;
using MnistGen.Cli.Output;
using MnistGen.Core.Interop;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen import SPEC FILE.pt|FILE.safetensors [--out DIR]</c>: a run directory from weights trained elsewhere.</summary>
internal static class ImportCommand
{
    public static Command Create(Terminal terminal)
    {
        var arch = CommonOptions.Architecture();
        var file = new Argument<string>("file") { Description = "A PyTorch state_dict (torch.save(model.state_dict(), path)) or a .safetensors file." };
        var output = new Option<string>("--out") { Description = "Root of the run directories: OUT/<architecture>/<yyyyMMdd-HHmmss>/.", DefaultValueFactory = _ => "runs", HelpName = "DIR" };
        var command = new Command("import", "Make a run directory from a state_dict trained elsewhere (keys and shapes checked against the spec first), for eval, predict and export.")
        {
            arch, file, output,
        };
        command.SetAction(parse =>
        {
            var spec = CommonOptions.Find(parse.GetValue(arch)!);
            if (!spec.IsOk) return Cli.Report(terminal.Err, spec.Errors);
            var torch = Core.Runtime.TorchRuntime.Initialize(threads: 1);
            if (!torch.IsOk) return Cli.Report(terminal.Err, torch.Errors);
            var run = ModelInterop.Import(spec.Value, Path.GetFullPath(parse.GetValue(file)!), parse.GetValue(output)!, DateTimeOffset.Now);
            if (!run.IsOk) return Cli.Report(terminal.Err, run.Errors);
            terminal.Line($"Imported {run.Value.ImportedFrom} as {spec.Value.Id}: {run.Value.Directory} (try '{Invocation.Command} eval {run.Value.Directory}').");
            return Cli.Ok;
        });
        return command;
    }
}
