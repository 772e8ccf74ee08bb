using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Workbook.Tests;

/// <summary>
/// The page claims about a process: a command that waits for a lock row and goes on once it is gone, a backup killed with
/// SIGKILL halfway, a program run in another time zone, a deterministic build. Each starts real child processes (the
/// solutions' built programs, or <c>dotnet</c> commands on built copies), waits for what it expects by polling for it, and
/// kills what it started when it ends.
/// </summary>
public sealed partial class PageClaimTests
{
    /// <summary>The line EF Core prints before it takes the migration lock.</summary>
    const string AcquiringLock =
        "Acquiring an exclusive lock for migration application. See https://aka.ms/efcore-docs-migrations-lock for more information if this takes too long.";

    /// <summary>
    /// The row a migration stopped halfway leaves in <c>__EFMigrationsLock</c> (page 03's own), and a trigger that records
    /// each attempt EF Core makes to insert its row, so that a test sees a command try again and be refused rather than
    /// sleep a fixed time and hope.
    /// </summary>
    const string StaleLockWithAttemptsCounted = """
        INSERT INTO __EFMigrationsLock (Id, Timestamp) VALUES (1, '2026-11-23 09:15:02+00:00');
        CREATE TABLE LockAttempts (At TEXT);
        CREATE TRIGGER CountLockAttempts BEFORE INSERT ON __EFMigrationsLock BEGIN INSERT INTO LockAttempts VALUES (NEW.Timestamp); END;
        """;

    static int LockAttempts(string sqliteFile) =>
        int.Parse(BuiltCopy.Read(sqliteFile, "SELECT COUNT(*) FROM LockAttempts;").Single(), System.Globalization.CultureInfo.InvariantCulture);

    static readonly TimeSpan Generous = TimeSpan.FromMinutes(3);

    /// <summary>
    /// Page 03, "When <c>database update</c> waits for ever" (lines 464-481): with a stale row in <c>__EFMigrationsLock</c>,
    /// <c>dotnet ef database update</c> "prints the lock line, and nothing more, for as long as you wait"; deleting the row
    /// from another connection, "the waiting command notices and goes on". On a built copy of chapter 03 migrated by the
    /// tool: <c>dotnet ef database update 0</c> tries the lock twice and is still running with the lock line as its last
    /// output; once the row is deleted it reverts <c>UsersTable</c>, prints <c>Done.</c> and exits with 0.
    /// </summary>
    [Fact]
    [Trait("Category", "CommandLine")]
    public async Task Stale_lock_row_keeps_database_update_waiting_until_it_is_deleted()
    {
        using var copy = await BuiltCopy.MakeAsync("03-first-migration");
        await copy.UpdateAsync("app.db", null);
        copy.Sql("app.db", StaleLockWithAttemptsCounted);

        using var update = RunningProcess.Start(ChildEnvironment.Dotnet,
            ["ef", "database", "update", "0", "--no-build", "--configuration", Solutions.Configuration], copy.Folder, DotnetEnvironment("sqlite:///app.db"));
        await update.WaitForAsync(() => LockAttempts(copy.PathOf("app.db")) >= 2, "second attempt at the lock", Generous);

        Assert.False(update.HasExited);
        Assert.EndsWith("\n" + AcquiringLock + "\n", "\n" + update.StandardOutput);
        copy.Sql("app.db", "DELETE FROM __EFMigrationsLock;");
        Assert.True(await update.WaitForExitAsync(Generous) == 0, update.Transcript());
        Assert.Matches(@$"{Regex.Escape(AcquiringLock)}\nReverting migration '\d{{14}}_UsersTable'\.\nDone\.\n$", update.StandardOutput);
        Assert.Empty(copy.Rows("app.db", "SELECT * FROM __EFMigrationsHistory;"));
    }

