namespace Workbook.Grading.Checks;

/// <summary>
/// The checks of a chapter's migrations. The graded ones judge what the migrations do to a real SQLite file (the
/// schema read back after them, <c>Down</c> undoing each, the rows kept); the others record, for the solutions only,
/// the text <c>dotnet ef</c> wrote and the SQL it runs.
/// </summary>
static class MigrationChecks
{
    /// <summary>
    /// Graded. A new SQLite file is taken through the chapter's migrations one at a time (pending model changes
    /// allowed: they are graded on their own) and read back after each with <see cref="DatabaseSchema"/>.
    /// <c>starter.txt</c>: the schema after the migrations the starter came with (the ids the manifest records,
    /// <see cref="ChapterInfo.StarterMigrations"/>), which must still make the previous chapter's schema;
    /// <c>schema.txt</c>: the schema after all of them, the chapter's; <c>down.txt</c>: whether the <c>Down</c> of
    /// each, newest first, brings back the schema before it, down to an empty database, and whether applying them
    /// all again gives the same schema. Names, timestamps and the number of the chapter's own migrations are the
    /// learner's: only what they do is compared.
    /// </summary>
    /// <param name="context">The chapter and the chapter it is graded as.</param>
    public static IReadOnlyList<Output> Migrations(CheckContext context)
    {
        var starter = context.GradedAs.StarterMigrations;
        using var temp = new TempFolder();
        using var db = context.Chapter.CreateDbContext(temp["app.db"], ignorePendingModelChanges: true);
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        var migrator = db.GetService<IMigrator>();

        if (StarterProblem(ids, starter) is { } problem)
            return [new("starter.txt", problem), new("schema.txt", problem), new("down.txt", problem)];
        var starterCount = starter.Count;
        if (ids.Count == 0)
            return [new("starter.txt", DatabaseSchema.Empty, Keyed: true), new("schema.txt", NoMigrations), new("down.txt", NoMigrations)];

        // Up, one migration at a time, keeping the schema after each: after[i] is the schema after i migrations.
        var after = new List<string> { DatabaseSchema.Empty };
        foreach (var id in ids)
        {
            if (Apply(migrator, id) is { } failure)
            {
                var text = $"Migration {NameOf(id)} fails when it is applied: {failure}\n";
                return [new("starter.txt", after.Count > starterCount ? after[starterCount] : text, Keyed: after.Count > starterCount),
                    new("schema.txt", text), new("down.txt", text)];
            }
            after.Add(DatabaseSchema.ReadSqlite(temp["app.db"]));
        }

        // Down, newest first: each must leave the schema that was there before it.
        var problems = new StringBuilder();
        for (var i = ids.Count - 1; i >= 0; i--)
        {
            var target = i == 0 ? Migration.InitialDatabase : ids[i - 1];
            if (Apply(migrator, target) is { } failure)
            {
                problems.Append($"Down of {NameOf(ids[i])} fails: {failure}\n");
                break;
            }
            var schema = DatabaseSchema.ReadSqlite(temp["app.db"]);
            if (schema != after[i])
                problems.Append($"Down of {NameOf(ids[i])} does not bring back the schema before it (- before {NameOf(ids[i])}, + after its Down):\n")
                    .Append(KeyedText.Compare(after[i], schema).Diff);
        }
        if (problems.Length == 0)
        {
            if (Apply(migrator, ids[^1]) is { } failure)
                problems.Append($"Applying the migrations again after going down to empty fails: {failure}\n");
            else if (DatabaseSchema.ReadSqlite(temp["app.db"]) is var again && again != after[^1])
                problems.Append("Applying the migrations again after going down to empty gives another schema (- first time, + second time):\n")
                    .Append(KeyedText.Compare(after[^1], again).Diff);
        }
        var down = problems.Length == 0
            ? "Each migration's Down, newest first, brings back the schema before it, down to an empty database; "
              + "applying them all again gives the same schema.\n"
            : problems.ToString();
        return
        [
            new("starter.txt", after[starterCount], Keyed: true),
            new("schema.txt", after[^1], Keyed: true),
            new("down.txt", down),
        ];
    }

