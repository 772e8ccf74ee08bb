namespace Workbook.Grading.Checks;

/// <summary>One named check a chapter can list in the manifest.</summary>
/// <param name="Name">The name the manifest uses, such as <c>model</c>.</param>
/// <param name="Run">
/// Produces the outputs to compare with the snapshots of this check, from the chapter's built assembly and what else the
/// <see cref="CheckContext"/> gives. It runs learner code: the grader calls it only in the sandboxed runner
/// (<see cref="ChapterRunner"/>), the test suite on the solutions.
/// </param>
/// <param name="Graded">
/// True for a check of what the chapter does, run on a learner's work and on the solutions alike (a chapter lists
/// it under <c>checks</c>); false for a text snapshot of what <c>dotnet ef</c> wrote or prints, which only the
/// solutions are held to (a chapter lists it under <c>snapshots</c>).
/// </param>
/// <param name="ReadsChapterDatabase">
/// True when the check reads the chapter's own <c>app.db</c> (a copy the grader made of it) rather than a database of its
/// own; such a check can only pass after the learner ran <c>dotnet ef database update</c>.
/// </param>
/// <param name="RunsProgram">
/// True when the check starts the chapter's program in child processes; such checks start first, so that those
/// processes run while the checks in the runner's own process work.
/// </param>
/// <param name="NeedsServer">
/// True when the check runs on a PostgreSQL server (<see cref="CheckContext.Postgres"/>); without one it does not run, and
/// its status is an error, never a pass or a failure.
/// </param>
public sealed record Check(string Name, Func<CheckContext, Task<IReadOnlyList<Output>>> Run, bool Graded = true, bool ReadsChapterDatabase = false, bool RunsProgram = false, bool NeedsServer = false);

/// <summary>What a check works on.</summary>
/// <param name="Chapter">The chapter's built assembly, loaded in this process.</param>
/// <param name="GradedAs">The chapter whose expectations apply (its own, or for a starter the chapter before it): which migrations its
/// starter came with (<see cref="ChapterInfo.StarterMigrations"/>) comes from here, the workbook's record, never from the folder graded.</param>
/// <param name="Programs">Runs the chapter's built program, with its limits.</param>
/// <param name="ChapterDatabase">For the checks that read the chapter's own <c>app.db</c>: a copy of it, or why there is none.</param>
/// <param name="Postgres">For the checks that need a PostgreSQL server: databases made for this grading, or null.</param>
public sealed record CheckContext(
    ChapterAssembly Chapter, ChapterInfo GradedAs, ProgramRunner Programs, ChapterDatabaseCopy? ChapterDatabase = null, PostgresAccess? Postgres = null);

/// <summary>The named checks, and how to run them.</summary>
public static class CheckCatalog
{
    /// <summary>Every check by the name the manifest uses; see the method behind each entry for what its outputs hold.</summary>
    public static readonly IReadOnlyDictionary<string, Check> Catalog = new Check[]
    {
        new("configuration", ProgramChecks.Configuration, RunsProgram: true),
        new("design-time-factory", c => Task.FromResult(ModelChecks.DesignTimeFactory(c.Chapter))),
        new("run", ProgramChecks.Run, RunsProgram: true),
        new("model", c => Task.FromResult(ModelChecks.Model(c.Chapter))),
        new("user-behaviour", c => Task.FromResult(BehaviourProbes.Users(c.Chapter))),
        new("comment-behaviour", c => Task.FromResult(BehaviourProbes.Comments(c.Chapter, c.GradedAs))),
        new("migrations", c => Task.FromResult(MigrationChecks.Migrations(c))),
        new("pending-model-changes", c => Task.FromResult(MigrationChecks.PendingModelChanges(c.Chapter))),
        new("keeps-rows", c => Task.FromResult(MigrationChecks.KeepsRows(c))),
        new("keeps-data", c => Task.FromResult(DataSafetyChecks.KeepsData(c))),
        new("backup", DataSafetyChecks.Backup, RunsProgram: true),
        new("app-db", c => Task.FromResult(MigrationChecks.ChapterDatabase(c)), ReadsChapterDatabase: true),
        new("play", ProgramChecks.Play, RunsProgram: true),
        new("shell", ProgramChecks.Shell, RunsProgram: true),
        new("postgres-model", c => Task.FromResult(PostgresChecks.Model(c.Chapter))),
        new("postgres", PostgresChecks.Server, RunsProgram: true, NeedsServer: true),
        new("postgres-text", c => Task.FromResult(PostgresChecks.Text(c.Chapter)), Graded: false),
        new("model-text", c => Task.FromResult(ModelChecks.ModelText(c.Chapter)), Graded: false),
        new("migration-code", c => Task.FromResult(MigrationChecks.Code(c.Chapter)), Graded: false),
        new("scripts", c => Task.FromResult(MigrationChecks.Scripts(c.Chapter)), Graded: false),
        new("sqlite-master", c => Task.FromResult(MigrationChecks.SqliteMaster(c.Chapter)), Graded: false),
    }.ToDictionary(check => check.Name);

    /// <summary>The check named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No check has that name.</exception>
    public static Check Named(string name) =>
        Catalog.TryGetValue(name, out var check)
            ? check
            : throw new KeyNotFoundException($"There is no check named '{name}'; the known ones are {string.Join(", ", Catalog.Keys)}.");
}
