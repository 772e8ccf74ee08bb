using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Workbook.Tests.Docs;

/// <summary>
/// The parts of a chapter's page that are made from the workbook itself, between
/// <c>&lt;!-- generated: WHAT --&gt;</c> and <c>&lt;!-- /generated --&gt;</c>: <c>er-diagram</c> (the chapter's schema
/// from its solution's EF Core model), <c>step N.M</c> (the step's heading from the manifest) and
/// <c>hint N.M</c> (the step's hint from the manifest).
/// </summary>
public static partial class GeneratedRegions
{
    /// <summary>Every region of <paramref name="page"/>: what it is and the text between its markers.</summary>
    public static IReadOnlyList<(string What, string Body)> Find(string page) =>
        Region().Matches(page).Select(m => (m.Groups["what"].Value.Trim(), m.Groups["body"].Value)).ToList();

    /// <summary>The page with every region's text replaced by <paramref name="generate"/>'s.</summary>
    public static string Update(string page, Func<string, string> generate) =>
        Region().Replace(page, m => $"<!-- generated: {m.Groups["what"].Value.Trim()} -->\n{generate(m.Groups["what"].Value.Trim())}<!-- /generated -->");

    /// <summary>What a region of the page of <paramref name="chapter"/> should hold.</summary>
    /// <param name="chapter">The chapter the page belongs to.</param>
    /// <param name="what">The region's name, such as <c>er-diagram</c> or <c>hint 2.1</c>.</param>
    /// <returns>The region's text, ending in '\n'.</returns>
    /// <exception cref="ArgumentException">The name is none of the known kinds, or names a step the chapter lacks.</exception>
    public static string Generate(ChapterInfo chapter, string what)
    {
        var words = what.Split(' ', 2);
        StepInfo Step() => chapter.Steps.SingleOrDefault(s => s.Id == words[1])
            ?? throw new ArgumentException($"{chapter.Folder} has no step {words[1]}", nameof(what));
        return words[0] switch
        {
            "er-diagram" => Diagram(chapter),
            "step" => $"### Step {Step().Id}: {Step().Title}\n",
            "hint" => $"<details>\n<summary>Hint for step {Step().Id}</summary>\n\n{Step().Hint}\n\n</details>\n",
            _ => throw new ArgumentException($"unknown generated region '{what}'", nameof(what)),
        };
    }

    static string Diagram(ChapterInfo chapter)
    {
        using var db = Solutions.Load(chapter.Folder).CreateDbContext();
        return ErDiagram.Mermaid(db.GetService<IDesignTimeModel>().Model);
    }

    [GeneratedRegex(@"<!-- generated: (?<what>[^>]+?) -->\n(?<body>.*?)<!-- /generated -->", RegexOptions.Singleline)]
    private static partial Regex Region();
}
