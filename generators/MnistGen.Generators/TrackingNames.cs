namespace MnistGen.Generators;

/// <summary>Names of the tracked pipeline steps, so tests can check each one is cached on an unchanged rerun.</summary>
internal static class TrackingNames
{
    public const string SpecFiles = nameof(SpecFiles);
    public const string Parsed = nameof(Parsed);
    public const string Bound = nameof(Bound);
    public const string Models = nameof(Models);
    public const string Registry = nameof(Registry);
    public const string DuplicateNames = nameof(DuplicateNames);
    public const string ModelsToEmit = nameof(ModelsToEmit);
    public const string Lowered = nameof(Lowered);
    public const string Diagnostics = nameof(Diagnostics);
    public const string Namespace = nameof(Namespace);
}
