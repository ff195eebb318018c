using System;
using System.Collections.Generic;
using System.Linq;

namespace MnistGen.Generators.Common;

/// <summary>"Did you mean ...?" by edit distance, for unknown keys, kinds and values.</summary>
internal static class Suggestions
{
    /// <summary>The closest candidate (case-insensitive), or null when none is close enough to be a likely typo.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates) => MnistGen.Text.DidYouMean.Closest(input, candidates);

    /// <summary>" Did you mean 'x'?" or an empty string, ready to splice into a message.</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates) => MnistGen.Text.DidYouMean.Phrase(Closest(input, candidates));

    public static string List(IEnumerable<string> items) => string.Join(", ", items);

    /// <summary>"a layer", "an optimizer".</summary>
    public static string WithArticle(string noun) => ("aeiou".IndexOf(char.ToLowerInvariant(noun[0])) >= 0 ? "an " : "a ") + noun;

    /// <summary>Levenshtein distance.</summary>
    public static int Distance(string a, string b) => MnistGen.Text.Levenshtein.Distance(a, b);
}
