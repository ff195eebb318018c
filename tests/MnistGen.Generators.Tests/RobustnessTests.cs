namespace MnistGen.Generators.Tests;

/// <summary>Whatever a person types, the compiler answers with spec diagnostics, never with an exception (MNG0016).</summary>
public class RobustnessTests
{
    [Fact]
    public void Every_truncation_of_every_spec_compiles_to_diagnostics_without_an_internal_error()
    {
        var texts = TestSpecs.Ids.Select(id => TestSpecs.Real(id).Text).Append(File.ReadAllText("TestData/all-kinds.yaml"));
        foreach (var text in texts)
        {
            for (var length = 0; length <= text.Length; length++)
            {
                var bound = TestSpecs.Compile(text[..length]);
                Assert.DoesNotContain(bound.Diagnostics, d => d.Id == "MNG0016");
                Assert.True(bound.Model is not null || bound.Diagnostics.Count > 0);
            }
        }
    }

    [Fact]
    public void Thousands_of_seeded_random_edits_never_make_the_compiler_throw()
    {
        var random = new Random(20240611);
        var sources = TestSpecs.Ids.Select(id => TestSpecs.Real(id).Text).Append(File.ReadAllText("TestData/all-kinds.yaml")).ToList();
        const string alphabet = " :-[]{},#&*!|>'\"\n\t0123456789.eEabcxyz_~?%@";
        for (var i = 0; i < 4000; i++)
        {
            var text = new System.Text.StringBuilder(sources[random.Next(sources.Count)]);
            for (var edits = random.Next(1, 4); edits > 0 && text.Length > 0; edits--)
            {
                var at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0: text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at)); break;
                    case 1: text.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: text[at] = alphabet[random.Next(alphabet.Length)]; break;
                }
            }

            var bound = TestSpecs.Compile(text.ToString());

            Assert.True(!bound.Diagnostics.Any(d => d.Id == "MNG0016"), $"Internal error for:\n{text}\n{string.Join("\n", bound.Diagnostics)}");
        }
    }

    [Theory]
    [InlineData("layers: []", "MNG0005", "'layers' must be a list of layers, not a list of 0 items.")]
    [InlineData("input: [1, 28]", "MNG0005", "'input' must be a list of three integers [channels, height, width], not a list of 2 items.")]
    [InlineData("input: [1, 28, 99999999999999999999]", "MNG0006", "'input[2]' is 99999999999999999999 but must be in [1, 1048576].")]
    [InlineData("training: 5", "MNG0005", "'training' must be a mapping of training's keys (dataset, loss, optimizer, batch_size, epochs, seed, schedule, augment), not 5.")]
    [InlineData("name: 42", "MNG0008", "'42' is not a valid class name: a C# identifier starts with a letter or '_' and contains only letters, digits and '_'.")]
    [InlineData("layers: [flatten, linear, log_softmax]", "MNG0007", "Missing required key 'out' in linear.")]
    [InlineData("layers: [flatten, { linear: [10] }, log_softmax]", "MNG0005", "'out' must be an integer, not a list of 1 item.")]
    [InlineData("layers: [flatten, { linear: 10, name: head }]", "MNG0005", "'layers[1]' must be one layer kind with its parameters inside it (e.g. 'kind: { key: value }'), not a mapping with 2 keys.")]
    [InlineData("layers: [flatten, { linear: { out: 10 } }, { log_softmax: { dim: 1 } }]", "MNG0002", "Unknown key 'dim' in log_softmax. Valid keys: name.")]
    [InlineData("expected: { accuracy: 99.2 }", "MNG0006", "'accuracy' is 99.2 but must be in (0, 1].")]
    [InlineData("training: { loss: nll, optimizer: sgd }", "MNG0007", "Missing required key 'lr' in sgd.")]
    [InlineData("training: { loss: nll, optimizer: { sgd: 0.1 }, schedule: { step: { gamma: 0.5 } } }", "MNG0007", "Missing required key 'every' in step.")]
    [InlineData("training: { loss: nll, optimizer: { adam: { betas: [0.9] } } }", "MNG0005", "'betas' must be a list of two numbers [beta1, beta2], not a list of 1 item.")]
    [InlineData("training: { loss: nll, optimizer: { sgd: 0.1 }, augment: { max_shift: 20 } }", "MNG0006", "'max_shift' is 20 but must be in [0, 14].")]
    [InlineData("training: { loss: nll, optimizer: { sgd: 0.1 }, batch_size: 1e3 }", "MNG0005", "'batch_size' must be an integer, not 1e3.")]
    [InlineData("training: { loss: nll, optimizer: { sgd: .inf } }", "MNG0005", "'lr' must be a number, not .inf.")]
    [InlineData("description: [a, b]", "MNG0005", "'description' must be text, not a list of 2 items.")]
    [InlineData("layers: [flatten, { linear: { out: 10, bias: yes } }, log_softmax]", "MNG0005", "'bias' must be true or false, not yes.")]
    [InlineData("? [a]\n: 1", "MNG0005", "'a key' must be a plain name, not a list of 1 item.")]
    public void Odd_input_gets_one_clear_error(string replacement, string id, string message)
    {
        // Each replacement swaps one top-level section of a valid spec.
        var key = replacement.Split(':')[0];
        var lines = TestSpecs.Valid.ReplaceLineEndings("\n").Split('\n').ToList();
        var start = lines.FindIndex(l => l.StartsWith(key + ":", StringComparison.Ordinal));
        string text;
        if (start < 0)
        {
            text = TestSpecs.Valid + "\n" + replacement;
        }
        else
        {
            var end = start + 1;
            while (end < lines.Count && lines[end].StartsWith(' ')) end++;
            lines.RemoveRange(start, end - start);
            lines.Insert(start, replacement);
            text = string.Join("\n", lines);
        }

        var errors = TestSpecs.Errors(text);

        Assert.True(errors.Count == 1, $"Expected one error, got:\n{string.Join("\n", errors)}");
        Assert.Equal((id, message), (errors[0].Id, errors[0].Message));
    }
}
