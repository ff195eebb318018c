using System.Globalization;
using MnistGen.Generators.Common;
using MnistGen.Generators.Binding;
using MnistGen.Generators.Layers;

namespace MnistGen.Generators.Tests;

public class BinderTests
{
    [Theory]
    [InlineData("mlp", 109_386, 109_184)]
    [InlineData("cnn-3x3", 225_034, 2_631_040)]
    [InlineData("cnn-5x5", 317_066, 4_002_304)]
    public void Tutorial_specs_have_the_expected_parameters_and_multiply_adds(string id, long parameters, long macs)
    {
        var model = TestSpecs.Compile(TestSpecs.Real(id)).Model!;

        Assert.Equal((parameters, macs), (model.TotalParameters, model.TotalMacs));
    }

    [Fact]
    public void Shapes_are_inferred_from_the_input()
    {
        var model = TestSpecs.Compile(TestSpecs.Real("cnn-5x5")).Model!;

        Assert.Equal(
            ["[32, 24, 24]", "[32, 24, 24]", "[32, 12, 12]", "[64, 8, 8]", "[64, 8, 8]", "[64, 4, 4]", "[1024]", "[256]", "[256]", "[256]", "[10]", "[10]"],
            model.Layers.Select(l => l.OutputShape.ToString()));
        Assert.Equal(1024, Assert.IsType<LinearLayer>(model.Layers.Single(l => l.Name == "fc1")).InFeatures);
    }

    [Fact]
    public void Layers_get_the_names_a_PyTorch_user_would_write()
    {
        var model = TestSpecs.Model(TestSpecs.Valid.Replace("  - flatten\n", "  - flatten\n  - linear: { name: fc1, out: 32 }\n  - relu\n"));

        Assert.Equal(["conv1", "relu_1", "max_pool2d_1", "flatten_1", "fc1", "relu_2", "fc2", "log_softmax_1"], model.Layers.Select(l => l.Name));
    }

    [Fact]
    public void Default_names_step_around_explicit_ones()
    {
        var model = TestSpecs.Model(TestSpecs.Valid.Replace("  - flatten\n", "  - flatten\n  - linear: { name: fc2, out: 32 }\n  - linear: 20\n"));

        Assert.Equal(["fc2", "fc1", "fc3"], model.Layers.Where(l => l.Kind == "linear").Select(l => l.Name));
    }

    [Fact]
    public void Defaults_come_from_the_key_table()
    {
        var model = TestSpecs.Model("""
            name: Tiny
            input: [1, 28, 28]
            layers: [flatten, { linear: 10 }]
            training: { loss: cross_entropy, optimizer: adam }
            """);

        var t = model.Training;
        Assert.Equal(("Mnist", 64, 10, 1, "None"), (t.Dataset, t.BatchSize, t.Epochs, t.Seed, t.Schedule));
        Assert.Equal(("Adam", 0.001, 0.9, 0.999, 0.0), (t.Optimizer, t.Lr, t.Beta1, t.Beta2, t.WeightDecay));
        Assert.Equal(((double?)0.0, (double?)null, (bool?)null), (t.LabelSmoothing, t.Momentum, t.Nesterov));
        Assert.Null(t.Augment);
        Assert.Null(model.ExpectedAccuracy);
        Assert.Equal("", model.Description);
        Assert.Equal("Logits", model.Output);
        Assert.True(Assert.IsType<LinearLayer>(model.Layers.Single(l => l.Kind == "linear")).Bias);
    }

    [Theory]
    [InlineData("{ one_cycle: 0.1 }", "OneCycle", false)]
    [InlineData("{ one_cycle: { max_lr: 0.1, per: epoch } }", "OneCycle", false)]
    [InlineData("{ one_cycle: { max_lr: 0.1, per: step } }", "OneCycle", true)]
    [InlineData("cosine", "Cosine", false)]
    [InlineData("{ cosine: { per: step } }", "Cosine", true)]
    public void A_schedule_is_per_epoch_unless_it_says_per_step(string schedule, string kind, bool perStep)
    {
        var t = TestSpecs.Model($$"""
            name: Tiny
            input: [1, 28, 28]
            layers: [flatten, { linear: 10 }]
            training: { loss: cross_entropy, optimizer: adam, schedule: {{schedule}} }
            """).Training;
        Assert.Equal((kind, perStep), (t.Schedule, t.PerStep));
    }

    [Fact]
    public void A_per_value_other_than_epoch_or_step_is_an_error_listing_both()
    {
        var errors = TestSpecs.Errors("""
            name: Tiny
            input: [1, 28, 28]
            layers: [flatten, { linear: 10 }]
            training: { loss: cross_entropy, optimizer: adam, schedule: { one_cycle: { max_lr: 0.1, per: batch } } }
            """);
        var error = Assert.Single(errors);
        Assert.Equal("MNG0004", error.Id);
        Assert.Contains("'batch'", error.Message);
        Assert.Contains("epoch, step", error.Message);
    }