    /// <summary>
    /// Graded. <c>result.txt</c>: whether the model differs from the latest model snapshot
    /// (<see cref="RelationalDatabaseFacadeExtensions.HasPendingModelChanges"/>, as
    /// <c>dotnet ef migrations has-pending-model-changes</c> reports it), or that the model snapshot is missing.
    /// </summary>
    public static IReadOnlyList<Output> PendingModelChanges(ChapterAssembly chapter)
    {
        using var db = chapter.CreateDbContext();
        var migrations = db.GetService<IMigrationsAssembly>();
        string text;
        if (migrations.ModelSnapshot is null)
            text = migrations.Migrations.Count == 0
                ? NoMigrations
                : $"The model snapshot is missing: no class derives from ModelSnapshot (Migrations/{db.GetType().Name}ModelSnapshot.cs), "
                  + "though there are migrations. `dotnet ef migrations add` compares the model with it: put the file back "
                  + "(git checkout -- Migrations), or remove the migrations the chapter added and add them again.\n";
        else
            text = db.Database.HasPendingModelChanges()
                ? "The model has changes that no migration holds yet: add a migration with `dotnet ef migrations add <Name>`.\n"
                : "No changes since the last migration.\n";
        return [new("result.txt", text)];
    }

    /// <summary>
    /// Graded. <c>users.txt</c>: a new SQLite file is taken through the migrations the starter came with, the rows of the
    /// manifest's <see cref="ChapterInfo.KeptRows"/> are inserted with plain SQL, the chapter's own migrations are applied,
    /// and the rows are read back. Both listings are printed so that a lost or changed row shows in the diff.
    /// </summary>
    /// <param name="context">The chapter and the chapter it is graded as.</param>
    public static IReadOnlyList<Output> KeepsRows(CheckContext context)
    {
        if (context.GradedAs.KeptRows is not { } kept)
            return [new("users.txt", $"{WorkbookLayout.ManifestFile} gives no keptRows for {context.GradedAs.Folder}.\n")];
        var starter = context.GradedAs.StarterMigrations;
        var starterCount = starter.Count;
        using var temp = new TempFolder();
        using var db = context.Chapter.CreateDbContext(temp["app.db"], ignorePendingModelChanges: true);
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        if (StarterProblem(ids, starter) is { } problem)
            return [new("users.txt", problem)];
        if (starterCount == 0 || ids.Count <= starterCount)
            return [new("users.txt", $"No migration after the {starterCount} the starter came with yet: add the chapter's migration.\n")];

        var migrator = db.GetService<IMigrator>();
        var text = new StringBuilder();
        try
        {
            migrator.Migrate(ids[starterCount - 1]);
            SqliteDatabase.Execute(temp["app.db"], kept.Insert);
            text.Append($"{kept.Table} after the starter's migrations:\n").Append(Rows(temp["app.db"], kept.Select));
            migrator.Migrate(ids[^1]);
            text.Append($"{kept.Table} after the chapter's migrations:\n").Append(Rows(temp["app.db"], kept.Select));
        }
        catch (Exception error) when (error is SqliteException or InvalidOperationException)
        {
            text.Append($"The migrations fail: {Innermost(error)}\n");
        }
        return [new("users.txt", text.ToString())];
    }

