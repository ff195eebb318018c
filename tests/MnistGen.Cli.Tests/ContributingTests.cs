using System.Reflection;
using System.Text.RegularExpressions;
using MnistGen.Core.Interop;

namespace MnistGen.Cli.Tests;

/// <summary>
/// CONTRIBUTING.md's map of the code, "Adding a command" and "Adding an export format" held to the code: the paths
/// they name exist, the types and members they name exist, and the registration points work as they say.
/// </summary>
public class ContributingTests
{
    private static readonly string Text = File.ReadAllText(Path.Combine(Repository.Root, "CONTRIBUTING.md")).ReplaceLineEndings("\n");

    private static string Section(string heading)
    {
        var start = Text.IndexOf("\n## " + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"CONTRIBUTING.md has no section '{heading}'");
        var end = Text.IndexOf("\n## ", start + 4, StringComparison.Ordinal);
        return Text[start..(end < 0 ? Text.Length : end)];
    }

    private static IEnumerable<string> Quoted(string section) =>
        Regex.Matches(section, "`([^`\n]+)`").Select(m => m.Groups[1].Value);

    [Theory]
    [InlineData("A map of the code")]
    [InlineData("Adding a command")]
    [InlineData("Adding an export format")]
    public void Every_repository_path_a_section_names_exists(string heading)
    {
        var paths = Quoted(Section(heading))
            .Where(q => Regex.IsMatch(q, @"^(src|tests|generators|benchmarks|templates|build)/[\w./-]*$")).ToList();
        Assert.NotEmpty(paths);
        foreach (var path in paths)
        {
            var full = Path.Combine(Repository.Root, path);
            Assert.True(File.Exists(full) || Directory.Exists(full), $"CONTRIBUTING.md, '{heading}', names {path}, which does not exist");
        }
    }

    [Theory]
    [InlineData("Adding a command")]
    [InlineData("Adding an export format")]
    public void Every_type_and_member_a_section_names_exists(string heading)
    {
        var types = new[] { typeof(Cli).Assembly, typeof(ModelInterop).Assembly, typeof(ContributingTests).Assembly }
            .SelectMany(a => a.GetTypes()).Where(t => !t.IsNested).ToLookup(t => t.Name.Split('`')[0]);
        var names = Quoted(Section(heading)).Where(q => Regex.IsMatch(q, @"^[A-Z]\w*(\.[A-Z]\w*)?$")).ToList();
        Assert.NotEmpty(names);
        foreach (var name in names)
        {
            var parts = name.Split('.');
            Assert.True(types.Contains(parts[0]), $"'{heading}' names the type {parts[0]}, which does not exist");
            if (parts.Length == 2)
                Assert.True(types[parts[0]].Any(t => t.GetMember(parts[1], BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance).Length > 0),
                    $"'{heading}' names {name}, which does not exist");
        }
    }

    [Fact]
    public void Every_command_class_is_registered_in_the_command_tree()
    {
        var root = Cli.BuildRoot(TextWriter.Null, TextWriter.Null);
        var classes = typeof(Cli).Assembly.GetTypes()
            .Where(t => t.Namespace == "MnistGen.Cli.Commands" && t.Name.EndsWith("Command", StringComparison.Ordinal)
                        && t.GetMethod("Create", BindingFlags.Public | BindingFlags.Static) is not null)
            .Select(t => t.Name[..^"Command".Length].ToLowerInvariant()).Order().ToList();
        Assert.Contains("plot", classes);
        Assert.Equal(classes, root.Subcommands.Select(c => c.Name).Where(classes.Contains).Order());
        Assert.All(classes, name => Assert.Contains(root.Subcommands, c => c.Name == name));
    }

    [Fact]
    public void Every_export_format_parses_by_its_lower_case_name_and_has_its_own_extension()
    {
        var formats = Enum.GetValues<ExportFormat>();
        foreach (var format in formats) Assert.Equal(format, ModelInterop.ParseFormat(format.ToString().ToLowerInvariant()).Value);
        Assert.Equal(formats.Length, formats.Select(ModelInterop.ExtensionOf).Distinct().Count());
    }
}
