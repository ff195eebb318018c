using System.CommandLine;

namespace MnistGen.Cli.Commands;

/// <summary><c>mnistgen data fetch</c>: placeholder until the data layer lands.</summary>
internal static class DataCommand
{
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var data = new Command("data", "Fetch and verify data sets.");
        return data;
    }
}
