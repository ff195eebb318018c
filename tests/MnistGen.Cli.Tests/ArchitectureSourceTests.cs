using MnistGen.Cli.Runs;
using MnistGen.Core.Functional;

namespace MnistGen.Cli.Tests;

/// <summary>
/// Where the architectures come from (<see cref="ArchitectureSource.Choose"/>): --project, else a project in the current
/// directory that references the MnistGen.Generators package, else the ones compiled into mnistgen. Building and loading a
/// real consumer project is proven by tests/MnistGen.Package.Tests (the installed tool lists a new project's specs).
/// </summary>
public class ArchitectureSourceTests
{
    private const string Consumer = """<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="MnistGen.Generators" Version="0.1.0" /></ItemGroup></Project>""";
    private const string Other = """<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><ProjectReference Include="../MnistGen.Generators/MnistGen.Generators.csproj" /></ItemGroup></Project>""";

    private static Result<ArchitectureSource> Choose(string? option, Dictionary<string, string> projects) =>
        ArchitectureSource.Choose(option, "/work/app", dir => projects.Keys.Where(p => Path.GetDirectoryName(p) == dir).Order(StringComparer.Ordinal).ToList(),
            path => projects[path], TextWriter.Null);

    [Fact]
    public void A_project_in_the_current_directory_that_references_the_generator_package_is_used()
    {
        var source = Choose(null, new() { ["/work/app/MyDigits.csproj"] = Consumer });
        Assert.Equal("/work/app/MyDigits.csproj", Assert.IsType<ArchitectureSource.ProjectBuild>(source.Value).ProjectPath);
    }

    [Fact]
    public void Without_such_a_project_the_compiled_in_architectures_are_used()
    {
        Assert.IsType<ArchitectureSource.Compiled>(Choose(null, new() { ["/work/app/Other.csproj"] = Other }).Value);
        Assert.IsType<ArchitectureSource.Compiled>(Choose(null, []).Value);
    }

    [Fact]
    public void An_explicit_project_directory_must_hold_exactly_one_project()
    {
        var directory = Directory.CreateTempSubdirectory("mnistgen-source-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(directory, "A.csproj"), Consumer);
            File.WriteAllText(Path.Combine(directory, "B.csproj"), Consumer);
            var two = ArchitectureSource.Choose(directory, "/", Catalog.ProjectsIn, File.ReadAllText, TextWriter.Null);
            Assert.Equal($"--project: {directory} holds 2 .csproj files; name one.", Assert.Single(two.Errors).Message);
            File.Delete(Path.Combine(directory, "B.csproj"));
            var one = ArchitectureSource.Choose(directory, "/", Catalog.ProjectsIn, File.ReadAllText, TextWriter.Null);
            Assert.Equal(Path.Combine(directory, "A.csproj"), Assert.IsType<ArchitectureSource.ProjectBuild>(one.Value).ProjectPath);
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [Fact]
    public void A_missing_project_is_one_line_and_exit_code_2()
    {
        var outcome = CliRunner.Run("list", "--project", "/nonexistent/MyDigits.csproj");
        Assert.Equal(2, outcome.ExitCode);
        Assert.Equal("error: --project: /nonexistent/MyDigits.csproj does not exist.", Assert.Single(outcome.ErrLines));
        outcome.AssertNoStackTrace();
    }

    [Fact]
    public void The_compiled_in_architectures_are_this_repositorys_specs()
    {
        var outcome = CliRunner.Run("list");
        Assert.Equal(0, outcome.ExitCode);
        Assert.Contains(outcome.OutLines, l => l.Contains("cnn-5x5"));
    }
}