    /// <summary>
    /// Graded, from the chapter's own database, of which the grader made a copy (<see cref="CheckContext.ChapterDatabase"/>).
    /// <c>history.txt</c>: how many of the chapter's migrations it has had; <c>schema.txt</c>: whether its schema, read as
    /// <see cref="Migrations"/> reads one, is the one those migrations make on a new database. What the migrations should
    /// make is graded by <see cref="Migrations"/>; here, a database that a migration edited after it was applied made, or
    /// one changed by hand, differs from what its migrations make now, while one that a learner took down, whose migration
    /// they removed, added again and applied, holds exactly that. When the file is missing, empty, not a database, or made
    /// without migrations, the outputs say so and name the likely cause.
    /// </summary>
    /// <param name="context">The chapter, and the grader's copy of its <c>app.db</c>.</param>
    /// <exception cref="InvalidOperationException">The context holds no <see cref="CheckContext.ChapterDatabase"/>.</exception>
    public static IReadOnlyList<Output> ChapterDatabase(CheckContext context)
    {
        var database = context.ChapterDatabase ?? throw new InvalidOperationException("The app-db check needs the grader's copy of app.db.");
        if (database.File is not { } file)
        {
            var text = database.Missing + string.Concat(database.Notes.Select(note => note + "\n"));
            return [new("schema.txt", text), new("history.txt", text)];
        }

        string schema;
        List<string> applied;
        try
        {
            schema = DatabaseSchema.ReadSqlite(file);
            applied = AppliedMigrations(file);
        }
        catch (SqliteException error)
        {
            var text = $"app.db cannot be read as a SQLite database ({error.Message}). Delete it and run `dotnet ef database update`.\n";
            return [new("schema.txt", text), new("history.txt", text)];
        }

        using var temp = new TempFolder();
        using var db = context.Chapter.CreateDbContext(temp["made.db"], ignorePendingModelChanges: true);
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        var gone = applied.Except(ids).ToList();
        string history;
        if (applied.Count == 0 && schema != DatabaseSchema.Empty)
            history = "app.db has tables but no migration history: it was made by EnsureCreated(), not by migrations, and "
                + "`dotnet ef database update` will fail with \"table already exists\". Delete app.db and run `dotnet ef database update`.\n";
        else if (applied.Count == 0)
            history = "app.db has had no migration: run `dotnet ef database update` in the chapter folder.\n";
        else if (gone.Count > 0)
            history = $"app.db has had {applied.Count} migration(s), and {gone.Count} of them is no longer in the chapter "
                + "(renamed or removed after it was applied): take the database back before removing a migration "
                + "(`dotnet ef database update <previous>`), or delete app.db and run `dotnet ef database update`.\n";
        else if (applied.Count < ids.Count)
            history = $"app.db has had {applied.Count} of the chapter's {ids.Count} migrations: run `dotnet ef database update`.\n";
        else
            history = "app.db has had every migration of the chapter.\n";

        string made;
        if (gone.Count > 0 || (applied.Count == 0 && schema != DatabaseSchema.Empty))
            made = "app.db's schema was not compared with its migrations: see history.txt.\n";
        else if (applied.Count > 0 && Apply(db.GetService<IMigrator>(), applied.Max(StringComparer.Ordinal)!) is { } failure)
            made = $"The migrations app.db has had fail on a new database: {failure}\n";
        else if ((applied.Count == 0 ? DatabaseSchema.Empty : DatabaseSchema.ReadSqlite(temp["made.db"])) is var expected && expected != schema)
            made = $"app.db's schema differs from the one that the {applied.Count} migration(s) it has had make on a new database "
                + "(- what the migrations make, + app.db):\n" + KeyedText.Compare(expected, schema).Diff;
        else
            made = "app.db holds the schema that the migrations it has had make.\n";
        return [new("schema.txt", made), new("history.txt", history)];
    }

    /// <summary>
    /// Solutions only. <c>list.txt</c>: the migrations' names in order; <c>&lt;Name&gt;.cs</c>: each migration's
    /// source file as <c>dotnet ef migrations add</c> wrote it; <c>model-snapshot.cs</c>: the model snapshot's
    /// source file. Migration ids and EF Core's version are scrubbed.
    /// </summary>
    public static IReadOnlyList<Output> Code(ChapterAssembly chapter)
    {
        using var db = chapter.CreateDbContext();
        return CodeOf(chapter, db);
    }

    /// <summary>The outputs of <see cref="Code"/> for the migrations of <paramref name="db"/>, one of the chapter's DbContexts.</summary>
    internal static List<Output> CodeOf(ChapterAssembly chapter, DbContext db)
    {
        var migrations = db.GetService<IMigrationsAssembly>();
        var sources = chapter.Chapter.SourceFiles().ToList();
        var outputs = new List<Output> { new("list.txt", migrations.Migrations.Count == 0 ? NoMigrations : string.Concat(migrations.Migrations.Keys.Select(id => NameOf(id) + "\n"))) };
        foreach (var id in migrations.Migrations.Keys)
            outputs.Add(new($"{NameOf(id)}.cs", Source(chapter.Chapter, sources, id + ".cs")));
        if (migrations.ModelSnapshot is { } snapshot)
            outputs.Add(new("model-snapshot.cs", Source(chapter.Chapter, sources, snapshot.GetType().Name + ".cs")));
        return outputs;
    }

