using System;
using System.Collections.Generic;

namespace MnistGen.Text;

/// <summary>
/// "Did you mean ...?" for a name a person typed: the one rule for what counts as a likely typo, used by the
/// spec compiler (unknown keys, kinds, values) and by the command line (unknown architectures). Shared as source
/// with the generator (netstandard2.0, which cannot reference MnistGen.Core).
/// </summary>
internal static class DidYouMean
{
    /// <summary>
    /// The candidate closest to <paramref name="input"/> by edit distance, ignoring case, or null when none is
    /// close enough to be a likely typo (at most 2 edits, or a third of the candidate's length).
    /// </summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        var wanted = input.ToLowerInvariant();
        foreach (var candidate in candidates)
        {
            var distance = Levenshtein.Distance(wanted, candidate.ToLowerInvariant());
            if (distance <= Math.Max(2, candidate.Length / 3) && distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    /// <summary>" Did you mean 'x'?" ready to splice into a message, or an empty string for no suggestion.</summary>
    public static string Phrase(string? suggestion) => suggestion is null ? "" : $" Did you mean '{suggestion}'?";
}