    [Fact]
    public void Every_spelling_of_the_language_binds()
    {
        var model = TestSpecs.Compile(new Parsing.SpecFile("/x/specs/all-kinds.yaml", File.ReadAllText("TestData/all-kinds.yaml"))).Model!;

        var t = model.Training;
        Assert.Equal(("FashionMnist", "CrossEntropy", (double?)0.1), (t.Dataset, t.Loss, t.LabelSmoothing));
        Assert.Equal(("AdamW", 0.002, 0.01), (t.Optimizer, t.Lr, t.WeightDecay));
        Assert.Equal(("Step", (int?)2, (double?)0.1), (t.Schedule, t.StepEvery, t.Gamma));
        Assert.Equal(new AugmentModel(2, 10.0), t.Augment);
        Assert.Equal(
            ["conv1", "bn1", "leaky_relu_1", "avg_pool2d_1", "dropout2d_1", "conv2", "gelu_1", "max_pool2d_1", "flatten_1", "fc1", "bn2",
             "tanh_1", "fc2", "sigmoid_1", "softmax_1", "relu_1", "dropout_1", "head", "log_softmax_1"],
            model.Layers.Select(l => l.Name));
        Assert.Equal(["[8, 28, 28]", "[8, 14, 14]", "[8, 6, 6]", "[8, 5, 5]", "[200]"],
            model.Layers.Where(l => l.Kind is "conv2d" or "avg_pool2d" or "max_pool2d" or "flatten").Select(l => l.OutputShape.ToString()));
        Assert.Equal(("batch_norm2d", 16L, "batch_norm1d", 64L),
            (model.Layers[1].DisplayKind, model.Layers[1].Parameters, model.Layers[10].DisplayKind, model.Layers[10].Parameters));
        // Running mean and variance per feature are state, not trained: Keras' non-trainable parameters.
        Assert.Equal((16L, 64L, 0L), (model.Layers[1].NonTrainable, model.Layers[10].NonTrainable, model.Layers.Where(l => l.Kind != "batch_norm").Sum(l => l.NonTrainable)));
        Assert.Equal(8 * 8 * 9L, model.Layers.Single(l => l.Name == "conv2").Parameters); // bias: false
    }

    [Fact]
    public void Each_kind_binds_to_its_own_typed_model_with_only_its_own_values()
    {
        var layers = TestSpecs.Compile(new Parsing.SpecFile("/x/specs/all-kinds.yaml", File.ReadAllText("TestData/all-kinds.yaml"))).Model!.Layers;

        Assert.Equal(new Conv2dLayer("conv2d", "conv1", EquatableArray.Create(1, 28, 28), EquatableArray.Create(8, 28, 28), 80, 56_448, 1, 8, 3, 1, 1, true), layers[0]);
        Assert.Equal((1E-05, 0.1), (Assert.IsType<BatchNormLayer>(layers[1]).Eps, ((BatchNormLayer)layers[1]).Momentum));
        Assert.Equal(0.1, Assert.IsType<LeakyReluLayer>(layers[2]).Slope);
        Assert.Equal((2, 2), (Assert.IsType<PoolLayer>(layers[3]).Kernel, ((PoolLayer)layers[3]).Stride));
        Assert.Equal(0.1, Assert.IsType<DropoutLayer>(layers[4]).P);
        Assert.Equal((2, 1), (Assert.IsType<PoolLayer>(layers[7]).Kernel, ((PoolLayer)layers[7]).Stride));
        Assert.Equal((0.001, 0.2), (Assert.IsType<BatchNormLayer>(layers[10]).Eps, ((BatchNormLayer)layers[10]).Momentum));
        Assert.Equal((32, 16, false), (Assert.IsType<LinearLayer>(layers[12]).InFeatures, ((LinearLayer)layers[12]).OutFeatures, ((LinearLayer)layers[12]).Bias));
        Assert.Equal(0.5, Assert.IsType<DropoutLayer>(layers[16]).P);
        Assert.IsType<PlainLayer>(layers[8]); // flatten: no keys of its own
    }

    [Theory]
    [InlineData("{ out: 4, kernel: 3, padding: 1, stride: 2 }", "[4, 14, 14]", 4 * 9 + 4)]
    [InlineData("{ out: 4, kernel: 5, stride: 3 }", "[4, 8, 8]", 4 * 25 + 4)]
    [InlineData("{ out: 2, kernel: 28, bias: false }", "[2, 1, 1]", 2 * 784)]
    public void Convolution_shapes_follow_PyTorch(string conv, string shape, long parameters)
    {
        var model = TestSpecs.Model(TestSpecs.Valid.Replace("{ out: 4, kernel: 3 }", conv).Replace("  - max_pool2d: 2\n", ""));

        Assert.Equal((shape, parameters), (model.Layers[0].OutputShape.ToString(), model.Layers[0].Parameters));
    }

    [Fact]
    public void The_hash_ignores_line_ending_style_but_not_content()
    {
        var unix = TestSpecs.Valid.ReplaceLineEndings("\n");

        Assert.Equal(Binder.Hash(unix), Binder.Hash(unix.Replace("\n", "\r\n")));
        Assert.NotEqual(Binder.Hash(unix), Binder.Hash(unix + " "));
        Assert.Matches("^[0-9a-f]{64}$", Binder.Hash(unix));
    }

    [Fact]
    public void Binding_does_not_depend_on_the_current_culture()
    {
        var text = File.ReadAllText("TestData/all-kinds.yaml");
        var invariant = TestSpecs.Compile(text);
        var previous = CultureInfo.CurrentCulture;
        var commaDecimal = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        commaDecimal.NumberFormat.NumberDecimalSeparator = ",";
        commaDecimal.NumberFormat.NumberGroupSeparator = ".";
        try
        {
            CultureInfo.CurrentCulture = commaDecimal;
            var other = TestSpecs.Compile(text);
            Assert.Equal(invariant, other);
            Assert.Equal(Emitting.ModelEmitter.Emit(invariant.Model!), Emitting.ModelEmitter.Emit(other.Model!));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void A_model_is_only_produced_without_errors()
    {
        var bound = TestSpecs.Compile(TestSpecs.Valid.Replace("lr: 0.1", "lr: -1"));

        Assert.Null(bound.Model);
        Assert.Single(bound.Diagnostics);
    }
}
