namespace MnistGen.Cli.Tests;

/// <summary>What the command line itself refuses: one line in the CLI's words, exit 2, no .NET type names.</summary>
public sealed class ParseErrorTests
{
    [Theory]
    [InlineData("error: --lr 'abc' is not a number (write e.g. 0.001 or 1e-3). See 'mnistgen train --help'.", "train", "mlp", "--lr", "abc")]
    [InlineData("error: --epochs '1.5' is not a whole number. See 'mnistgen train --help'.", "train", "mlp", "--epochs", "1.5")]
    [InlineData("error: --epochs needs a value (N). See 'mnistgen train --help'.", "train", "mlp", "--epochs")]
    [InlineData("error: 'trian' is not a command of 'mnistgen'. Did you mean 'train'? The commands: list, summary, train, eval, predict, plot, compare, export, import, serve, data. See 'mnistgen --help'.", "trian")]
    [InlineData("error: 'fetc' is not a command of 'mnistgen data'. Did you mean 'fetch'? The commands: fetch, where. See 'mnistgen data --help'.", "data", "fetc")]
    [InlineData("error: --dataset 'foo' is not one of mnist, fashion-mnist. See 'mnistgen data fetch --help'.", "data", "fetch", "--dataset", "foo")]
    [InlineData("error: --device 'gpu' is not one of auto, cpu, cuda. Did you mean 'cpu'? See 'mnistgen train --help'.", "train", "mlp", "--device", "gpu")]
    [InlineData("error: --precision 'fp16' is not one of fp32, bf16. Did you mean 'fp32'? See 'mnistgen train --help'.", "train", "mlp", "--precision", "fp16")]
    [InlineData("error: --precision needs a value (fp32|bf16) before --epochs. See 'mnistgen train --help'.", "train", "mlp", "--precision", "--epochs", "1")]
    [InlineData("error: --epochs needs a value (N) before --data. See 'mnistgen train --help'.", "train", "mlp", "--epochs", "--data", "data/mnist")]
    [InlineData("error: 'mnistgen train' has no option '--epoch'. Did you mean '--epochs'? See 'mnistgen train --help'.", "train", "mlp", "--epoch", "3")]
    [InlineData("error: 'mnistgen train' was given an extra argument 'extra'. See 'mnistgen train --help'.", "train", "mlp", "extra")]
    [InlineData("error: 'mnistgen' needs a command: list, summary, train, eval, predict, plot, compare, export, import, serve, data. See 'mnistgen --help'.")]
    [InlineData("error: 'mnistgen eval' needs its model argument: a run directory (runs/<architecture>/<time>) or its model.bin. See 'mnistgen eval --help'.", "eval")]
    public void A_command_line_that_does_not_parse_is_one_line_in_the_clis_words_exit_2(string expected, params string[] args)
    {
        var outcome = CliRunner.Run(args);
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal([expected], outcome.ErrLines);
        Assert.Empty(outcome.Out);
        Assert.DoesNotContain("System.", outcome.Err);
        outcome.AssertNoStackTrace();
    }

    [Fact]
    public void Each_bad_value_gets_its_own_line()
    {
        var outcome = CliRunner.Run("train", "mlp", "--lr", "abc", "--seed", "x");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal(
            ["error: --lr 'abc' is not a number (write e.g. 0.001 or 1e-3). See 'mnistgen train --help'.",
             "error: --seed 'x' is not a whole number. See 'mnistgen train --help'."],
            outcome.ErrLines);
    }
}
