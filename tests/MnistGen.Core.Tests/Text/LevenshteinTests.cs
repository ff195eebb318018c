using MnistGen.Text;

namespace MnistGen.Core.Tests.Text;

/// <summary>The edit distance behind every "did you mean" (architectures, commands, spec keys).</summary>
public class LevenshteinTests
{
    [Theory]
    [InlineData("kitten", "sitting", 3)]
    [InlineData("mlp", "MLP", 3)]
    [InlineData("", "abc", 3)]
    [InlineData("cnn-5x5", "cnn-5x5", 0)]
    public void Edit_distance(string a, string b, int distance) => Assert.Equal(distance, Levenshtein.Distance(a, b));
}