    /// <summary>
    /// Solutions only. <c>upgrade.sql</c>: the script that takes an empty database to the latest migration;
    /// <c>downgrade.sql</c>: the script that takes it back to empty (both from <see cref="IMigrator.GenerateScript"/>,
    /// as <c>dotnet ef migrations script</c> prints them).
    /// </summary>
    public static IReadOnlyList<Output> Scripts(ChapterAssembly chapter)
    {
        using var db = chapter.CreateDbContext();
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        if (ids.Count == 0)
            return [new("upgrade.sql", NoMigrations), new("downgrade.sql", NoMigrations)];
        var migrator = db.GetService<IMigrator>();
        return
        [
            new("upgrade.sql", Scrub.Volatile(Scrub.Lines(migrator.GenerateScript(fromMigration: null, toMigration: ids[^1])))),
            new("downgrade.sql", Scrub.Volatile(Scrub.Lines(migrator.GenerateScript(fromMigration: ids[^1], toMigration: Migration.InitialDatabase)))),
        ];
    }

    /// <summary>
    /// Solutions only. <c>schema.sql</c>: every migration applied to a new SQLite file, then the <c>CREATE</c>
    /// statements SQLite keeps in <c>sqlite_master</c> and the rows of <c>__EFMigrationsHistory</c>.
    /// </summary>
    public static IReadOnlyList<Output> SqliteMaster(ChapterAssembly chapter)
    {
        using var temp = new TempFolder();
        using (var db = chapter.CreateDbContext(temp["app.db"]))
            db.Database.Migrate();
        return [new("schema.sql", Scrub.Volatile(SqliteDatabase.Read(temp["app.db"])))];
    }

    const string NoMigrations = "No migrations yet: run `dotnet ef migrations add <Name>` in the chapter folder.\n";

    /// <summary>
    /// Why the chapter's migrations do not start with the ones its starter came with (<paramref name="starter"/>, as the
    /// manifest records them), in a sentence that says what to do; null when they do.
    /// </summary>
    /// <param name="ids">The chapter's migration ids, in the order EF Core applies them.</param>
    /// <param name="starter">The ids the starter came with, in order.</param>
    internal static string? StarterProblem(IReadOnlyList<string> ids, IReadOnlyList<string> starter)
    {
        if (ids.Take(starter.Count).SequenceEqual(starter))
            return null;
        var missing = starter.Where(id => !ids.Contains(id)).Select(NameOf).ToList();
        return missing.Count > 0
            ? $"The starter came with the migration(s) {string.Join(", ", starter.Select(NameOf))}, and the chapter lacks "
              + $"{string.Join(", ", missing)}: put the starter's migrations back (git checkout -- Migrations) and add yours after them.\n"
            : $"The starter's migrations ({string.Join(", ", starter.Select(NameOf))}) must come first, and a migration of the chapter "
              + "sorts before one of them (its id starts with an earlier time): add yours with `dotnet ef migrations add`, which names them after the current time.\n";
    }

    /// <summary>Applies or reverts migrations up to <paramref name="target"/>; the innermost error message when that fails, else null.</summary>
    internal static string? Apply(IMigrator migrator, string target)
    {
        try
        {
            migrator.Migrate(target);
            return null;
        }
        catch (Exception error) when (error is SqliteException or InvalidOperationException or DbUpdateException)
        {
            return Innermost(error);
        }
    }

    /// <summary>The message of the innermost exception: what the database or the chapter's code said.</summary>
    internal static string Innermost(Exception error) => error.InnerException is { } inner ? Innermost(inner) : error.Message;

    /// <summary>A migration's name, from its id <c>&lt;timestamp&gt;_&lt;Name&gt;</c>.</summary>
    internal static string NameOf(string migrationId) => migrationId[(migrationId.IndexOf('_') + 1)..];

    static List<string> AppliedMigrations(string sqliteFile)
    {
        using var connection = new SqliteConnection(SqliteDatabase.ConnectionString(sqliteFile, readOnly: true));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__EFMigrationsHistory';""";
        if (command.ExecuteScalar() is null)
            return [];
        command.CommandText = """SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY "MigrationId";""";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
            ids.Add(reader.GetString(0));
        return ids;
    }

    static string Source(Chapter chapter, IReadOnlyList<string> sources, string fileName)
    {
        var path = sources.SingleOrDefault(p => Path.GetFileName(p) == fileName);
        return path is null
            ? $"No file {fileName} in the chapter: the migration was built from a file that is gone. Rebuild the chapter.\n"
            : Scrub.Volatile(Scrub.Lines(File.ReadAllText(Path.Combine(chapter.Folder, path))));
    }

    static string Rows(string sqliteFile, string select) =>
        string.Concat(SqliteDatabase.Rows(sqliteFile, select).Select(row => $"  {string.Join(" | ", row.Select(value => value ?? "NULL"))}\n"));
}
