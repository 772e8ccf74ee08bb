namespace Workbook.Tests;

/// <summary>Names one solution chapter for <see cref="ChapterTests{TChapter}"/>.</summary>
public interface ISolutionChapter
{
    /// <summary>The chapter's folder name, such as <c>03-first-migration</c>.</summary>
    static abstract string Folder { get; }
}

/// <summary>
/// Runs every check the manifest lists for one solution chapter and matches the outputs with their
/// snapshots. One class per chapter, so that xunit runs the chapters in parallel and a chapter's tests
/// can be run alone (<c>--filter FullyQualifiedName~Chapter03</c>).
/// </summary>
/// <typeparam name="TChapter">The class that names the chapter.</typeparam>
/// <param name="run">The chapter's checks, started together when the class's tests begin.</param>
public abstract class ChapterTests<TChapter>(ChapterRun<TChapter> run) : IClassFixture<ChapterRun<TChapter>>
    where TChapter : ISolutionChapter
{
    /// <summary>
    /// The names of the checks the manifest lists for the chapter (graded checks, then the solution's text snapshots),
    /// as theory data, less those that read the chapter's own <c>app.db</c>: a solution has none until
    /// <c>dotnet ef database update</c> runs, which <see cref="CommandLineTests"/> does on a copy.
    /// </summary>
    public static TheoryData<string> ChecksOfChapter => new(CheckNames);

    /// <summary>The names behind <see cref="ChecksOfChapter"/>, in the manifest's order.</summary>
    public static IReadOnlyList<string> CheckNames =>
        Solutions.Manifest[TChapter.Folder].Checks.Concat(Solutions.Manifest[TChapter.Folder].Snapshots ?? [])
            .Where(name => !CheckCatalog.Named(name).ReadsChapterDatabase).ToList();

    /// <summary>
    /// The chapter's outputs of one check equal its snapshots. A check that needs a PostgreSQL server is skipped, with
    /// the reason, where none can be had (outside CI; see <see cref="Postgres.Server"/>).
    /// </summary>
    /// <param name="check">A check name from the manifest.</param>
    [SkippableTheory]
    [MemberData(nameof(ChecksOfChapter))]
    public async Task Check_matches_snapshots(string check)
    {
        if (CheckCatalog.Named(check).NeedsServer)
            _ = Postgres.Server;
        SnapshotAssert.Matches(TChapter.Folder, check, await run.Outputs[check]);
    }
}

/// <summary>
/// Every check of one solution chapter, all started at once: the checks that run the chapter's program wait
/// on child processes, so running them side by side keeps a chapter's tests short. xunit makes one per test
/// class and hands it to <see cref="ChapterTests{TChapter}"/>.
/// </summary>
/// <typeparam name="TChapter">The class that names the chapter.</typeparam>
public sealed class ChapterRun<TChapter> where TChapter : ISolutionChapter
{
    /// <summary>Starts the chapter's checks (those <see cref="ChapterTests{TChapter}.CheckNames"/> lists).</summary>
    public ChapterRun() =>
        Outputs = ChapterTests<TChapter>.CheckNames.ToDictionary(name => name, name => Task.Run(() => RunAsync(CheckCatalog.Named(name))));

    static async Task<IReadOnlyList<Output>> RunAsync(Check check)
    {
        var chapter = Chapter.In(Solutions.Root, "solutions", Solutions.Manifest[TChapter.Folder]);
        var access = check.NeedsServer ? Postgres.Server.CreateAccess(databases: 4) : null;
        try
        {
            return await check.Run(TestGrading.ContextFor(chapter, postgres: access));
        }
        finally
        {
            if (access is not null)
                Postgres.Server.DropAccess(access);
        }
    }

    /// <summary>Each check's outputs by check name, as they come; awaiting one rethrows what its check threw.</summary>
    public IReadOnlyDictionary<string, Task<IReadOnlyList<Output>>> Outputs { get; }
}
