using System.Reflection;
using Xunit;

namespace MyDigits.Tests;

/// <summary>
/// The code generated from specs/ is what was reviewed: each architecture's class and the registry, byte for byte
/// (line endings aside), against snapshots/. After an intended change to a spec (or a new MnistGen version), run
/// the tests with MNISTGEN_UPDATE_SNAPSHOTS=1 to rewrite the snapshots, and review the diff.
/// </summary>
public class GeneratedCodeTests
{
    private static string Metadata(string key) =>
        typeof(GeneratedCodeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    public static TheoryData<string> GeneratedFiles()
    {
        var files = new TheoryData<string>();
        foreach (var spec in Architectures.All) files.Add(spec.Name + ".g.cs");
        files.Add("Architectures.g.cs");
        return files;
    }

    [Theory]
    [MemberData(nameof(GeneratedFiles))]
    public void Generated_code_matches_its_snapshot(string file)
    {
        var generated = Path.Combine(Metadata("GeneratedCode"), file);
        var snapshot = Path.Combine(Metadata("Snapshots"), file);
        Assert.True(File.Exists(generated), $"The build wrote no {generated}.");
        var actual = Normalize(File.ReadAllText(generated));
        if (Environment.GetEnvironmentVariable("MNISTGEN_UPDATE_SNAPSHOTS") == "1") File.WriteAllText(snapshot, actual);
        Assert.True(File.Exists(snapshot), $"No snapshot {snapshot} yet: run the tests with MNISTGEN_UPDATE_SNAPSHOTS=1 to write it, then review it.");
        Assert.Equal(Normalize(File.ReadAllText(snapshot)), actual);
    }

    [Fact]
    public void The_registry_lists_the_specs_architectures()
    {
        Assert.Contains(Architectures.All, a => a.Id == "digits-mlp" && a.Name == nameof(DigitsMlp));
        Assert.Equal(50_890, DigitsMlp.Spec.Summary.TotalParameters); // 784*64+64 + 64*10+10
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n");
}
