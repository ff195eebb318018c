using MnistGen.Generators.Parsing;

namespace MnistGen.Generators.Tests;

public class ParserTests
{
    [Fact]
    public void Every_node_carries_its_line_and_column()
    {
        var parsed = SpecParser.Parse(TestSpecs.Inline("""
            name: Mlp
            layers:
              - linear: { out: 10 }
            """));

        Assert.Empty(parsed.Diagnostics);
        var root = Assert.IsType<YamlMapping>(parsed.Root);
        var name = Assert.IsType<YamlScalar>(root.Entries[0].Value);
        Assert.Equal(("Mlp", 1, 7), (name.Value, name.Span.StartLine, name.Span.StartColumn));
        var layers = Assert.IsType<YamlSequence>(root.Entries[1].Value);
        var linear = Assert.IsType<YamlMapping>(layers.Items[0]);
        var outValue = Assert.IsType<YamlMapping>(linear.Entries[0].Value).Entries[0].Value;
        Assert.Equal(("10", 3, 20), (((YamlScalar)outValue).Value, outValue.Span.StartLine, outValue.Span.StartColumn));
    }

    [Fact]
    public void Quoted_scalars_are_not_plain_so_they_never_become_numbers()
    {
        var root = (YamlMapping)SpecParser.Parse(TestSpecs.Inline("a: 10\nb: \"10\"\nc:\n")).Root!;

        Assert.True(((YamlScalar)root.Entries[0].Value).IsPlain);
        Assert.False(((YamlScalar)root.Entries[1].Value).IsPlain);
        Assert.True(((YamlScalar)root.Entries[2].Value).IsNull);
    }

    [Fact]
    public void Aliases_resolve_to_their_anchor()
    {
        var root = (YamlMapping)SpecParser.Parse(TestSpecs.Inline("a: &x [1, 2]\nb: *x\n")).Root!;

        Assert.Equal(root.Entries[0].Value, root.Entries[1].Value);
    }

    [Fact]
    public void Equal_text_parses_to_equal_trees_so_the_pipeline_can_cache()
    {
        var text = File.ReadAllText(Path.Combine(TestSpecs.SpecsDirectory, "cnn-5x5.yaml"));

        Assert.Equal(SpecParser.Parse(TestSpecs.Inline(text)), SpecParser.Parse(TestSpecs.Inline(text)));
    }

    [Theory]
    [InlineData("a: [b, c\nd: e\n", 1, 4, "this '[' is not closed")]
    [InlineData("a: {b: 1, c: [2, 3\nd: e\n", 1, 14, "this '[' is not closed")]
    [InlineData("- [a, b\n- c\n", 1, 1, "the YAML parser stopped after this point (InvalidOperationException")]
    public void YamlDotNet_throwing_a_bare_InvalidOperationException_still_gives_a_located_syntax_error(string text, int line, int column, string message)
    {
        // These inputs make YamlDotNet 18.1 throw InvalidOperationException instead of a YamlException.
        Assert.Throws<InvalidOperationException>(() =>
        {
            var raw = new YamlDotNet.Core.Parser(new StringReader(text));
            while (raw.MoveNext()) { }
        });

        var error = Assert.Single(SpecParser.Parse(TestSpecs.Inline(text)).Diagnostics);

        Assert.Equal("MNG0001", error.Id);
        Assert.Contains(message, error.Message);
        Assert.Equal((line, column), (error.Span.StartLine, error.Span.StartColumn));
    }

    [Fact]
    public void An_empty_file_has_no_root_and_no_syntax_error()
    {
        var parsed = SpecParser.Parse(TestSpecs.Inline(""));

        Assert.Null(parsed.Root);
        Assert.Empty(parsed.Diagnostics);
    }

    [Theory]
    [InlineData("layers: [conv2d, relu\n", 2, 1)]
    [InlineData("name: Mlp\n  input: 3\n", 2, 8)]
    [InlineData("a: [b, {c: }]]\n", 1, 14)]
    [InlineData("a: 1\n---\nb: 2\n", 2, 1)]
    public void Malformed_yaml_is_a_located_syntax_error_never_an_exception(string text, int line, int column)
    {
        var parsed = SpecParser.Parse(TestSpecs.Inline(text));

        var error = Assert.Single(parsed.Diagnostics);
        Assert.Equal("MNG0001", error.Id);
        Assert.StartsWith("YAML syntax error: ", error.Message);
        Assert.Equal((line, column), (error.Span.StartLine, error.Span.StartColumn));
    }
}
