using Workbook.Tests.Docs;

namespace Workbook.Tests;

/// <summary>
/// Follows one chapter's page of <c>docs/</c> on a fresh copy of its starter (see <see cref="DocRunner"/>). One class
/// per chapter, so that xunit runs the pages side by side; slow (each page builds its copy and runs
/// <c>dotnet ef</c>), hence the category <c>Docs</c>.
/// </summary>
/// <typeparam name="TChapter">The class that names the chapter.</typeparam>
[Trait("Category", "Docs")]
public abstract class PageTests<TChapter> where TChapter : ISolutionChapter
{
    /// <summary>
    /// Every command of the page prints what the page shows, and the page ends with the check passing. A page that uses
    /// PostgreSQL is skipped, with the reason, where no server can be had (outside CI; see <see cref="Postgres.Server"/>).
    /// </summary>
    [SkippableFact]
    public async Task Page_commands_print_what_the_page_shows()
    {
        var page = DocPage.Load(Path.Combine(DocsTests.DocsFolder, TChapter.Folder + ".md"));
        if (File.ReadAllText(page.Path).Contains("postgresql://", StringComparison.Ordinal))
            _ = Postgres.Server;
        Assert.Contains(page.Parts, part => part is ConsolePart);
        using var runner = new DocRunner(Solutions.Manifest[TChapter.Folder]);
        var problems = await runner.FollowAsync(page);
        Assert.True(problems.Count == 0, string.Join("\n", problems));

        var last = page.Parts.OfType<ConsolePart>().Last().Commands[^1];
        Assert.True(last.Text.Contains("tests/Workbook.Check") && last.ExpectedOutput.Any(line => line.Contains("checks pass")),
            $"{TChapter.Folder}.md should end with the check passing");
    }
}

/// <summary>Runs <c>docs/01-configuration.md</c>.</summary>
public sealed class Page01 : PageTests<Chapter01>;

/// <summary>Runs <c>docs/02-user-model.md</c>.</summary>
public sealed class Page02 : PageTests<Chapter02>;

/// <summary>Runs <c>docs/03-first-migration.md</c>.</summary>
public sealed class Page03 : PageTests<Chapter03>;

/// <summary>Runs <c>docs/04-comment-relationship.md</c>.</summary>
public sealed class Page04 : PageTests<Chapter04>;

/// <summary>Runs <c>docs/05-shell-play.md</c>.</summary>
public sealed class Page05 : PageTests<Chapter05>;

/// <summary>Runs <c>docs/06-schema-change.md</c>.</summary>
public sealed class Page06 : PageTests<Chapter06>;

/// <summary>Runs <c>docs/07-postgresql.md</c> against the test run's PostgreSQL server.</summary>
public sealed class Page07 : PageTests<Chapter07>;
