using System.Globalization;

namespace Workbook.Tests;

/// <summary>
/// <c>dotnet run -- backup</c> of chapter 06 on a built copy of the solution and real SQLite files: the copy opens,
/// passes SQLite's integrity check and holds the same rows, also when it is made while another connection has the
/// database open in the middle of a write; an existing backup is never overwritten; a missing database or an unknown
/// argument ends with one message and a non-zero exit.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class BackupTests(BackupTests.Copy copy) : IClassFixture<BackupTests.Copy>
{
    /// <summary>One built copy of <c>solutions/06-schema-change</c> for all the tests of the class.</summary>
    public sealed class Copy : IAsyncLifetime
    {
        /// <summary>The built copy, once <see cref="InitializeAsync"/> has run.</summary>
        public BuiltCopy Built { get; private set; } = null!;

        /// <summary>Copies and builds the chapter, then migrates <c>app.db</c> and gives it users and comments.</summary>
        public async Task InitializeAsync()
        {
            Built = await BuiltCopy.MakeAsync("06-schema-change");
            await Built.UpdateAsync("app.db", null);
            Built.Sql("app.db", """
                INSERT INTO "Users" ("Username", "Email", "AboutMe", "LastSeen") VALUES
                    ('susan', 'susan@example.com', 'I write about SQLite.', '2026-11-21 10:30:00'),
                    ('john', 'john@example.com', NULL, '2026-11-22 08:15:00');
                INSERT INTO "Comments" ("Text", "Timestamp", "UserId") VALUES ('first!', '2026-11-20 09:00:00', 1), ('hello', '2026-11-22 08:15:00', 2);
                """);
        }

        /// <summary>Deletes the copy.</summary>
        public Task DisposeAsync()
        {
            Built.Dispose();
            return Task.CompletedTask;
        }
    }

    const string AllRows = """
        SELECT 'user', "Id", "Username", "Email", "AboutMe", "LastSeen" FROM "Users"
        UNION ALL SELECT 'comment', "Id", "Text", "Timestamp", "UserId", NULL FROM "Comments"
        UNION ALL SELECT 'migration', "MigrationId", NULL, NULL, NULL, NULL FROM "__EFMigrationsHistory"
        ORDER BY 1, 2;
        """;

    /// <summary>
    /// The backup is a SQLite database that passes <c>PRAGMA integrity_check</c> and holds every row of the original;
    /// made while another connection holds an uncommitted insert, it holds the committed rows and not that one.
    /// </summary>
    /// <param name="whileWriting">Whether another connection is in the middle of a write transaction.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Backup_opens_passes_the_integrity_check_and_holds_the_same_rows(bool whileWriting)
    {
        // The two cases share the copy and may run within one second: the second would find the first's name taken.
        if (Directory.Exists(copy.Built.PathOf("backups")))
            Directory.Delete(copy.Built.PathOf("backups"), recursive: true);
        var original = BuiltCopy.Read(copy.Built.PathOf("app.db"), AllRows);
        using var other = BuiltCopy.Open(copy.Built.PathOf("app.db"));
        using var transaction = whileWriting ? other.BeginTransaction() : null;
        if (transaction is not null)
        {
            using var insert = other.CreateCommand();
            insert.CommandText = """INSERT INTO "Users" ("Username", "Email", "LastSeen") VALUES ('ann', 'ann@example.com', '2026-11-23 00:00:00');""";
            insert.ExecuteNonQuery();
        }

        var run = await copy.Built.RunProgramAsync("app.db", "backup");
        Assert.True(run.ExitCode == 0, run.Transcript("dotnet run -- backup"));
        var name = run.StandardOutput.Split('\n').Single(line => line.StartsWith("Backup: ")).Split(' ')[1];
        var backup = Path.Combine(copy.Built.Folder, name);

        Assert.Matches(@"^backups/app-\d{8}-\d{6}\.db$", name);
        Assert.Equal(["ok"], BuiltCopy.Read(backup, "PRAGMA integrity_check;"));
        Assert.Equal(original, BuiltCopy.Read(backup, AllRows));
        Assert.Contains("  Users: 2 row(s)", run.StandardOutput);
        Assert.Contains("  Comments: 2 row(s)", run.StandardOutput);
    }

    /// <summary>
    /// With a file already there for every name the backup could take in the next minute, the command refuses, says
    /// so, exits with 1, and every existing file keeps its content.
    /// </summary>
    [Fact]
    public async Task Existing_backup_is_never_overwritten()
    {
        var folder = Path.Combine(copy.Built.Folder, "backups");
        Directory.CreateDirectory(folder);
        var start = DateTime.UtcNow;
        var taken = Enumerable.Range(-1, 62)
            .Select(second => Path.Combine(folder, $"app-{start.AddSeconds(second).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.db"))
            .Where(path => !File.Exists(path))
            .ToList();
        try
        {
            foreach (var path in taken)
                File.WriteAllText(path, "an older backup");

            var run = await copy.Built.RunProgramAsync("app.db", "backup");

            Assert.Equal(1, run.ExitCode);
            Assert.Matches(@"^error: backups/app-\d{8}-\d{6}\.db already exists and is kept; try again in a second\.\n$", run.StandardError.ReplaceLineEndings("\n"));
            Assert.All(taken, path => Assert.Equal("an older backup", File.ReadAllText(path)));
        }
        finally
        {
            taken.ForEach(File.Delete);
        }
    }

    /// <summary>A database file that does not exist: one message naming it, exit code 1, and no file made anywhere.</summary>
    [Fact]
    public async Task Missing_database_is_one_message()
    {
        var before = Directory.GetFiles(copy.Built.Folder, "*", SearchOption.AllDirectories).Length;

        var run = await copy.Built.RunProgramAsync("missing.db", "backup");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: there is no database at {copy.Built.PathOf("missing.db")} to back up.\n", run.StandardError.ReplaceLineEndings("\n"));
        Assert.False(File.Exists(copy.Built.PathOf("missing.db")));
        Assert.Equal(before, Directory.GetFiles(copy.Built.Folder, "*", SearchOption.AllDirectories).Length);
    }

    /// <summary>An argument the program does not know: one usage message and exit code 2, before anything is opened.</summary>
    [Fact]
    public async Task Unknown_argument_is_one_message()
    {
        var run = await copy.Built.RunProgramAsync("app.db", "backup", "now");

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("", run.StandardOutput);
        Assert.Equal("error: unknown arguments; use `dotnet run`, `dotnet run -- shell` or `dotnet run -- backup`.\n",
            run.StandardError.ReplaceLineEndings("\n"));
    }
}