    /// <summary>
    /// Page 05, step 5.1 (lines 67-69): "when <c>__EFMigrationsLock</c> holds a row that a stopped migration left behind
    /// (chapter 03), <c>Migrate()</c> would wait for it in silence, so the app first says what it is waiting for and how to
    /// clear it". Each of chapters 05-07's built programs on a migrated SQLite file with that row: standard error holds
    /// exactly the two lines while <c>Migrate()</c> tries the lock again; with the row deleted the run goes on to Play Time
    /// and exits with 0. Without the row, and on a file that does not exist yet, standard error stays empty. (Chapter 07 on
    /// PostgreSQL prints no such line either: the control run of the <c>.pgpass</c> test in <c>PageClaimTests.Server.cs</c>.)
    /// </summary>
    [Theory]
    [Trait("Category", "CommandLine")]
    [InlineData("05-shell-play")]
    [InlineData("06-schema-change")]
    [InlineData("07-postgresql")]
    public async Task Program_says_what_it_waits_for_while_the_lock_row_is_there(string chapterName)
    {
        var chapter = Solutions.Load(chapterName);
        using var temp = new TempFolder();
        var file = temp["app.db"];
        using (var db = chapter.CreateDbContext(file))
            db.Database.Migrate();
        SqliteDatabase.Execute(file, StaleLockWithAttemptsCounted);
        var waiting =
            $"Waiting for the migration lock: {file} has a row in __EFMigrationsLock, left by a program that is migrating it or that was stopped halfway.\n"
            + $"If no other program is migrating it, delete the row from another terminal: sqlite3 \"{file}\" \"DELETE FROM __EFMigrationsLock;\"\n";

        var environment = ChildEnvironment.ForProgram(temp.Path, temp.Path);
        environment["DATABASE_URL"] = "sqlite:///" + file;
        using (var run = RunningProcess.Start(ChildEnvironment.Dotnet, [chapter.Path], temp.Path, environment))
        {
            await run.WaitForAsync(() => LockAttempts(file) >= 2, "second attempt at the lock", Generous);
            Assert.Equal(waiting, run.StandardError);
            Assert.DoesNotContain("Applied migrations:", run.StandardOutput);

            SqliteDatabase.Execute(file, "DELETE FROM __EFMigrationsLock;");
            Assert.True(await run.WaitForExitAsync(Generous) == 0, run.Transcript());
            Assert.Equal(waiting, run.StandardError);
            Assert.Contains("Pending migrations: none\n\n== ", run.StandardOutput);
        }

        var programs = new ProgramRunner(Generous);
        var runs = await Task.WhenAll(programs.RunAsync(chapter, temp.Path, "sqlite:///" + file), programs.RunAsync(chapter, temp.Path, "sqlite:///" + temp["new.db"]));
        Assert.All(runs, again => Assert.True(again is { ExitCode: 0, StandardError: "" }, again.Transcript("dotnet run")));
    }

