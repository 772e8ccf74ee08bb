using System.Text;
using Microsoft.Data.Sqlite;

namespace Workbook.Tests;

/// <summary>
/// The command-line workflow of chapters 03 and 04 on fresh copies of the solutions, with the real
/// <c>dotnet ef</c> and real SQLite files: the tool and the app agree on where <c>app.db</c> is, whichever
/// folder they run from; upgrading keeps the rows; the <c>app-db</c> check passes on the database the tool
/// made. Slower than the snapshot tests (each builds its copy), so they carry a category of their own.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class CommandLineTests
{
    /// <summary>
    /// Chapter 03: <c>dotnet ef database update</c> creates <c>app.db</c> in the chapter folder; <c>dotnet run</c>
    /// from the chapter folder and from the workbook root both see the migration; <c>dotnet ef migrations
    /// script</c> prints the upgrade SQL; <c>dotnet ef database update 0</c> takes the migration back out.
    /// </summary>
    [Fact]
    public async Task First_migration_from_the_command_line()
    {
        await using var session = await CommandLineSession.StartAsync("03-first-migration");
        await session.RunAsync(session.ChapterPath, "ef", "database", "update", "--no-build");
        await session.RunAsync(session.ChapterPath, "run", "--no-build");
        await session.RunAsync(".", "run", "--no-build", "--project", session.ChapterPath);
        await session.CheckChapterDatabaseAsync();
        await session.RunAsync(session.ChapterPath, "ef", "migrations", "script", "--no-build");
        await session.RunAsync(session.ChapterPath, "ef", "database", "update", "0", "--no-build");
        await session.RunAsync(".", "run", "--no-build", "--project", session.ChapterPath);

        Assert.False(File.Exists(Path.Combine(session.Copy.Root, "app.db")), "app.db must not be made in the folder dotnet run starts from");
        session.MatchesSnapshot();
    }

    /// <summary>
    /// Chapter 04: a database at <c>UsersTable</c> that already holds users is upgraded with
    /// <c>dotnet ef database update</c>, and every user is still there afterwards.
    /// </summary>
    [Fact]
    public async Task Second_migration_keeps_the_users()
    {
        await using var session = await CommandLineSession.StartAsync("04-comment-relationship");
        await session.RunAsync(session.ChapterPath, "ef", "database", "update", "UsersTable", "--no-build");
        session.Sql("""INSERT INTO "Users" ("Username", "Email") VALUES ('susan', 'susan@example.com'), ('john', 'john@example.com');""");
        await session.RunAsync(session.ChapterPath, "ef", "database", "update", "--no-build");
        session.Sql("""SELECT "Id", "Username", "Email" FROM "Users" ORDER BY "Id";""");
        await session.RunAsync(".", "run", "--no-build", "--project", session.ChapterPath);
        await session.CheckChapterDatabaseAsync();
        await session.RunAsync(session.ChapterPath, "ef", "database", "update", "0", "--no-build");
        await session.RunAsync(session.ChapterPath, "run", "--no-build");

        session.MatchesSnapshot();
    }

    /// <summary>
    /// Chapter 04 and the translation table: <c>UserId</c> is the foreign key by convention, so without
    /// <c>[ForeignKey(nameof(UserId))]</c> on <c>Author</c> the model is the same and <c>dotnet ef migrations
    /// has-pending-model-changes</c> finds nothing to migrate.
    /// </summary>
    [Fact]
    public async Task ForeignKey_attribute_only_names_the_conventional_foreign_key()
    {
        await using var session = await CommandLineSession.StartAsync("04-comment-relationship");
        var comment = Path.Combine(session.Copy.ChapterFolder, "Models", "Comment.cs");
        var text = File.ReadAllText(comment);
        Assert.Contains("[ForeignKey(nameof(UserId))]", text);
        File.WriteAllText(comment, text.Replace("[ForeignKey(nameof(UserId))]", ""));

        var run = await DotnetCommand.RunAsync(session.Copy.ChapterFolder, ["ef", "migrations", "has-pending-model-changes"]);
        Assert.True(run.ExitCode == 0 && run.StandardOutput.Contains("No changes have been made to the model"),
            run.Transcript("dotnet ef migrations has-pending-model-changes"));
    }

    /// <summary>A built copy of one solution chapter and the transcript of the commands run on it.</summary>
    sealed class CommandLineSession : IAsyncDisposable
    {
        readonly StringBuilder transcript = new();

        CommandLineSession(string name, WorkbookCopy copy)
        {
            Name = name;
            Copy = copy;
        }

        public string Name { get; }

        public WorkbookCopy Copy { get; }

        public string ChapterPath => "solutions/" + Name;

        public static async Task<CommandLineSession> StartAsync(string name)
        {
            var copy = new WorkbookCopy(Solutions.Root, "solutions", Chapter.In(Solutions.Root, "solutions", Solutions.Manifest[name]));
            var build = await DotnetCommand.RunAsync(copy.ChapterFolder, ["build", "--nologo", "-c", Solutions.Configuration], TestEnvironment.ForSdk());
            Assert.True(build.ExitCode == 0, build.Transcript("dotnet build"));
            return new CommandLineSession(name, copy);
        }

        /// <summary>Runs <c>dotnet</c> in a folder of the copy and adds the run to the transcript.</summary>
        public async Task RunAsync(string folder, params string[] arguments)
        {
            var run = await DotnetCommand.RunAsync(Path.Combine(Copy.Root, folder), arguments, TestEnvironment.ForChapterCode());
            transcript.Append(run.Transcript("dotnet " + string.Join(' ', arguments), folder)).Append('\n');
        }

        /// <summary>Runs SQL on the copy's app.db, as a person would with the sqlite3 shell, and adds the rows it reads.</summary>
        public void Sql(string sql)
        {
            using var connection = new SqliteConnection(SqliteDatabase.ConnectionString(Path.Combine(Copy.ChapterFolder, "app.db")));
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = sql;
            using var reader = command.ExecuteReader();
            transcript.Append($"[{ChapterPath}]$ sqlite3 app.db '{sql}'\n");
            while (reader.Read())
                transcript.Append(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(reader.GetValue))).Append('\n');
            if (reader.RecordsAffected >= 0)
                transcript.Append($"[{reader.RecordsAffected} row(s) changed]\n");
            transcript.Append('\n');
        }

        /// <summary>The <c>app-db</c> check on the copy's own database matches its snapshot.</summary>
        public async Task CheckChapterDatabaseAsync()
        {
            var chapter = new Chapter(Solutions.Manifest[Name], Copy.ChapterFolder);
            using var copy = new TempFolder();
            var outputs = await CheckCatalog.Named("app-db").Run(TestGrading.ContextFor(chapter, copyDatabaseTo: copy.Path));
            SnapshotAssert.Matches(Name, "app-db", outputs);
        }

        /// <summary>The whole transcript matches <c>&lt;chapter&gt;.command-line.transcript.txt.snap</c>.</summary>
        public void MatchesSnapshot() =>
            SnapshotAssert.Matches(Name, "command-line",
                [new Output("transcript.txt", Scrub.All(transcript.ToString(), (Copy.ChapterFolder, "{chapter}")))]);

        public ValueTask DisposeAsync()
        {
            Copy.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
