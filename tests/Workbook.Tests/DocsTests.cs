using System.Text.RegularExpressions;
using Workbook.Tests.Docs;

namespace Workbook.Tests;

/// <summary>
/// The pages of <c>docs/</c> cannot drift from the workbook: their copies of SQL, code and transcripts equal
/// the verified snapshots, their diagrams and steps are made from the model and the manifest, and the Flask
/// translation table shows code that is in the solutions. Their commands are run by <see cref="PageTests{TChapter}"/>.
/// </summary>
public sealed partial class DocsTests
{
    /// <summary>The <c>docs/</c> folder.</summary>
    public static readonly string DocsFolder = Path.Combine(Solutions.Root, "docs");

    /// <summary>Every chapter's folder name, which is also its page's name, as theory data.</summary>
    public static TheoryData<string> ChapterPages => new(Solutions.Manifest.Chapters.Select(c => c.Folder));

    /// <summary>Every page of <c>docs/</c>, as theory data.</summary>
    public static TheoryData<string> AllPages => new(Directory.GetFiles(DocsFolder, "*.md").Select(Path.GetFileName).Order()!);

    /// <summary>
    /// Only chapter 07's page reaches the PostgreSQL server and takes the test run's database <c>blog</c>: chapter 01's
    /// shows a <c>postgresql://</c> URL that its app refuses without connecting, and once made its runner drop the
    /// database under chapter 07's page when both ran at once.
    /// </summary>
    [Fact]
    public void Only_the_PostgreSQL_page_reaches_the_server()
    {
        var reaching = Solutions.Manifest.Chapters
            .Where(chapter => DocRunner.ReachesServer(DocPage.Load(Path.Combine(DocsFolder, chapter.Folder + ".md"))))
            .Select(chapter => chapter.Folder);
        Assert.Equal(["07-postgresql"], reaching);
    }

    /// <summary>
    /// The pages' collections start before every other (<see cref="LongestFirst"/>), the page with the most work
    /// first; the other collections keep xunit's order.
    /// </summary>
    [Fact]
    public void Pages_start_first_the_one_with_the_most_work_first()
    {
        var assembly = new Xunit.Sdk.TestAssembly(Xunit.Sdk.Reflector.Wrap(typeof(DocsTests).Assembly));
        // The display name xunit gives the collection of a class that names none.
        Xunit.Abstractions.ITestCollection Of(Type type) => new Xunit.Sdk.TestCollection(assembly, null, "Test collection for " + type.FullName);
        var ordered = new LongestFirst()
            .OrderTestCollections([Of(typeof(DocsTests)), Of(typeof(Page02)), Of(typeof(TrackTests)), Of(typeof(Page06)), Of(typeof(Page05))])
            .Select(collection => collection.DisplayName.Split('.')[^1]);
        Assert.Equal(["Page06", "Page02", "Page05", "DocsTests", "TrackTests"], ordered);
    }

    /// <summary>Every code block a page marks as a snapshot's copy equals that snapshot (after scrubbing).</summary>
    [Theory]
    [MemberData(nameof(AllPages))]
    public void Page_copies_of_snapshots_equal_the_snapshots(string file)
    {
        var page = DocPage.Load(Path.Combine(DocsFolder, file));
        foreach (var part in page.Parts.OfType<SnapshotPart>())
        {
            var path = Path.Combine(Expectations.Folder(Solutions.Root), part.Snapshot + ".snap");
            Assert.True(File.Exists(path), $"{file} line {part.Line}: there is no snapshot {part.Snapshot}");
            var expected = Scrub.Lines(File.ReadAllText(path));
            var shown = Scrub.Volatile(Scrub.Lines(part.Text));
            Assert.True(expected == shown, $"{file} line {part.Line} differs from {part.Snapshot} (- snapshot, + page):\n{TextDiff.Lines(expected, shown)}");
        }
    }

    /// <summary>
    /// A chapter's page has a heading and a hint region for every step of the manifest, in order, and its schema
    /// diagram from chapter 02 on; every generated region holds what the model and the manifest make now. With
    /// <c>WORKBOOK_UPDATE_DOCS=1</c> the test rewrites the regions instead (then read the diff).
    /// </summary>
    [Theory]
    [MemberData(nameof(ChapterPages))]
    public void Page_diagram_and_steps_are_generated_from_the_model_and_the_manifest(string chapter)
    {
        var info = Solutions.Manifest[chapter];
        var path = Path.Combine(DocsFolder, chapter + ".md");
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var regions = GeneratedRegions.Find(text);

        var expectedNames = info.Steps.SelectMany(s => new[] { $"step {s.Id}", $"hint {s.Id}" }).ToList();
        if (info.Checks.Contains("model"))
            expectedNames.Insert(0, "er-diagram");
        Assert.Equal(expectedNames, regions.Select(r => r.What));

        if (Environment.GetEnvironmentVariable("WORKBOOK_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, GeneratedRegions.Update(text, what => GeneratedRegions.Generate(info, what)));
            return;
        }
        foreach (var (what, body) in regions)
        {
            var expected = GeneratedRegions.Generate(info, what);
            Assert.True(expected == body, $"{chapter}.md, region '{what}' is out of date (- generated, + page); "
                + $"run the tests with WORKBOOK_UPDATE_DOCS=1 to rewrite it:\n{TextDiff.Lines(expected, body)}");
        }
    }

    /// <summary>
    /// Every piece of C# in the EF Core column of the Flask translation table is in a solution's source, so the
    /// table shows code that compiles and runs.
    /// </summary>
    [Fact]
    public void Translation_table_shows_code_from_the_solutions()
    {
        var sources = Directory.EnumerateFiles(Path.Combine(Solutions.Root, "solutions"), "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Select(path => Squash(File.ReadAllText(path)))
            .ToList();
        var rows = File.ReadAllLines(Path.Combine(DocsFolder, "flask-to-efcore.md"))
            .Where(line => line.StartsWith('|') && !line.StartsWith("|---") && !line.StartsWith("| Flask"))
            .ToList();
        Assert.NotEmpty(rows);
        foreach (var row in rows)
        {
            var cells = row.Split('|');
            Assert.True(cells.Length >= 4, $"a row should have a Flask, an EF Core and a where column: {row}");
            var code = InlineCode().Matches(cells[2]).Select(m => m.Groups["code"].Value).ToList();
            Assert.True(code.Count > 0, $"the EF Core column shows no code: {row}");
            foreach (var piece in code.Where(c => !c.StartsWith("dotnet ")))
                Assert.True(sources.Any(source => source.Contains(Squash(piece))), $"`{piece}` is in no solution's source: {row}");
        }
    }

    /// <summary><c>docs/README.md</c> links every chapter's page, in the manifest's order, and the translation table.</summary>
    [Fact]
    public void Docs_index_links_every_page_in_order()
    {
        var index = File.ReadAllText(Path.Combine(DocsFolder, "README.md"));
        var positions = Solutions.Manifest.Chapters.Select(c => index.IndexOf($"({c.Folder}.md)", StringComparison.Ordinal)).ToList();
        Assert.All(positions, position => Assert.True(position >= 0, "docs/README.md should link every chapter's page"));
        Assert.Equal(positions.Order(), positions);
        Assert.Contains("(flask-to-efcore.md)", index);
    }

    static string Squash(string code) => WhiteSpace().Replace(code, " ").Replace("\\|", "|");

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();

    [GeneratedRegex(@"`(?<code>[^`]+)`")]
    private static partial Regex InlineCode();
}
