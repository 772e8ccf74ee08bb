namespace Workbook.Tests;

/// <summary>
/// How the tests grade: through the grader as the check command does (<see cref="Grader"/>, with this machine's sandbox
/// and a cache folder of the test run's own), or, for the solutions, whose code is the workbook's own, by calling a
/// check in this process (<see cref="ContextFor"/>).
/// </summary>
public static class TestGrading
{
    /// <summary>
    /// The test run's cache folder for the grader's workbenches, deleted when the run ends; also set as
    /// <c>WORKBOOK_CHECK_CACHE</c> for the check commands the tests start (see <see cref="TestEnvironment"/>).
    /// </summary>
    public static readonly string CacheRoot = Path.Combine(Path.GetTempPath(), $"workbook-tests-cache-{Environment.ProcessId}");

    /// <summary>The grader's options for the tests: the built check command as runner, this machine's sandbox, no result cache.</summary>
    public static GraderOptions Options { get; } = new(Solutions.CheckTool, Sandbox.Find(), CacheRoot);

    /// <summary>A grader of this workbook with <see cref="Options"/>.</summary>
    public static Grader Grader { get; } = new(Solutions.Root, Solutions.Manifest, Options);

    /// <summary>
    /// What a check needs to run in this process on a chapter built by the tests (a solution, or a built copy of one):
    /// its loaded assembly, the manifest's record of the chapter, a program runner with the grader's default time limit,
    /// and, when asked, a copy of the chapter's <c>app.db</c> and databases on the test run's PostgreSQL server (drop them
    /// with <see cref="PostgresServer.DropAccess"/>).
    /// </summary>
    /// <param name="chapter">A built chapter.</param>
    /// <param name="gradedAs">The chapter whose expectations apply; the chapter's own when null.</param>
    /// <param name="copyDatabaseTo">A folder to copy the chapter's <c>app.db</c> to for the checks that read it, or null.</param>
    /// <param name="postgres">Databases on a PostgreSQL server, or null.</param>
    public static CheckContext ContextFor(Chapter chapter, ChapterInfo? gradedAs = null, string? copyDatabaseTo = null, PostgresAccess? postgres = null)
    {
        ChapterDatabaseCopy? database = null;
        if (copyDatabaseTo is not null)
        {
            var file = Path.Combine(chapter.Folder, "app.db");
            if (File.Exists(file))
            {
                File.Copy(file, Path.Combine(copyDatabaseTo, "app.db"), overwrite: true);
                if (File.Exists(file + "-wal"))
                    File.Copy(file + "-wal", Path.Combine(copyDatabaseTo, "app.db-wal"), overwrite: true);
            }
            database = File.Exists(file)
                ? new ChapterDatabaseCopy(Path.Combine(copyDatabaseTo, "app.db"), "", [])
                : new ChapterDatabaseCopy(null, "No app.db in the chapter folder yet: run `dotnet ef database update` there.\n", []);
        }
        return new CheckContext(ChapterAssembly.Load(chapter, Solutions.Configuration), gradedAs ?? chapter.Info,
            new ProgramRunner(TimeSpan.FromSeconds(120)), database, postgres);
    }

    /// <summary>The environment that gives the check command the cache folder <paramref name="cache"/> instead of the user's.</summary>
    /// <param name="cache">A folder of the test's own.</param>
    public static Dictionary<string, string?> CacheIn(TempFolder cache) => new() { [Workbench.CacheVariable] = cache.Path };
}
