using System;
using System.Linq;

namespace MnistGen.Text;

/// <summary>
/// Edit distance for "did you mean" suggestions. Shared as source with the generator (netstandard2.0, which
/// cannot reference MnistGen.Core), so both suggest the same way.
/// </summary>
internal static class Levenshtein
{
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
