using Microsoft.Data.Sqlite;

namespace Workbook.Tests;

/// <summary>
/// Chapter 06's migrations on real SQLite files that hold rows, applied with the real <c>dotnet ef</c> on built copies
/// of the chapter: the migrations <c>dotnet ef migrations add</c> scaffolds before they are edited by hand (kept as the
/// snapshots <c>06-schema-change.scaffolded.*</c>); the scaffolded <c>CommentText</c> loses every comment's text and the
/// corrected one keeps it; a clean-up that fails halfway changes nothing. That the upgrade from chapter 05 keeps every
/// row, backfills <c>LastSeen</c> and cleans the emails, and that going down keeps the rows, is the <c>keeps-data</c>
/// check's, which runs the same migrations through EF Core's migrator (<c>Chapter06</c>).
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class SchemaChangeTests
{
    const string Chapter = "06-schema-change";

    /// <summary>The snapshot of a migration of chapter 06 as <c>dotnet ef migrations add</c> writes it, before it is edited by hand.</summary>
    /// <param name="name">The migration's name, such as <c>CommentText</c>.</param>
    public static string Scaffolded(string name) =>
        Path.Combine(Expectations.Folder(Solutions.Root), Expectations.SnapshotName(Chapter, "scaffolded", name + ".cs"));

    /// <summary>The rows a database holds as chapter 05 left it: the manifest's seed rows of chapter 06, which its checks use too.</summary>
    static string Chapter05Rows => string.Join("\n", Solutions.Manifest[Chapter].SeedRows);

    /// <summary>
    /// The scaffolded <c>CommentText</c> (drop <c>Body</c>, add an empty <c>Text</c>) runs without an error and leaves
    /// every comment with an empty text; the corrected one (<c>RenameColumn</c>) keeps every text.
    /// </summary>
    [Fact]
    public async Task Scaffolded_CommentText_loses_the_texts_and_the_corrected_one_keeps_them()
    {
        using var copy = await BuiltCopy.MakeAsync(Chapter);
        await copy.UpdateAsync("corrected.db", "UserProfile");
        copy.Sql("corrected.db", Chapter05Rows);
        await copy.UpdateAsync("corrected.db", "CommentText");
        Assert.Equal(["1|first!", "2|a second one", "3|hello"], copy.Rows("corrected.db", """SELECT "Id", "Text" FROM "Comments" ORDER BY "Id";"""));

        // The learner who keeps what the tool wrote: same model, same migration name, the scaffolded body.
        var migration = Directory.GetFiles(Path.Combine(copy.Folder, "Migrations"), "*_CommentText.cs").Single();
        copy.Write(migration, File.ReadAllText(Scaffolded("CommentText")));
        await copy.BuildAsync();
        await copy.UpdateAsync("scaffolded.db", "UserProfile");
        copy.Sql("scaffolded.db", Chapter05Rows);
        await copy.UpdateAsync("scaffolded.db", "CommentText");
        Assert.Equal(["1|", "2|", "3|"], copy.Rows("scaffolded.db", """SELECT "Id", "Text" FROM "Comments" ORDER BY "Id";"""));
    }

    /// <summary>
    /// Two emails that become the same after the clean-up: the unique index stops <c>CleanEmails</c>, the command fails,
    /// and the migration's transaction leaves every email as it was and <c>CleanEmails</c> out of the history.
    /// </summary>
    [Fact]
    public async Task CleanEmails_that_fails_halfway_changes_nothing()
    {
        using var copy = await BuiltCopy.MakeAsync(Chapter);
        await copy.UpdateAsync("app.db", "CommentText");
        copy.Sql("app.db", """
            INSERT INTO "Users" ("Username", "Email", "LastSeen") VALUES
                ('susan', ' Susan@Example.com', '2026-11-20 09:00:00'), ('ann', 'Ann@example.com', '2026-11-20 09:00:00'),
                ('ann2', ' ann@EXAMPLE.com', '2026-11-20 09:00:00');
            """);

        var run = await copy.UpdateAsync("app.db", null, expectFailure: true);
        Assert.Contains("UNIQUE constraint failed: Users.Email", run.StandardOutput + run.StandardError);
        Assert.Equal([" Susan@Example.com", "Ann@example.com", " ann@EXAMPLE.com"],
            copy.Rows("app.db", """SELECT "Email" FROM "Users" ORDER BY "Id";"""));
        Assert.DoesNotContain(copy.Rows("app.db", """SELECT "MigrationId" FROM "__EFMigrationsHistory";"""), id => id.EndsWith("_CleanEmails"));
    }

    /// <summary>
    /// On a copy of the starter, the learner's path through the chapter: each step's model files from the solution, then
    /// <c>dotnet ef migrations add</c>. What the tool writes matches the <c>scaffolded</c> snapshots (the versions the page
    /// shows before the hand edits); only <c>CommentText</c> comes with the warning that data may be lost. Each scaffolded
    /// migration is then replaced by the solution's, as the learner edits it, before the next step.
    /// </summary>
    [Fact]
    public async Task Scaffolded_migrations_are_what_dotnet_ef_writes()
    {
        using var copy = await BuiltCopy.MakeAsync(Chapter, "chapters");
        var solution = Path.Combine(Solutions.Root, "solutions", Chapter);
        var outputs = new List<Output>();
        foreach (var (name, files) in new (string, string[])[] { ("UserProfile", ["Models/User.cs"]), ("CommentText", ["Models/Comment.cs", "Play.cs"]), ("CleanEmails", []) })
        {
            foreach (var file in files)
                copy.Write(file, File.ReadAllText(Path.Combine(solution, file)));
            var add = await DotnetCommand.RunAsync(copy.Folder, ["ef", "migrations", "add", name]);
            Assert.True(add.ExitCode == 0, add.Transcript($"dotnet ef migrations add {name}"));
            Assert.Equal(name == "CommentText", add.StandardOutput.Contains("may result in the loss of data"));

            var generated = Path.GetRelativePath(copy.Folder, Directory.GetFiles(Path.Combine(copy.Folder, "Migrations"), $"*_{name}.cs").Single());
            outputs.Add(new($"{name}.cs", Scrub.Lines(File.ReadAllText(Path.Combine(copy.Folder, generated)))));
            copy.Write(generated, File.ReadAllText(Directory.GetFiles(Path.Combine(solution, "Migrations"), $"*_{name}.cs").Single()));
        }
        SnapshotAssert.Matches(Chapter, "scaffolded", outputs);
    }
}