    /// <summary>
    /// Page 01, "Why app.db lives beside the code" (lines 86-91): in a deterministic build
    /// (<c>-p:ContinuousIntegrationBuild=true</c>) "<c>BaseDir</c> would then be <c>/_/chapters/01-configuration</c>, a
    /// folder that exists on no machine, and SQLite would fail to open <c>app.db</c> there"; "Metadata written by
    /// <c>Blog.csproj</c> is not a source path, and stays as it is". A copy of the seven solution chapters in a git
    /// repository with one commit (the compiler maps source paths to <c>/_/</c> from the repository's root; in a folder that
    /// is not a git repository, or one without a commit, nothing is mapped), built that way: every chapter's program prints
    /// its own folder in its <c>Database:</c> line and exits with 0. Chapter 05 with <c>BaseDir</c> taken from
    /// <c>[CallerFilePath]</c> instead (its code before the metadata, commit 20aaf2f), built the same way: it prints
    /// <c>/_/solutions/05-shell-play/app.db</c> and fails with SQLite error 14.
    /// </summary>
    [Fact]
    [Trait("Category", "CommandLine")]
    public async Task Deterministic_build_keeps_BaseDir_and_would_break_CallerFilePath()
    {
        var chapters = Solutions.Manifest.Chapters.Select(info => Chapter.In(Solutions.Root, "solutions", info)).ToList();
        using var copy = new WorkbookCopy(Solutions.Root, "solutions", chapters[0]);
        var folders = chapters.Select((chapter, i) => i == 0 ? copy.ChapterFolder : copy.Add("solutions", chapter)).ToList();
        // Seven projects named Blog: the solution file needs a folder for each.
        File.WriteAllText(Path.Combine(copy.Root, "Chapters.slnx"), "<Solution>\n" + string.Concat(chapters.Select(chapter =>
            $"  <Folder Name=\"/{chapter.Name}/\"><Project Path=\"solutions/{chapter.Name}/Blog.csproj\" /></Folder>\n")) + "</Solution>\n");
        await GitAsync(copy.Root, "init", "-q");
        await GitAsync(copy.Root, "add", "-A");
        await GitAsync(copy.Root, "-c", "user.name=Workbook tests", "-c", "user.email=tests@workbook.invalid", "commit", "-q", "-m", "The solutions");

        await BuildDeterministicAsync(copy.Root, "Chapters.slnx");
        var runs = await Task.WhenAll(folders.Select(RunBuiltAsync));
        foreach (var (folder, run) in folders.Zip(runs))
        {
            Assert.Contains($"\nDatabase: Data Source={Path.Combine(folder, "app.db")}\n", run.StandardOutput);
            Assert.True(run.ExitCode == 0, run.Transcript("dotnet run --no-build", folder));
        }

        var shellPlay = folders[chapters.FindIndex(chapter => chapter.Name == "05-shell-play")];
        var config = Path.Combine(shellPlay, "Config.cs");
        const string FromMetadata = """
            typeof(Config).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                    .Single(attribute => attribute.Key == "ProjectDir").Value!;
            """;
        var text = File.ReadAllText(config).ReplaceLineEndings("\n");
        Assert.Contains(FromMetadata, text);
        File.WriteAllText(config, text.Replace(FromMetadata, """
            FolderOf();

                static string FolderOf([System.Runtime.CompilerServices.CallerFilePath] string sourceFile = "") => Path.GetDirectoryName(sourceFile)!;
            """));
        await BuildDeterministicAsync(shellPlay, "Blog.csproj");
        var broken = await RunBuiltAsync(shellPlay);
        Assert.Contains("\nDatabase: Data Source=/_/solutions/05-shell-play/app.db\n", broken.StandardOutput);
        Assert.Contains("SQLite Error 14: 'unable to open database file'", broken.StandardError);
        Assert.NotEqual(0, broken.ExitCode);

        static async Task BuildDeterministicAsync(string folder, string project)
        {
            var build = await DotnetCommand.RunAsync(folder, ["build", project, "--nologo", "-p:ContinuousIntegrationBuild=true"], TestEnvironment.ForSdk());
            Assert.True(build.ExitCode == 0, build.Transcript("dotnet build -p:ContinuousIntegrationBuild=true"));
        }

        // What `dotnet run --no-build` runs, without DATABASE_URL, in the chapter's folder.
        static async Task<CommandRun> RunBuiltAsync(string folder)
        {
            using var home = new TempFolder();
            var run = await ChildProcess.RunAsync(ChildEnvironment.Dotnet, [Path.Combine(folder, "bin", "Debug", "net10.0", "Blog.dll")], folder,
                ChildEnvironment.ForProgram(home.Path, home.Path), Generous);
            return new CommandRun(run.ExitCode, run.StandardOutput, run.StandardError);
        }
    }

    /// <summary>
    /// Page 04, step 4.1 (lines 99-103), and page 05, "What Kind a DateTime has" (lines 539-541): for a value read back
    /// with <c>Kind</c> <c>Unspecified</c>, <c>ToUniversalTime()</c> shifts it by the machine's offset,
    /// <c>new DateTimeOffset(value)</c> gives it the machine's offset, <c>ToLocalTime()</c> takes it for UTC; "The three
    /// <c>True</c>s hold in every time zone. On a machine in Tokyo, <c>read.ToUniversalTime()</c> is 01:04:57, nine hours
    /// early, and <c>new DateTimeOffset(read)</c> says <c>+09:00</c>". Chapter 05's shell in a child process with
    /// <c>TZ=Asia/Tokyo</c>, given the page's <c>tools/utc.csx</c> and four statements more.
    /// </summary>
    [Fact]
    [Trait("Category", "CommandLine")]
    public async Task Unspecified_DateTime_takes_the_machine_s_offset_in_Tokyo()
    {
        var chapter = Solutions.Load("05-shell-play");
        using var temp = new TempFolder();
        var environment = ChildEnvironment.ForProgram(temp.Path, temp.Path);
        environment["TZ"] = "Asia/Tokyo";
        environment["DATABASE_URL"] = "sqlite:///" + temp["app.db"];
        (string Statement, string Shown)[] tokyo =
        [
            ("TimeZoneInfo.Local.Id", "\"Asia/Tokyo\""),
            ("read.ToUniversalTime().ToString(\"yyyy-MM-dd HH:mm:ss\")", "\"2026-11-23 01:04:57\""),
            ("new DateTimeOffset(read).ToString(\"zzz\")", "\"+09:00\""),
            ("read.ToLocalTime().ToString(\"yyyy-MM-dd HH:mm:ss\")", "\"2026-11-23 19:04:57\""),
        ];
        var input = File.ReadAllText(Path.Combine(Solutions.Root, "tools", "utc.csx")).ReplaceLineEndings("\n")
            + string.Concat(tokyo.Select(line => line.Statement + "\n"));

        var run = await ChildProcess.RunAsync(ChildEnvironment.Dotnet, [chapter.Path, "shell"], temp.Path, environment, Generous, input);

        var output = run.StandardOutput.ReplaceLineEndings("\n");
        Assert.True(run.ExitCode == 0, output + run.StandardError);
        foreach (var statement in new[]
            {
                "read.ToLocalTime() == saved.ToLocalTime()", "read.ToUniversalTime() == saved - TimeZoneInfo.Local.GetUtcOffset(read)",
                "new DateTimeOffset(read).Offset == TimeZoneInfo.Local.GetUtcOffset(read)",
            })
            Assert.Contains($"> {statement}\nTrue\n", output);
        foreach (var (statement, shown) in tokyo)
            Assert.Contains($"> {statement}\n{shown}\n", output);
    }

