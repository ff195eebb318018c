using MnistGen.Generators.Diagnostics;

namespace MnistGen.Generators.Tests;

/// <summary>
/// One test per diagnostic id: a spec with one mistake, the id, the exact message and the exact 1-based
/// line and column the build prints. MNG0010 (two specs, one class name) and MNG0017 (unreadable file)
/// are in GeneratorDriverTests.
/// </summary>
public class DiagnosticTests
{
    private static SpecDiagnostic Single(string text)
    {
        var errors = TestSpecs.Errors(text);
        Assert.True(errors.Count == 1, $"Expected one error, got {errors.Count}:\n{string.Join("\n", errors)}");
        return errors[0];
    }

    private static string Change(string from, string to)
    {
        Assert.Contains(from, TestSpecs.Valid);
        return TestSpecs.Valid.Replace(from, to);
    }

    private static void AssertError(SpecDiagnostic error, string id, int line, int column, string message)
    {
        Assert.Equal(id, error.Id);
        Assert.Equal(message, error.Message);
        Assert.Equal((line, column), (error.Span.StartLine, error.Span.StartColumn));
    }

    [Fact]
    public void The_valid_spec_used_below_has_no_errors() => Assert.Empty(TestSpecs.Errors(TestSpecs.Valid));

    [Fact]
    public void MNG0001_yaml_syntax() => AssertError(Single(Change("  - relu\n", "  - relu: ]\n")),
        "MNG0001", 6, 11, "YAML syntax error: While parsing a node, did not find expected node content");

    [Fact]
    public void MNG0001_a_tab_as_indentation_is_reported_at_the_tab() => AssertError(Single(Change("  - relu\n", "\t- relu\n")),
        "MNG0001", 6, 1, "YAML syntax error: While scanning a mapping, found invalid tab as indentation");

    [Fact]
    public void MNG0001_a_tab_after_spaces_in_the_indentation_is_reported_at_the_tab() => AssertError(Single(Change("  epochs: 2", "  \tepochs: 2")),
        "MNG0001", 16, 3, "YAML syntax error: While scanning a plain scalar, found a tab character that violate indentation");

    [Fact]
    public void MNG0002_unknown_key_suggests_and_lists() => AssertError(Single(Change("batch_size: 32", "batch_sise: 32")),
        "MNG0002", 15, 3,
        "Unknown key 'batch_sise' in training. Did you mean 'batch_size'? Valid keys: dataset, loss, optimizer, batch_size, epochs, seed, schedule, augment.");

    [Fact]
    public void MNG0003_unknown_layer_kind_suggests_and_lists() => AssertError(Single(Change("  - relu\n", "  - rleu\n")),
        "MNG0003", 6, 5,
        "Unknown layer kind 'rleu'. Did you mean 'relu'? Valid kinds: linear, conv2d, max_pool2d, avg_pool2d, batch_norm, dropout, dropout2d, flatten, relu, leaky_relu, gelu, tanh, sigmoid, log_softmax, softmax.");

    [Fact]
    public void MNG0004_unknown_value_suggests_and_lists() => AssertError(Single(Change("dataset: mnist", "dataset: mnits")),
        "MNG0004", 12, 12, "Unknown dataset 'mnits'. Did you mean 'mnist'? Valid values: mnist, fashion-mnist.");

    [Fact]
    public void MNG0004_unknown_optimizer() => AssertError(Single(Change("{ sgd: { lr: 0.1 } }", "{ adma: { lr: 0.1 } }")),
        "MNG0004", 14, 16, "Unknown optimizer 'adma'. Did you mean 'adam'? Valid values: sgd, adam, adamw.");

    [Fact]
    public void MNG0005_wrong_type() => AssertError(Single(Change("epochs: 2", "epochs: two")),
        "MNG0005", 16, 11, "'epochs' must be an integer, not two.");

    [Fact]
    public void MNG0005_a_quoted_number_is_text() => AssertError(Single(Change("epochs: 2", "epochs: \"2\"")),
        "MNG0005", 16, 11, "'epochs' must be an integer, not the text \"2\".");

    [Fact]
    public void MNG0006_out_of_range() => AssertError(Single(Change("lr: 0.1", "lr: 0")),
        "MNG0006", 14, 27, "'lr' is 0 but must be > 0.");

    [Fact]
    public void MNG0006_dropout_p_must_be_below_one() => AssertError(Single(Change("  - flatten\n", "  - flatten\n  - dropout: 1\n")),
        "MNG0006", 9, 14, "'p' is 1 but must be in [0, 1).");

    [Fact]
    public void MNG0007_missing_required_key() => AssertError(Single(Change("  loss: nll\n", "")),
        "MNG0007", 12, 3, "Missing required key 'loss' in training.");

    [Fact]
    public void MNG0007_missing_layer_parameter() => AssertError(Single(Change("{ out: 4, kernel: 3 }", "{ out: 4 }")),
        "MNG0007", 5, 13, "Missing required key 'kernel' in conv2d.");

    [Fact]
    public void MNG0008_invalid_class_name() => AssertError(Single(Change("name: Small", "name: small")),
        "MNG0008", 1, 7, "'small' is not a valid class name: a class name starts with a capital letter (e.g. 'Small').");

    [Fact]
    public void MNG0008_layer_name_that_is_a_keyword() => AssertError(Single(Change("linear: 10", "linear: { name: out, out: 10 }")),
        "MNG0008", 9, 21, "'out' is not a valid layer name: it is a C# keyword.");

    [Fact]
    public void MNG0008_layer_name_that_would_hide_a_module_member() => AssertError(Single(Change("linear: 10", "linear: { name: parameters, out: 10 }")),
        "MNG0008", 9, 21, "'parameters' is not a valid layer name: the generated field would hide a member of TorchSharp's Module.");

