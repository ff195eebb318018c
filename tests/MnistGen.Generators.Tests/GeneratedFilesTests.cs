using MnistGen.Generators.Language;

namespace MnistGen.Generators.Tests;

/// <summary>
/// specs/mnistgen-spec.schema.json and specs/README.md are written from the key table; these tests fail
/// when a committed file is stale. To regenerate both after changing the table:
/// <c>MNISTGEN_REGENERATE=1 dotnet test tests/MnistGen.Generators.Tests --filter GeneratedFilesTests</c>
/// </summary>
public class GeneratedFilesTests
{
    private static readonly bool Regenerate = Environment.GetEnvironmentVariable("MNISTGEN_REGENERATE") == "1";

    [Fact]
    public void The_committed_JSON_schema_is_what_the_key_table_generates() =>
        AssertCurrent(Path.Combine(TestSpecs.SpecsDirectory, SchemaWriter.FileName), SchemaWriter.Write());

    [Fact]
    public void The_committed_spec_reference_is_what_the_key_table_generates() =>
        AssertCurrent(Path.Combine(TestSpecs.SpecsDirectory, ReferenceWriter.FileName), ReferenceWriter.Write());

    [Fact]
    public void Every_spec_points_editors_at_the_schema()
    {
        foreach (var spec in Directory.GetFiles(TestSpecs.SpecsDirectory, "*.yaml"))
        {
            Assert.StartsWith("# yaml-language-server: $schema=./mnistgen-spec.schema.json\n", File.ReadAllText(spec).ReplaceLineEndings("\n"));
        }
    }

    [Fact]
    public void The_schema_knows_every_key_and_kind_of_the_table()
    {
        var schema = SchemaWriter.Write();

        foreach (var key in SpecLanguage.Objects.SelectMany(o => o.Fields).Select(f => f.Key)) Assert.Contains($"\"{key}\":", schema);
        foreach (var kind in SpecLanguage.Unions.SelectMany(u => u.Variants).Select(v => v.Name)) Assert.Contains($"\"{kind}\"", schema);
        Assert.Contains("\"additionalProperties\": false", schema);
    }

    private static void AssertCurrent(string path, string expected)
    {
        if (Regenerate)
        {
            File.WriteAllText(path, expected);
            return;
        }
        Assert.True(File.Exists(path), $"{path} is missing; regenerate it (see {nameof(GeneratedFilesTests)}).");
        Assert.True(File.ReadAllText(path).ReplaceLineEndings("\n") == expected,
            $"{path} is stale: run MNISTGEN_REGENERATE=1 dotnet test tests/MnistGen.Generators.Tests --filter GeneratedFilesTests");
    }
}