/// <summary>
/// A built copy of a solution chapter (see <see cref="WorkbookCopy"/>) on which <c>dotnet ef</c> and the program run,
/// with SQLite files in the chapter's folder named by <c>DATABASE_URL</c>. Deleted on dispose.
/// </summary>
public sealed class BuiltCopy : IDisposable
{
    readonly WorkbookCopy copy;

    BuiltCopy(WorkbookCopy copy) => this.copy = copy;

    /// <summary>The copied chapter's folder.</summary>
    public string Folder => copy.ChapterFolder;

    /// <summary>Copies <c>&lt;track&gt;/&lt;chapter&gt;</c> and builds it.</summary>
    /// <param name="chapter">The chapter's folder name.</param>
    /// <param name="track"><c>solutions</c> or <c>chapters</c> (the starter).</param>
    /// <returns>The built copy.</returns>
    /// <exception cref="Xunit.Sdk.XunitException">The build failed (its output is in the message).</exception>
    public static async Task<BuiltCopy> MakeAsync(string chapter, string track = "solutions")
    {
        var copy = new BuiltCopy(new WorkbookCopy(Solutions.Root, track, global::Workbook.Grading.Record.Chapter.In(Solutions.Root, track, Solutions.Manifest[chapter])));
        await copy.BuildAsync();
        return copy;
    }

