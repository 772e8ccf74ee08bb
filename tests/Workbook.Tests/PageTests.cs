using Workbook.Tests.Docs;

namespace Workbook.Tests;

/// <summary>
/// Follows one chapter's page of <c>docs/</c> as a learner does, in a learner's own clone of the workbook with real shells
/// (see <see cref="DocRunner"/>). One class per chapter, so that xunit runs the pages side by side; slow (each page clones
/// the workbook, builds and runs <c>dotnet ef</c>), hence the category <c>Docs</c>.
/// </summary>
/// <typeparam name="TChapter">The class that names the chapter.</typeparam>
[Trait("Category", "Docs")]
public abstract class PageTests<TChapter> where TChapter : ISolutionChapter
{
    /// <summary>
    /// Every command of the page prints what the page shows, and the page ends with the learner's own <c>./check NN</c>,
    /// run from the clone, passing, then the progress view (<c>./check</c>) with every chapter up to this one passed. A page
    /// that uses PostgreSQL is skipped, with the reason, where no server can be had (outside CI; see <see cref="Postgres.Server"/>).
    /// </summary>
    [SkippableFact]
    public async Task Page_commands_print_what_the_page_shows()
    {
        var page = DocPage.Load(Path.Combine(DocsTests.DocsFolder, TChapter.Folder + ".md"));
        if (File.ReadAllText(page.Path).Contains("postgresql://", StringComparison.Ordinal))
            _ = Postgres.Server;
        Assert.Contains(page.Parts, part => part is ConsolePart);
        await using var runner = new DocRunner(Solutions.Manifest[TChapter.Folder]);
        var problems = await runner.FollowAsync(page);
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        var commands = page.Parts.OfType<ConsolePart>().SelectMany(part => part.Commands).ToList();
        var check = commands.FindLastIndex(command => command.Text == $"./check {TChapter.Folder[..2]}");
        Assert.True(check >= 0 && commands[check].ExpectedOutput.Any(line => line.Contains("checks pass")),
            $"{TChapter.Folder}.md should end with the learner's own check, `./check {TChapter.Folder[..2]}`, passing");
        Assert.True(commands[^1].Text == "./check" && commands[^1].ExpectedOutput.Any(line => line.StartsWith(TChapter.Folder) && line.EndsWith("passed")),
            $"{TChapter.Folder}.md should end with the progress view, `./check`, where {TChapter.Folder} has passed");
    }
}
