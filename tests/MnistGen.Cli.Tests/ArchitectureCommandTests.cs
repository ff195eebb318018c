namespace MnistGen.Cli.Tests;

/// <summary><c>list</c> and <c>summary</c> print what the spec compiler computed, without running a model.</summary>
public class ArchitectureCommandTests
{
    [Fact]
    public void List_shows_every_architecture_with_parameters_and_macs()
    {
        var outcome = CliRunner.Run("list");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains(outcome.OutLines, l => l.Contains("mlp") && l.Contains("109,386") && l.Contains("109,184") && l.Contains("97.4%"));
        Assert.Contains(outcome.OutLines, l => l.Contains("cnn-3x3") && l.Contains("225,034") && l.Contains("2,631,040") && l.Contains("98.7%"));
        Assert.Contains(outcome.OutLines, l => l.Contains("cnn-5x5") && l.Contains("317,066") && l.Contains("4,002,304") && l.Contains("adam lr=0.0001"));
    }

    [Theory]
    [InlineData("cnn-5x5")]
    [InlineData("CNN5X5")]
    public void Summary_prints_the_layer_table_by_id_or_class_name(string name)
    {
        var outcome = CliRunner.Run("summary", name);
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains(outcome.OutLines, l => l.Contains("conv2") && l.Contains("[N, 64, 8, 8]") && l.Contains("51,264") && l.Contains("3,276,800"));
        Assert.Contains(outcome.OutLines, l => l.Contains("total") && l.Contains("317,066"));
    }

    [Fact]
    public void Unknown_architecture_is_one_line_with_a_suggestion_and_exit_code_2()
    {
        var outcome = CliRunner.Run("summary", "cnn5x5x");
        Assert.Equal(2, outcome.ExitCode);
        var line = Assert.Single(outcome.ErrLines);
        Assert.Contains("Did you mean 'cnn-5x5'?", line);
        Assert.Contains("mlp", line);
        outcome.AssertNoStackTrace();
    }
}
