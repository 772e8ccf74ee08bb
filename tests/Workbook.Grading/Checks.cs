namespace Workbook.Grading;

/// <summary>One named check a chapter can list in the manifest.</summary>
/// <param name="Name">The name the manifest uses, such as <c>model</c>.</param>
/// <param name="Run">
/// Produces the outputs to compare with the snapshots of this check, from the chapter's built assembly and the
/// chapter it is graded as (its own, or, for a starter, the chapter before it).
/// </param>
/// <param name="Graded">
/// True for a check of what the chapter does, run on a learner's work and on the solutions alike (a chapter lists
/// it under <c>checks</c>); false for a text snapshot of what <c>dotnet ef</c> wrote or prints, which only the
/// solutions are held to (a chapter lists it under <c>snapshots</c>).
/// </param>
/// <param name="ReadsChapterDatabase">
/// True when the check reads the chapter's own <c>app.db</c> rather than a database of its own; such a check
/// can only pass after the learner ran <c>dotnet ef database update</c>.
/// </param>
/// <param name="RunsProgram">
/// True when the check starts the chapter's program in child processes; such checks start first, so that those
/// processes run while the checks in this process work (on a machine with few cores the thread pool would otherwise
/// hold them back behind the others).
/// </param>
/// <param name="NeedsServer">
/// True when the check runs on a PostgreSQL server (<see cref="PostgresServer.Shared"/>); without one its outputs say it
/// did not run and how to get a server, and they differ from the snapshots, so the chapter is not passed.
/// </param>
public sealed record Check(string Name, Func<ChapterAssembly, ChapterInfo, Task<IReadOnlyList<Output>>> Run, bool Graded = true, bool ReadsChapterDatabase = false, bool RunsProgram = false, bool NeedsServer = false);

/// <summary>The named checks, and how to run them.</summary>
public static class Checks
{
    /// <summary>Every check by the name the manifest uses; see the method behind each entry for what its outputs hold.</summary>
    public static readonly IReadOnlyDictionary<string, Check> Catalog = new Check[]
    {
        new("configuration", (c, _) => ProgramChecks.Configuration(c), RunsProgram: true),
        new("design-time-factory", (c, _) => Task.FromResult(ModelChecks.DesignTimeFactory(c))),
        new("run", (c, _) => ProgramChecks.Run(c), RunsProgram: true),
        new("model", (c, _) => Task.FromResult(ModelChecks.Model(c))),
        new("user-behaviour", (c, _) => Task.FromResult(BehaviourProbes.Users(c))),
        new("comment-behaviour", (c, _) => Task.FromResult(BehaviourProbes.Comments(c))),
        new("migrations", (c, info) => Task.FromResult(MigrationChecks.Migrations(c, info.Folder))),
        new("pending-model-changes", (c, _) => Task.FromResult(MigrationChecks.PendingModelChanges(c))),
        new("keeps-rows", (c, info) => Task.FromResult(MigrationChecks.KeepsRows(c, info.Folder))),
        new("keeps-data", (c, info) => Task.FromResult(DataChecks.KeepsData(c, info.Folder))),
        new("backup", (c, info) => DataChecks.Backup(c, info.Folder), RunsProgram: true),
        new("app-db", (c, _) => Task.FromResult(MigrationChecks.ChapterDatabase(c)), ReadsChapterDatabase: true),
        new("play", (c, _) => ProgramChecks.Play(c), RunsProgram: true),
        new("shell", (c, _) => ProgramChecks.Shell(c), RunsProgram: true),
        new("postgres-model", (c, _) => Task.FromResult(PostgresChecks.Model(c))),
        new("postgres", (c, _) => PostgresChecks.Server(c), RunsProgram: true, NeedsServer: true),
        new("postgres-text", (c, _) => Task.FromResult(PostgresChecks.Text(c)), Graded: false),
        new("model-text", (c, _) => Task.FromResult(ModelChecks.ModelText(c)), Graded: false),
        new("migration-code", (c, _) => Task.FromResult(MigrationChecks.Code(c)), Graded: false),
        new("scripts", (c, _) => Task.FromResult(MigrationChecks.Scripts(c)), Graded: false),
        new("sqlite-master", (c, _) => Task.FromResult(MigrationChecks.SqliteMaster(c)), Graded: false),
    }.ToDictionary(check => check.Name);

    /// <summary>The check named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No check has that name.</exception>
    public static Check Named(string name) =>
        Catalog.TryGetValue(name, out var check)
            ? check
            : throw new KeyNotFoundException($"There is no check named '{name}'; the known ones are {string.Join(", ", Catalog.Keys)}.");
}