    /// <summary>Builds the copy (again, after a file changed).</summary>
    /// <exception cref="Xunit.Sdk.XunitException">The build failed.</exception>
    public async Task BuildAsync()
    {
        var build = await DotnetCommand.RunAsync(Folder, ["build", "--nologo", "-c", Solutions.Configuration]);
        Assert.True(build.ExitCode == 0, build.Transcript("dotnet build"));
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="file"/> of the chapter, newer than its last build.</summary>
    /// <param name="file">A path relative to the chapter's folder.</param>
    /// <param name="text">The file's new text.</param>
    public void Write(string file, string text)
    {
        File.WriteAllText(Path.Combine(Folder, file), text);
        File.SetLastWriteTimeUtc(Path.Combine(Folder, file), DateTime.UtcNow);
    }

    /// <summary>The absolute path of the SQLite file <paramref name="database"/> in the chapter's folder.</summary>
    public string PathOf(string database) => Path.Combine(Folder, database);

    /// <summary>
    /// Runs <c>dotnet ef database update [migration] --no-build</c> on <paramref name="database"/>.
    /// </summary>
    /// <param name="database">A SQLite file name in the chapter's folder.</param>
    /// <param name="migration">The migration to go to, or null for the latest.</param>
    /// <param name="expectFailure">Whether the command is meant to fail.</param>
    /// <returns>The run.</returns>
    /// <exception cref="Xunit.Sdk.XunitException">The command succeeded or failed against <paramref name="expectFailure"/>.</exception>
    public async Task<CommandRun> UpdateAsync(string database, string? migration, bool expectFailure = false)
    {
        string[] arguments = migration is null
            ? ["ef", "database", "update", "--no-build", "--configuration", Solutions.Configuration]
            : ["ef", "database", "update", migration, "--no-build", "--configuration", Solutions.Configuration];
        var run = await DotnetCommand.RunAsync(Folder, arguments, DatabaseUrl(database));
        Assert.True((run.ExitCode != 0) == expectFailure, run.Transcript(string.Join(' ', arguments)));
        return run;
    }

    /// <summary>Runs the built program with <paramref name="arguments"/> on <paramref name="database"/>.</summary>
    /// <param name="database">A SQLite file name in the chapter's folder.</param>
    /// <param name="arguments">The program's arguments, such as <c>backup</c>.</param>
    /// <returns>The run.</returns>
    public Task<CommandRun> RunProgramAsync(string database, params string[] arguments) =>
        DotnetCommand.RunAsync(Folder, [Path.Combine(Folder, "bin", Solutions.Configuration, "net10.0", "Blog.dll"), .. arguments], DatabaseUrl(database));

    /// <summary>Runs SQL statements on <paramref name="database"/>.</summary>
    public void Sql(string database, string sql) => SqliteDatabase.Execute(PathOf(database), sql);

    /// <summary>The rows <paramref name="sql"/> reads from <paramref name="database"/>, each as its values joined by '|'.</summary>
    public List<string> Rows(string database, string sql) => Read(PathOf(database), sql);

    /// <summary>The rows <paramref name="sql"/> reads from the SQLite file <paramref name="file"/>, each as its values joined by '|'.</summary>
    /// <exception cref="SqliteException">The file is missing or not a database, or the SQL fails.</exception>
    public static List<string> Read(string file, string sql) => SqliteDatabase.Rows(file, sql).Select(SqliteDatabase.Line).ToList();

    /// <summary>Opens an existing SQLite file without pooling.</summary>
    /// <exception cref="SqliteException">The file is missing or not a database.</exception>
    public static SqliteConnection Open(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(SqliteDatabase.ConnectionString(file)) { Mode = SqliteOpenMode.ReadWrite }.ToString());
        connection.Open();
        return connection;
    }

    static Dictionary<string, string?> DatabaseUrl(string database) => new() { ["DATABASE_URL"] = "sqlite:///" + database };

    /// <inheritdoc />
    public void Dispose() => copy.Dispose();
}
