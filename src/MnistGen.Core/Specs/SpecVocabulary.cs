namespace MnistGen.Vocabulary;

/// <summary>
/// The names and limits of a spec's <c>training:</c> section that both the spec compiler and the training
/// pipeline know: each is written here once. Shared as source with the generator (netstandard2.0, which cannot
/// reference MnistGen.Core), so this file is plain C# without dependencies. The generator's key table
/// (SpecLanguage) documents and checks them; Core maps them to its enums (<c>WireNames</c>) and enforces the
/// same limits on what reaches it by other routes (a run.json, a test).
/// </summary>
internal static class SpecVocabulary
{
    // training.dataset
    public const string Mnist = "mnist";
    public const string FashionMnist = "fashion-mnist";

    /// <summary>Every data set name, in the order the docs list them.</summary>
    public static readonly string[] Datasets = { Mnist, FashionMnist };

    // training.optimizer
    public const string Sgd = "sgd";
    public const string Adam = "adam";
    public const string AdamW = "adamw";

    /// <summary>Every optimizer name, in the order the docs list them.</summary>
    public static readonly string[] Optimizers = { Sgd, Adam, AdamW };

    // training.augment
    /// <summary>Largest accepted <c>max_shift</c> (pixels): half of a 28-pixel image.</summary>
    public const int MaxShiftLimit = 14;

    /// <summary>Largest accepted <c>max_rotation</c> (degrees, either way).</summary>
    public const double MaxRotationLimit = 180;

    /// <summary>
    /// Spellings that run.json files written before these names were shared use (JSON's snake_case of the enum
    /// member: <c>fashion_mnist</c>, <c>adam_w</c>), each with the name it stands for. They are read, never written.
    /// </summary>
    public static readonly (string Legacy, string Name)[] LegacySpellings =
    {
        ("fashion_mnist", FashionMnist),
        ("adam_w", AdamW),
    };
}
