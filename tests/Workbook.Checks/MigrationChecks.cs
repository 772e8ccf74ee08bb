using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Workbook.Checks;

/// <summary>The checks of a chapter's committed migrations: their code, their SQL and what they do to a database.</summary>
static class MigrationChecks
{
    /// <summary>
    /// <c>list.txt</c>: the migrations' names in order; <c>&lt;Name&gt;.cs</c>: each migration's
    /// source file as <c>dotnet ef migrations add</c> wrote it; <c>model-snapshot.cs</c>: the model snapshot's
    /// source file. Migration ids and EF Core's version are scrubbed.
    /// </summary>
    public static IReadOnlyList<Output> Code(ChapterAssembly chapter)
    {
        using var db = chapter.CreateDbContext();
        var migrations = db.GetService<IMigrationsAssembly>();
        var sources = chapter.Chapter.SourceFiles().ToList();
        var outputs = new List<Output> { new("list.txt", Names(migrations)) };
        foreach (var id in migrations.Migrations.Keys)
            outputs.Add(new($"{NameOf(id)}.cs", Source(chapter.Chapter, sources, id + ".cs")));
        if (migrations.ModelSnapshot is { } snapshot)
            outputs.Add(new("model-snapshot.cs", Source(chapter.Chapter, sources, snapshot.GetType().Name + ".cs")));
        return outputs;
    }

    /// <summary>
    /// <c>upgrade.sql</c>: the script that takes an empty database to the latest migration;
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
    /// <c>schema.sql</c>: every migration applied to a new SQLite file, then the schema read back from
    /// <c>sqlite_master</c> and the rows of <c>__EFMigrationsHistory</c>.
    /// </summary>
    public static IReadOnlyList<Output> Schema(ChapterAssembly chapter)
    {
        using var temp = new TempFolder();
        using (var db = chapter.CreateDbContext(temp["app.db"]))
            db.Database.Migrate();
        return [new("schema.sql", Scrub.Volatile(SqliteSchema.Read(temp["app.db"])))];
    }

    /// <summary>
    /// <c>result.txt</c>: whether the model differs from the latest model snapshot
    /// (<see cref="RelationalDatabaseFacadeExtensions.HasPendingModelChanges"/>, as
    /// <c>dotnet ef migrations has-pending-model-changes</c> reports it).
    /// </summary>
    public static IReadOnlyList<Output> PendingModelChanges(ChapterAssembly chapter)
    {
        using var db = chapter.CreateDbContext();
        return
        [
            new("result.txt", db.Database.HasPendingModelChanges()
                ? "The model has changes that no migration holds yet: add a migration with `dotnet ef migrations add <Name>`.\n"
                : "No changes since the last migration.\n"),
        ];
    }

    /// <summary>
    /// <c>users.txt</c>: a new SQLite file is taken to the first migration, two users are inserted with
    /// plain SQL, the remaining migrations are applied, and the users are read back. Both listings are
    /// printed so that a lost or changed row shows in the diff.
    /// </summary>
    public static IReadOnlyList<Output> KeepsRows(ChapterAssembly chapter)
    {
        using var temp = new TempFolder();
        using var db = chapter.CreateDbContext(temp["app.db"]);
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        if (ids.Count < 2)
            return [new("users.txt", $"Needs two migrations and found {ids.Count}.\n")];

        var migrator = db.GetService<IMigrator>();
        migrator.Migrate(ids[0]);
        db.Database.ExecuteSqlRaw("""
            INSERT INTO "Users" ("Username", "Email", "PasswordHash")
            VALUES ('susan', 'susan@example.com', NULL), ('john', 'john@example.com', 'not-a-real-hash');
            """);
        var text = new StringBuilder();
        text.Append($"Users after {NameOf(ids[0])}:\n").Append(UserRows(temp["app.db"]));
        migrator.Migrate(ids[^1]);
        text.Append($"Users after {NameOf(ids[^1])}:\n").Append(UserRows(temp["app.db"]));
        return [new("users.txt", text.ToString())];
    }

    /// <summary>
    /// <c>schema.sql</c>: the schema of the chapter's own <c>app.db</c> (in the chapter folder, where
    /// <c>dotnet ef database update</c> puts it), read as <see cref="Schema"/> reads a new one, or what is
    /// wrong with the file.
    /// </summary>
    public static IReadOnlyList<Output> ChapterDatabase(ChapterAssembly chapter)
    {
        var file = Path.Combine(chapter.Chapter.Folder, "app.db");
        string text;
        if (!File.Exists(file))
        {
            text = "No app.db in the chapter folder yet: run `dotnet ef database update` there.\n";
        }
        else
        {
            try
            {
                text = Scrub.Volatile(SqliteSchema.Read(file));
                if (text.Trim().Length == 0)
                    text = "app.db is empty (running the app creates the file): run `dotnet ef database update` in the chapter folder.\n";
            }
            catch (SqliteException error)
            {
                text = $"app.db cannot be read as a SQLite database ({error.Message}). Delete it and run `dotnet ef database update`.\n";
            }
        }
        return [new("schema.sql", text)];
    }

    const string NoMigrations = "No migrations yet: run `dotnet ef migrations add <Name>` in the chapter folder.\n";

    static string NameOf(string migrationId) => migrationId[(migrationId.IndexOf('_') + 1)..];

    static string Names(IMigrationsAssembly migrations) =>
        migrations.Migrations.Count == 0 ? NoMigrations : string.Concat(migrations.Migrations.Keys.Select(id => NameOf(id) + "\n"));

    static string Source(Chapter chapter, IReadOnlyList<string> sources, string fileName)
    {
        var path = sources.SingleOrDefault(p => Path.GetFileName(p) == fileName);
        return path is null
            ? $"No file {fileName} in the chapter: the migration was built from a file that is gone. Rebuild the chapter.\n"
            : Scrub.Volatile(Scrub.Lines(File.ReadAllText(Path.Combine(chapter.Folder, path))));
    }

    static string UserRows(string sqliteFile)
    {
        using var connection = new SqliteConnection(SqliteSchema.ConnectionString(sqliteFile, readOnly: true));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """SELECT "Id", "Username", "Email", "PasswordHash" FROM "Users" ORDER BY "Id";""";
        using var reader = command.ExecuteReader();
        var rows = new StringBuilder();
        while (reader.Read())
            rows.Append($"  {reader.GetInt64(0)} | {reader.GetString(1)} | {reader.GetString(2)} | {(reader.IsDBNull(3) ? "NULL" : reader.GetString(3))}\n");
        return rows.ToString();
    }
}
