using System.Text.RegularExpressions;

namespace MnistGen.Cli.Tests;

/// <summary>
/// The pages a newcomer reads: README stays a short front page, every relative link from README, docs/*.md and
/// CONTRIBUTING.md reaches a file (and its #anchor a heading), and the ONNX Runtime app in docs/interop.md is the code
/// that OnnxExportTests runs.
/// </summary>
public class DocsTests
{
    private static readonly Regex Link = new(@"\]\(([^)\s]+)\)", RegexOptions.Compiled);

    private static IEnumerable<string> Pages() =>
        new[] { "README.md", "CONTRIBUTING.md" }.Select(p => Path.Combine(Repository.Root, p))
            .Concat(Directory.GetFiles(Path.Combine(Repository.Root, "docs"), "*.md"));

    [Fact]
    public void The_readme_is_at_most_300_lines() =>
        Assert.InRange(File.ReadAllLines(Path.Combine(Repository.Root, "README.md")).Length, 1, 300);

    [Fact]
    public void There_are_the_reference_pages_the_readme_points_at()
    {
        foreach (var page in new[] { "spec-language", "interop", "serving", "performance", "library", "data" })
            Assert.True(File.Exists(Path.Combine(Repository.Root, "docs", page + ".md")), $"docs/{page}.md is missing");
    }

    [Fact]
    public void Every_relative_link_resolves_to_a_file_and_its_anchor_to_a_heading()
    {
        var broken = new List<string>();
        foreach (var page in Pages())
        {
            var text = StripCode(File.ReadAllText(page));
            foreach (Match match in Link.Matches(text))
            {
                var target = match.Groups[1].Value;
                if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal)) continue;
                var hash = target.IndexOf('#');
                var (file, anchor) = hash < 0 ? (target, null) : (target[..hash], target[(hash + 1)..]);
                var resolved = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, file));
                var name = $"{Path.GetRelativePath(Repository.Root, page)}: {target}";
                if (!File.Exists(resolved) && !Directory.Exists(resolved)) broken.Add(name + " (no such file)");
                else if (anchor is not null && resolved.EndsWith(".md", StringComparison.Ordinal) && !Anchors(resolved).Contains(anchor))
                    broken.Add(name + " (no such heading)");
            }
        }
        Assert.True(broken.Count == 0, "broken links:\n" + string.Join('\n', broken));
    }

    [Fact]
    public void The_onnx_app_in_docs_interop_is_the_code_the_onnx_tests_run()
    {
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "interop.md"));
        var start = doc.IndexOf("```csharp\n", StringComparison.Ordinal) + "```csharp\n".Length;
        Assert.True(start > "```csharp\n".Length - 1, "docs/interop.md has no C# snippet");
        var shown = Lines(doc[start..doc.IndexOf("```", start, StringComparison.Ordinal)])
            .Where(l => !(l.StartsWith("using ", StringComparison.Ordinal) && !l.Contains('='))).ToArray(); // not "using var"

        var source = File.ReadAllText(Path.Combine(Repository.Root, "tests", "MnistGen.Cli.Tests", "Interop", "OnnxExportTests.cs"));
        var app = source[source.IndexOf("internal static class OnnxDigitApp", StringComparison.Ordinal)..];
        var run = Lines(app).Skip(2).SkipLast(1) // the class line, its braces
            .Select(l => l.StartsWith("public ", StringComparison.Ordinal) ? l["public ".Length..] : l)
            .Select(l => l.StartsWith("private ", StringComparison.Ordinal) ? l["private ".Length..] : l).ToArray();

        Assert.Equal(run, shown);
    }

    private static string[] Lines(string text) =>
        text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();

    /// <summary>Fenced code blocks hold no links (a Python slice or a C# indexer looks like one).</summary>
    private static string StripCode(string markdown) => Regex.Replace(markdown, "```.*?```", "", RegexOptions.Singleline);

    /// <summary>GitHub's anchors: each heading lower-cased, punctuation other than '-' and '_' dropped, spaces as '-'.</summary>
    private static HashSet<string> Anchors(string page) =>
        [.. File.ReadAllLines(page).Where(l => l.StartsWith('#')).Select(l => l.TrimStart('#').Trim().ToLowerInvariant())
            .Select(h => Regex.Replace(h, @"[^\p{L}\p{N}\s_-]", "").Replace(' ', '-'))];
}
