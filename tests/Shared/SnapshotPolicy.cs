namespace MnistGen.Tests.Shared;

/// <summary>
/// Snapshooter writes a missing snapshot and passes, unless SNAPSHOOTER_STRICT_MODE is "on" or "true"
/// (read at every Snapshot.Match; then a missing snapshot throws SnapshotNotFoundException). CI sets CI=true,
/// so strict mode follows it: in CI a forgotten snapshot fails instead of being created unseen.
/// </summary>
internal static class SnapshotPolicy
{
    public static void StrictOnCi()
    {
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("SNAPSHOOTER_STRICT_MODE")))
        {
            Environment.SetEnvironmentVariable("SNAPSHOOTER_STRICT_MODE", "on");
        }
    }
}