    /// <summary>
    /// Page 06, step 6.1 (lines 96-97): the backup goes "in a <c>backups</c> folder beside the database file". Chapter 06's
    /// built program with <c>DATABASE_URL</c> naming a file in a folder of its own, run from another folder: the backup is
    /// <c>backups/app-&lt;stamp&gt;.db</c> beside that file, and neither the folder it ran from nor the chapter's folder
    /// (where <c>BaseDir</c> points) gets a <c>backups</c> entry.
    /// </summary>
    [Fact]
    [Trait("Category", "CommandLine")]
    public async Task Backup_goes_beside_the_database_file()
    {
        var chapter = Solutions.Load("06-schema-change");
        using var temp = new TempFolder();
        var data = Directory.CreateDirectory(temp["data"]).FullName;
        var work = Directory.CreateDirectory(temp["work"]).FullName;
        var file = Path.Combine(data, "app.db");
        using (var db = chapter.CreateDbContext(file))
            db.Database.Migrate();
        var chapterBackups = Path.Combine(chapter.Chapter.Folder, "backups");
        var before = InChapter();
        try
        {
            var run = await new ProgramRunner(Generous).RunAsync(chapter, work, "sqlite:///" + file, ["backup"]);

            Assert.True(run.ExitCode == 0, run.Transcript("dotnet run -- backup"));
            var made = Assert.Single(Directory.GetFiles(Path.Combine(data, "backups")));
            Assert.Matches(@"^app-\d{8}-\d{6}\.db$", Path.GetFileName(made));
            Assert.Equal(["ok"], BuiltCopy.Read(made, "PRAGMA integrity_check;"));
            Assert.False(Directory.Exists(Path.Combine(work, "backups")), "a backups folder was made in the folder the program ran from");
            Assert.Equal(before, InChapter());
        }
        finally
        {
            // A backup in the solution's own folder is this test's failure: it is not left there.
            foreach (var stray in InChapter().Except(before))
                File.Delete(stray);
        }

        string[] InChapter() => Directory.Exists(chapterBackups) ? Directory.GetFiles(chapterBackups) : [];
    }

