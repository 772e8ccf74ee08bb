namespace Workbook.Grading.Reporting;

/// <summary>
/// The commonest ways learners trip over EF Core migrations, recognised in what a failed check produced, so that the
/// report can name the pitfall and its fix in one line before the diff. Each is recognised by what the real tools print
/// or leave behind, not by guessing at the learner's code.
/// </summary>
public static class Pitfalls
{
    /// <summary>One pitfall: its one-line explanation, and how to recognise it in a check's outputs.</summary>
    /// <param name="Line">What happened and the fix, in one line.</param>
    /// <param name="Recognise">
    /// True when a failed check shows this pitfall, given the check's name, its outputs that differ from the expected
    /// ones, and all its outputs.
    /// </param>
    sealed record Pitfall(string Line, Func<string, IReadOnlyList<Output>, IReadOnlyList<Output>, bool> Recognise);

    static readonly Pitfall[] Known =
    [
        new("The app and dotnet ef opened different SQLite files: a relative `Data Source=app.db` lands in whatever folder a "
            + "program runs in. Keep the path anchored to the project folder (Config.BaseDir), delete the stray app.db, and run "
            + "`dotnet ef database update` in the chapter folder.",
            (check, failed, _) => Any(failed, "There is an app.db in", "no such table")),
        new("dotnet ef cannot make the DbContext (\"Unable to create a 'DbContext' of type ...\"): it needs the design-time "
            + "factory, BlogContextFactory, to build one. Put it back or fix what it throws.",
            (check, failed, _) => Any(failed, "has no design-time factory", "CreateDbContext threw")),
        new("Migrate() and `dotnet ef database update` refuse a model with changes that no migration holds "
            + "(PendingModelChangesWarning): add the migration with `dotnet ef migrations add <Name>`, then update.",
            (check, failed, _) => Any(failed, "PendingModelChangesWarning") && !SqliteContextOnPostgres(check, failed)),
        new("On PostgreSQL the app used BlogContext, whose migrations are SQLite's, so Migrate() finds the model changed "
            + "(PendingModelChangesWarning): register PostgresBlogContext as the BlogContext the app asks for when the URL is "
            + "PostgreSQL's (AddDbContext<BlogContext, PostgresBlogContext>).",
            SqliteContextOnPostgres),
        new("app.db was made by EnsureCreated(), which migrations cannot manage (\"table already exists\" on the next "
            + "`dotnet ef database update`): delete app.db, call Migrate() or run `dotnet ef database update` instead.",
            (check, failed, _) => Any(failed, "made by EnsureCreated()")),
        new("A migration was edited after a database had applied it (or the database was changed by hand): databases that had it "
            + "keep the old schema. Put the migration back as it was (git checkout) and make the change in a new migration; on your "
            + "own database alone, you may instead take it back first (`dotnet ef database update <previous>`), then edit, then update.",
            (check, failed, _) => (check == "migrations" && failed.Any(o => o.Name == "starter.txt" && o.Keyed))
                || (check == "app-db" && Any(failed.Where(o => o.Name == "schema.txt"), "app.db's schema differs from the one that"))),
        new("A scaffolded migration dropped a column and added an empty one where a rename was meant (dotnet ef warned: "
            + "\"An operation was scaffolded that may result in the loss of data\"): replace the DropColumn and AddColumn with "
            + "RenameColumn (or add, copy with SQL, then drop), in Up and in Down.",
            (check, failed, _) => check == "keeps-data" && Any(failed.Where(o => o.Name == "comments.txt"), "| \"\" |")),
    ];

    /// <summary>
    /// The lines of the pitfalls that a failed check's outputs show, in the order above; empty when none does.
    /// </summary>
    /// <param name="check">The check's name, such as <c>app-db</c>.</param>
    /// <param name="outputs">What the check produced.</param>
    /// <param name="differing">The names of the outputs that differ from the expected ones.</param>
    public static IReadOnlyList<string> Recognise(string check, IReadOnlyList<Output> outputs, IReadOnlyCollection<string> differing)
    {
        var failed = outputs.Where(o => differing.Contains(o.Name)).ToList();
        return failed.Count == 0 ? [] : Known.Where(p => p.Recognise(check, failed, outputs)).Select(p => p.Line).ToList();
    }

    static bool SqliteContextOnPostgres(string check, IReadOnlyList<Output> failed, IReadOnlyList<Output>? all = null) =>
        check == "postgres" && Any(failed, "PendingModelChangesWarning") && Any(failed, "context 'BlogContext'");

    static bool Any(IEnumerable<Output> outputs, params string[] signs) =>
        outputs.Any(o => signs.Any(sign => o.Text.Contains(sign, StringComparison.Ordinal)));
}
