using MnistGen.Generators.Binding;
using MnistGen.Generators.Diagnostics;
using MnistGen.Generators.Parsing;

namespace MnistGen.Generators.Tests;

/// <summary>The repository's real specs and small helpers to compile spec text without Roslyn.</summary>
internal static class TestSpecs
{
    public static readonly string[] Ids = ["mlp", "cnn-3x3", "cnn-5x5"];

    public static string RepoRoot { get; } = MnistGen.Tests.Shared.TestRepository.Root;

    public static string SpecsDirectory => Path.Combine(RepoRoot, "specs");

    public static SpecFile Real(string id) => new(Path.Combine(SpecsDirectory, id + ".yaml"), File.ReadAllText(Path.Combine(SpecsDirectory, id + ".yaml")));

    public static SpecFile Inline(string text, string id = "test") => new($"/repo/specs/{id}.yaml", text.ReplaceLineEndings("\n"));

    public static BoundSpec Compile(SpecFile file) => SpecCompiler.Bind(SpecCompiler.Parse(file));

    public static BoundSpec Compile(string text) => Compile(Inline(text));

    public static SpecModel Model(string text)
    {
        var bound = Compile(text);
        Assert.True(bound.Model is not null, "Expected a valid spec, got: " + string.Join("\n", bound.Diagnostics));
        return bound.Model!;
    }

    public static IReadOnlyList<SpecDiagnostic> Errors(string text) => Compile(text).Diagnostics.AsImmutableArray();

    /// <summary>A valid spec to mutate: tests replace one piece of it to provoke one error.</summary>
    public const string Valid = """
        name: Small
        description: A small valid spec
        input: [1, 28, 28]
        layers:
          - conv2d: { out: 4, kernel: 3 }
          - relu
          - max_pool2d: 2
          - flatten
          - linear: 10
          - log_softmax
        training:
          dataset: mnist
          loss: nll
          optimizer: { sgd: { lr: 0.1 } }
          batch_size: 32
          epochs: 2
        """;
}
