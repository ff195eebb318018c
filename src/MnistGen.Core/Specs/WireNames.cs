using MnistGen.Vocabulary;

namespace MnistGen.Core.Specs;

/// <summary>
/// Core's enums as the names a spec, the command line and run.json write (one shared vocabulary, also compiled into the generator), and
/// back. Parsing also accepts the spellings older run.json files used.
/// </summary>
public static class WireNames
{
    /// <summary>The data set's name as a spec and the command line write it: <c>mnist</c>, <c>fashion-mnist</c>.</summary>
    public static string Of(DatasetKind kind) => kind switch
    {
        DatasetKind.Mnist => SpecVocabulary.Mnist,
        DatasetKind.FashionMnist => SpecVocabulary.FashionMnist,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown data set."),
    };

    /// <summary>The optimizer's name as a spec writes it: <c>sgd</c>, <c>adam</c>, <c>adamw</c>.</summary>
    public static string Of(OptimizerKind kind) => kind switch
    {
        OptimizerKind.Sgd => SpecVocabulary.Sgd,
        OptimizerKind.Adam => SpecVocabulary.Adam,
        OptimizerKind.AdamW => SpecVocabulary.AdamW,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimizer."),
    };

    /// <summary>The data set a name (or its old run.json spelling) stands for, ignoring case.</summary>
    public static bool TryParse(string? name, out DatasetKind kind) => TryParse(name, Enum.GetValues<DatasetKind>(), Of, out kind);

    /// <summary>The optimizer a name (or its old run.json spelling) stands for, ignoring case.</summary>
    public static bool TryParse(string? name, out OptimizerKind kind) => TryParse(name, Enum.GetValues<OptimizerKind>(), Of, out kind);

    private static bool TryParse<T>(string? name, T[] values, Func<T, string> of, out T kind) where T : struct, Enum
    {
        var wanted = Canonical(name?.Trim() ?? "");
        foreach (var value in values)
        {
            if (!string.Equals(of(value), wanted, StringComparison.OrdinalIgnoreCase)) continue;
            kind = value;
            return true;
        }
        kind = default;
        return false;
    }

    private static string Canonical(string name)
    {
        foreach (var (legacy, current) in SpecVocabulary.LegacySpellings)
            if (string.Equals(name, legacy, StringComparison.OrdinalIgnoreCase)) return current;
        return name;
    }
}