    [Fact]
    public void MNG0009_duplicate_layer_name() => AssertError(
        Single(Change("conv2d: { out: 4", "conv2d: { name: fc1, out: 4").Replace("linear: 10", "linear: { name: fc1, out: 10 }")),
        "MNG0009", 9, 21, "Layer name 'fc1' is already used by the layer on line 5; layer names must be unique.");

    [Fact]
    public void MNG0011_kernel_larger_than_input() => AssertError(Single(Change("kernel: 3", "kernel: 30")),
        "MNG0011", 5, 5, "Layer 'conv1' (conv2d) cannot take an input of shape [1, 28, 28]: the kernel 30x30 is larger than the input 28x28.");

    [Fact]
    public void MNG0011_linear_without_flatten() => AssertError(Single(Change("  - flatten\n", "")),
        "MNG0011", 8, 5, "Layer 'fc1' (linear) cannot take an input of shape [4, 13, 13]: linear needs a flat input; add '- flatten' before it.");

    [Fact]
    public void MNG0011_pool_shrinking_to_nothing() => AssertError(Single(Change("max_pool2d: 2", "max_pool2d: 27")),
        "MNG0011", 7, 5, "Layer 'max_pool2d_1' (max_pool2d) cannot take an input of shape [4, 26, 26]: the window 27x27 is larger than the input 26x26.");

    [Fact]
    public void MNG0012_output_is_not_the_classes() => AssertError(Single(Change("linear: 10", "linear: 12")),
        "MNG0012", 10, 5, "The network outputs [12], but dataset 'mnist' has 10 classes: the last layers must produce [10] (e.g. linear with out: 10).");

    [Fact]
    public void MNG0013_input_does_not_match_the_dataset() => AssertError(Single(Change("input: [1, 28, 28]", "input: [3, 32, 32]")),
        "MNG0013", 3, 8, "'input' is [3, 32, 32], but dataset 'mnist' has images of shape [1, 28, 28].");

    [Fact]
    public void MNG0014_nll_without_log_softmax() => AssertError(Single(Change("  - log_softmax\n", "")),
        "MNG0014", 12, 9,
        "Loss 'nll' does not fit the last layer 'linear': nll expects log-probabilities; end the layers with log_softmax, or use cross_entropy on logits.");

    [Fact]
    public void MNG0014_cross_entropy_after_softmax() => AssertError(Single(Change("  - log_softmax\n", "  - softmax\n").Replace("loss: nll", "loss: cross_entropy")),
        "MNG0014", 13, 9,
        "Loss 'cross_entropy' does not fit the last layer 'softmax': cross_entropy applies log_softmax to its input itself, so softmax would be applied twice; remove softmax or replace it with log_softmax.");

    [Fact]
    public void MNG0015_duplicate_key() => AssertError(Single(TestSpecs.Valid + "\n  epochs: 3"),
        "MNG0015", 17, 3, "Key 'epochs' appears twice in training; the first is on line 16.");

    [Fact]
    public void MNG0016_an_unexpected_exception_becomes_a_diagnostic_for_that_spec()
    {
        // Null text cannot come from Roslyn; it stands in for any bug that throws inside a step.
        var bound = TestSpecs.Compile(new Parsing.SpecFile("/repo/specs/broken.yaml", null!));

        var error = Assert.Single(bound.Diagnostics);
        Assert.Null(bound.Model);
        Assert.Equal(("MNG0016", 1, 1), (error.Id, error.Span.StartLine, error.Span.StartColumn));
        Assert.StartsWith("The spec compiler failed on this spec (ArgumentNullException: ", error.Message);
        Assert.EndsWith("this is a bug in MnistGen, please report it with the spec.", error.Message);
    }

    [Fact]
    public void Every_descriptor_has_a_test_above()
    {
        var tested = typeof(DiagnosticTests).GetMethods().Select(m => m.Name).Where(n => n.StartsWith("MNG")).Select(n => n[..7])
            .Concat(["MNG0010", "MNG0017"]) // in GeneratorDriverTests: they need several files or a failing read
            .ToHashSet();

        Assert.Equal(SpecDiagnostics.All.Select(d => d.Id).Order(), tested.Order());
    }

    [Fact]
    public void Three_mistakes_give_three_errors_in_file_order()
    {
        var text = TestSpecs.Valid.Replace("batch_size: 32", "batch_sise: 32").Replace("  - relu\n", "  - rleu\n").Replace("lr: 0.1", "lr: 0");

        var errors = TestSpecs.Errors(text).OrderBy(e => e.Span.StartLine).ToList();

        Assert.Equal(
            [("MNG0003", 6), ("MNG0006", 14), ("MNG0002", 15)],
            errors.Select(e => (e.Id, e.Span.StartLine)).ToList());
    }

    [Fact]
    public void An_empty_spec_is_one_error_not_one_per_missing_key()
    {
        var error = Assert.Single(TestSpecs.Errors(""));

        Assert.Equal("MNG0005", error.Id);
        Assert.StartsWith("'the spec' must be a mapping of the spec's keys (name, description, input, layers, training, expected), not an empty file", error.Message);
    }

    [Fact]
    public void A_misspelt_required_key_is_one_error_whose_suggestion_names_it()
    {
        var error = Single(Change("kernel: 3", "kernal: 3"));

        Assert.Equal("MNG0002", error.Id);
        Assert.Contains("Did you mean 'kernel'?", error.Message);
    }

    [Fact]
    public void Nesterov_without_momentum_is_out_of_range() => AssertError(Single(Change("{ lr: 0.1 }", "{ lr: 0.1, nesterov: true }")),
        "MNG0006", 14, 42, "'nesterov' is true but must be false unless momentum > 0.");
}