    /// <summary>
    /// Page 06, step 6.1 (lines 116-119) and "Going back, and restoring a backup" (lines 750-754): a backup cut short by
    /// <c>kill -9</c> leaves <c>app-...db.partial</c> "often with an <c>app-...db.partial-journal</c> beside it", never a file
    /// with a backup's name; "Opened together with its journal, such a copy is rolled back to an empty database that even
    /// passes the integrity check; copied alone, it is not a database at all". Chapter 06's built program backing up a
    /// database of about 100 MB (80,000 users with a 1,000-character <c>AboutMe</c>), killed with SIGKILL while SQLite
    /// copies the pages (the journal is there and the copy holds between one page and half the database): <c>backups/</c>
    /// holds the <c>.partial</c> and its journal and no <c>app-*.db</c>; the <c>.partial</c> copied alone gives SQLite
    /// error 26 (its first page is not written yet); copied with its journal, it passes <c>PRAGMA integrity_check</c> and
    /// has no table. Killed later, while SQLite commits the copy (all pages written, the journal not yet deleted), the
    /// <c>.partial</c> alone is a whole database: "copied alone, it is not a database at all" does not hold then (see
    /// <c>CLAIM-FINDINGS.md</c>), so this test kills during the copy only.
    /// </summary>
    [Fact]
    [Trait("Category", "CommandLine")]
    public async Task Backup_killed_during_the_copy_leaves_a_partial_copy_never_a_backup()
    {
        var chapter = Solutions.Load("06-schema-change");
        using var temp = new TempFolder();
        var file = temp["app.db"];
        using (var db = chapter.CreateDbContext(file))
            db.Database.Migrate();
        SqliteDatabase.Execute(file, """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 80000)
            INSERT INTO "Users" ("Username", "Email", "AboutMe", "LastSeen")
            SELECT 'user' || i, 'user' || i || '@example.com', printf('%.1000c', 'x'), '2026-11-23 10:04:57' FROM n;
            """);
        var size = new FileInfo(file).Length;
        Assert.InRange(size, 90_000_000, 150_000_000);
        var backups = temp["backups"];
        var environment = ChildEnvironment.ForProgram(temp.Path, temp.Path);
        environment["DATABASE_URL"] = "sqlite:///" + file;

        // The copy takes a fraction of a second: a run whose kill does not land during it is tried again.
        string? partial = null;
        for (var attempt = 1; partial is null; attempt++)
        {
            using (var backup = RunningProcess.Start(ChildEnvironment.Dotnet, [chapter.Path, "backup"], temp.Path, environment))
            {
                await backup.WaitForAsync(() => Copying(size / 2) is not null || backup.HasExited, "copy under way", Generous, whileRunning: false);
                if (!backup.HasExited)
                    await backup.KillAsync();
                partial = Copying(size);
                Assert.True(partial is not null || attempt < 3, $"Three backups were not killed during their copy.\n{backup.Transcript()}");
            }
            if (partial is null)
                Directory.Delete(backups, recursive: true);
        }

        Assert.DoesNotContain(Directory.GetFiles(backups), path => Regex.IsMatch(Path.GetFileName(path), @"^app-.*\.db$"));
        File.Copy(partial, temp["alone.db"]);
        var alone = Record.Exception(() => BuiltCopy.Read(temp["alone.db"], "SELECT COUNT(*) FROM sqlite_master;"));
        Assert.True(alone is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 26 },
            $"The partial copy alone ({new FileInfo(partial).Length} bytes) gave {alone?.Message ?? "no error"}");

        File.Copy(partial, temp["restored.db"]);
        File.Copy(partial + "-journal", temp["restored.db-journal"]);
        // Read-write: SQLite rolls the journal back into the file when it opens it.
        Assert.Equal(["ok", "0"], SqliteDatabase.Rows(temp["restored.db"], "PRAGMA integrity_check; SELECT COUNT(*) FROM sqlite_master;", readOnly: false)
            .Select(SqliteDatabase.Line));

        // The partial copy while SQLite writes it: its journal beside it, and more than nothing but less than `below` bytes.
        string? Copying(long below) => Directory.Exists(backups)
            ? Directory.GetFiles(backups, "*.partial").FirstOrDefault(path => File.Exists(path + "-journal") && new FileInfo(path).Length is > 0 and var length && length < below)
            : null;
    }

    /// <summary>
    /// The environment <see cref="DotnetCommand"/> gives a <c>dotnet</c> command (this process's, with the learner's package
    /// folder and .NET CLI home), with <paramref name="databaseUrl"/> as <c>DATABASE_URL</c>.
    /// </summary>
    static Dictionary<string, string> DotnetEnvironment(string? databaseUrl) => RunningProcess.Inherited(new Dictionary<string, string?>
    {
        ["DATABASE_URL"] = databaseUrl,
        ["NUGET_PACKAGES"] = LearnerEnvironment.PackagesFolder,
        ["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") ?? LearnerEnvironment.RealHome,
    });

    static async Task GitAsync(string folder, params string[] arguments)
    {
        var environment = RunningProcess.Inherited(new Dictionary<string, string?> { ["GIT_CONFIG_NOSYSTEM"] = "1", ["HOME"] = TestEnvironment.Home });
        var run = await ChildProcess.RunAsync("git", arguments, folder, environment, Generous);
        Assert.True(run.ExitCode == 0, $"git {string.Join(' ', arguments)} failed:\n{run.StandardOutput}{run.StandardError}");
    }
}
