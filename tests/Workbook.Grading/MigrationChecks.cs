using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Workbook.Grading.Schema;

namespace Workbook.Grading;

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
    /// <c>starter.txt</c>: the schema after the migrations the starter came with (see
    /// <see cref="Workspace.StarterMigrationCount"/>), which must still make the previous chapter's schema;
    /// <c>schema.txt</c>: the schema after all of them, the chapter's; <c>down.txt</c>: whether the <c>Down</c> of
    /// each, newest first, brings back the schema before it, down to an empty database, and whether applying them
    /// all again gives the same schema. Names, timestamps and the number of the chapter's own migrations are the
    /// learner's: only what they do is compared.
    /// </summary>
    /// <param name="chapter">The chapter's built assembly.</param>
    /// <param name="gradedAs">The chapter whose starter's migrations count, such as <c>04-comment-relationship</c>.</param>
    public static IReadOnlyList<Output> Migrations(ChapterAssembly chapter, string gradedAs)
    {
        var starterCount = Workspace.StarterMigrationCount(gradedAs);
        using var temp = new TempFolder();
        using var db = chapter.CreateDbContext(temp["app.db"], ignorePendingModelChanges: true);
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        var migrator = db.GetService<IMigrator>();

        if (ids.Count < starterCount)
        {
            var missing = $"The starter came with {starterCount} migration(s) and the chapter has {ids.Count}: "
                + "put the starter's migrations back (git checkout -- Migrations) and add yours after them.\n";
            return [new("starter.txt", missing), new("schema.txt", missing), new("down.txt", missing)];
        }
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
    /// Graded. <c>users.txt</c>: a new SQLite file is taken through the migrations the starter came with, two users
    /// are inserted with plain SQL, the chapter's own migrations are applied, and the users are read back. Both
    /// listings are printed so that a lost or changed row shows in the diff.
    /// </summary>
    /// <param name="chapter">The chapter's built assembly.</param>
    /// <param name="gradedAs">The chapter whose starter's migrations count.</param>
    public static IReadOnlyList<Output> KeepsRows(ChapterAssembly chapter, string gradedAs)
    {
        var starterCount = Workspace.StarterMigrationCount(gradedAs);
        using var temp = new TempFolder();
        using var db = chapter.CreateDbContext(temp["app.db"], ignorePendingModelChanges: true);
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        if (starterCount == 0 || ids.Count <= starterCount)
            return [new("users.txt", $"No migration after the {starterCount} the starter came with yet: add the chapter's migration.\n")];

        var migrator = db.GetService<IMigrator>();
        var text = new StringBuilder();
        try
        {
            migrator.Migrate(ids[starterCount - 1]);
            db.Database.ExecuteSqlRaw("""
                INSERT INTO "Users" ("Username", "Email", "PasswordHash")
                VALUES ('susan', 'susan@example.com', NULL), ('john', 'john@example.com', 'not-a-real-hash');
                """);
            text.Append("Users after the starter's migrations:\n").Append(UserRows(temp["app.db"]));
            migrator.Migrate(ids[^1]);
            text.Append("Users after the chapter's migrations:\n").Append(UserRows(temp["app.db"]));
        }
        catch (Exception error) when (error is SqliteException or InvalidOperationException)
        {
            text.Append($"The migrations fail: {Innermost(error)}\n");
        }
        return [new("users.txt", text.ToString())];
    }

    /// <summary>
    /// Graded, from the chapter's own database. <c>schema.txt</c>: the schema of the chapter's <c>app.db</c> (in the
    /// chapter folder, where <c>dotnet ef database update</c> puts it), read as <see cref="Migrations"/> reads one;
    /// <c>history.txt</c>: how many of the chapter's migrations it has had. When the file is missing, empty, not a
    /// database, or made without migrations, the outputs say so and name the likely cause.
    /// </summary>
    public static IReadOnlyList<Output> ChapterDatabase(ChapterAssembly chapter)
    {
        var folder = chapter.Chapter.Folder;
        var file = Path.Combine(folder, "app.db");
        if (!File.Exists(file) || new FileInfo(file).Length == 0)
        {
            var text = new StringBuilder(File.Exists(file)
                ? "app.db is empty (running the app creates the file): run `dotnet ef database update` in the chapter folder.\n"
                : "No app.db in the chapter folder yet: run `dotnet ef database update` there.\n");
            foreach (var setting in LearnerEnvironment.DatabaseUrlSettings(chapter.Chapter))
                text.Append($"Your DATABASE_URL in {setting.Source} points to {setting.Target}: `dotnet ef` and `dotnet run` use that, "
                    + "not app.db. Remove it (`dotnet user-secrets remove DATABASE_URL` in the chapter folder, or unset the variable) "
                    + "and run `dotnet ef database update` again.\n");
            foreach (var stray in StrayDatabases(chapter.Chapter))
                text.Append($"There is an app.db in {stray}: a program that opened `Data Source=app.db` made it in the folder it ran in. "
                    + "The app and `dotnet ef` must agree on one file: the chapter's Config puts it in the project folder.\n");
            return [new("schema.txt", text.ToString()), new("history.txt", text.ToString())];
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

        using var db = chapter.CreateDbContext();
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        string history;
        if (applied.Count == 0 && schema != DatabaseSchema.Empty)
            history = "app.db has tables but no migration history: it was made by EnsureCreated(), not by migrations, and "
                + "`dotnet ef database update` will fail with \"table already exists\". Delete app.db and run `dotnet ef database update`.\n";
        else if (applied.Count == 0)
            history = "app.db has had no migration: run `dotnet ef database update` in the chapter folder.\n";
        else if (applied.Except(ids).Any())
            history = $"app.db has had {applied.Count} migration(s), and {applied.Except(ids).Count()} of them is no longer in the chapter "
                + "(renamed or removed after it was applied): take the database back before removing a migration "
                + "(`dotnet ef database update <previous>`), or delete app.db and run `dotnet ef database update`.\n";
        else if (applied.Count < ids.Count)
            history = $"app.db has had {applied.Count} of the chapter's {ids.Count} migrations: run `dotnet ef database update`.\n";
        else
            history = "app.db has had every migration of the chapter.\n";
        return [new("schema.txt", schema, Keyed: true), new("history.txt", history)];
    }

    /// <summary>
    /// Solutions only. <c>list.txt</c>: the migrations' names in order; <c>&lt;Name&gt;.cs</c>: each migration's
    /// source file as <c>dotnet ef migrations add</c> wrote it; <c>model-snapshot.cs</c>: the model snapshot's
    /// source file. Migration ids and EF Core's version are scrubbed.
    /// </summary>
    public static IReadOnlyList<Output> Code(ChapterAssembly chapter)
    {
        using var db = chapter.CreateDbContext();
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
        return [new("schema.sql", Scrub.Volatile(SqliteSchema.Read(temp["app.db"])))];
    }

    const string NoMigrations = "No migrations yet: run `dotnet ef migrations add <Name>` in the chapter folder.\n";

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

    static string NameOf(string migrationId) => migrationId[(migrationId.IndexOf('_') + 1)..];

    static List<string> AppliedMigrations(string sqliteFile)
    {
        using var connection = new SqliteConnection(SqliteSchema.ConnectionString(sqliteFile, readOnly: true));
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

    /// <summary>
    /// Other <c>app.db</c> files a learner's program may have made by opening a relative path: in the chapter's build
    /// output folders and in the folders above the chapter (the workbook root, where <c>dotnet run --project</c> starts).
    /// </summary>
    static IEnumerable<string> StrayDatabases(Chapter chapter)
    {
        var bin = Path.Combine(chapter.Folder, "bin");
        var inBuild = Directory.Exists(bin) ? Directory.EnumerateFiles(bin, "app.db", SearchOption.AllDirectories) : [];
        var above = new[] { Path.GetDirectoryName(chapter.Folder), Path.GetDirectoryName(Path.GetDirectoryName(chapter.Folder)) }
            .Where(folder => folder is not null && File.Exists(Path.Combine(folder, "app.db")))
            .Select(folder => Path.Combine(folder!, "app.db"));
        return inBuild.Concat(above).Select(path => Path.GetRelativePath(chapter.Folder, Path.GetDirectoryName(path)!) is var relative && relative == "." ? chapter.Folder : relative);
    }

    static string Source(Chapter chapter, IReadOnlyList<string> sources, string fileName)
    {
        var path = sources.SingleOrDefault(p => Path.GetFileName(p) == fileName);
        return path is null
            ? $"No file {fileName} in the chapter: the migration was built from a file that is gone. Rebuild the chapter.\n"
            : Scrub.Volatile(Scrub.Lines(File.ReadAllText(Path.Combine(chapter.Folder, path))));
    }

    static string UserRows(string sqliteFile)
    {
        var rows = SqliteSchema.Rows(sqliteFile, """SELECT "Id", "Username", "Email", "PasswordHash" FROM "Users" ORDER BY "Id";""");
        return string.Concat(rows.Select(row => $"  {row[0]} | {row[1]} | {row[2]} | {row[3] ?? "NULL"}\n"));
    }
}
