using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace MnistGen.Generators.Common;

/// <summary>Numbers to text, always in the invariant culture (a build on a German machine must emit 0.5, not 0,5).</summary>
internal static class Invariant
{
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Thousands separators for people: 109,386.</summary>
    public static string Grouped(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Shape(IEnumerable<int> dims) => "[" + string.Join(", ", dims.Select(d => d.ToString(CultureInfo.InvariantCulture))) + "]";
}
