namespace Workbook.Grading.Checks;

/// <summary>
/// Graded: what chapter 06's migrations do to a database that already holds data. A new SQLite file is taken through
/// the migrations the starter came with (chapter 05's schema), filled with known rows (users with capitals and
/// spaces in their emails, one without comments, comments at known times), then upgraded with the chapter's own
/// migrations, taken back down to chapter 05 and up again. Every row must come through with its data, and a backup
/// made before the migrations (step 6.1) must hold every row as it was (<see cref="Backup"/>).
/// </summary>
static class DataSafetyChecks
{
    /// <summary>
    /// <c>last-seen.txt</c>: each user's <c>LastSeen</c> after the upgrade (the time of their latest comment, or the
    /// time of the upgrade for a user with none) and that every other column kept its value; <c>comments.txt</c>: every
    /// comment's text (now <c>Text</c>), time and author after the upgrade; <c>emails.txt</c>: the emails, trimmed and
    /// lower-cased; <c>down.txt</c>: going back to chapter 05's last migration keeps every row and brings back its
    /// schema; <c>up-again.txt</c>: upgrading again brings back this chapter's schema and keeps the rows.
    /// </summary>
    /// <param name="context">The chapter and the chapter it is graded as, whose starter's migrations the manifest records.</param>
    public static IReadOnlyList<Output> KeepsData(CheckContext context)
    {
        var starter = context.GradedAs.StarterMigrations;
        var starterCount = starter.Count;
        using var temp = new TempFolder();
        var file = temp["app.db"];
        using var db = context.Chapter.CreateDbContext(file, ignorePendingModelChanges: true);
        var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
        string[] names = ["last-seen.txt", "comments.txt", "emails.txt", "down.txt", "up-again.txt"];
        if (MigrationChecks.StarterProblem(ids, starter) is { } problem)
            return names.Select(n => new Output(n, problem)).ToList();
        if (starterCount == 0 || ids.Count <= starterCount)
            return names.Select(n => new Output(n, $"No migration after the {starterCount} the starter came with yet.\n")).ToList();

        var migrator = db.GetService<IMigrator>();
        FillAsChapter05LeftIt(migrator, file, ids[starterCount - 1], context.GradedAs);
        var starterSchema = DatabaseSchema.ReadSqlite(file);
        // What the rows held before the upgrade, from the database itself: the manifest's seed rows are the only record of them.
        var seeded = SqliteDatabase.Rows(file, """SELECT "Id", "Username", "PasswordHash" FROM "Users" ORDER BY "Id";""")
            .ToDictionary(row => Convert.ToInt64(row[0], CultureInfo.InvariantCulture), row => (Username: (string)row[1]!, Hash: row[2] as string));
        var latestComment = SqliteDatabase.Rows(file, """SELECT "UserId", "Timestamp" FROM "Comments";""")
            .GroupBy(row => Convert.ToInt64(row[0], CultureInfo.InvariantCulture))
            .ToDictionary(user => user.Key, user => user.Max(row => Parse((string)row[1]!)));

        var before = DateTime.UtcNow.AddSeconds(-1);
        if (MigrationChecks.Apply(migrator, ids[^1]) is { } failure)
            return names.Select(n => new Output(n, $"Upgrading a database that holds users and comments fails: {failure}\n")).ToList();
        var after = DateTime.UtcNow.AddSeconds(1);
        var upgraded = DatabaseSchema.ReadSqlite(file);

        var lastSeen = Read(file, """SELECT "Id", "Username", "PasswordHash", "AboutMe", "LastSeen" FROM "Users" ORDER BY "Id";""", row =>
        {
            var id = Convert.ToInt64(row[0], CultureInfo.InvariantCulture);
            var (username, hash) = seeded.GetValueOrDefault(id, ($"a user {id} that was not there", null));
            var kept = Equals(row[1], username) && Equals(row[2], hash) && row[3] is null ? "every other column kept" : $"changed: {row[1]} | {row[2] ?? "NULL"} | {row[3] ?? "NULL"}";
            var latest = latestComment.GetValueOrDefault(id);
            var seen = row[4] is string text && TryParse(text, out var time) ? time : (DateTime?)null;
            var rule = latest != default
                ? seen == latest ? "LastSeen is the time of their latest comment" : $"LastSeen is {row[4] ?? "NULL"}, not the time of their latest comment ({Show(latest)})"
                : seen is { } upgradeTime && upgradeTime >= before && upgradeTime <= after ? "LastSeen is the time of the upgrade (no comments)"
                : $"LastSeen is {row[4] ?? "NULL"}, not the time of the upgrade (this user has no comments)";
            return $"{username}: {rule}; {kept}";
        });
        var comments = Read(file, """SELECT "Id", "Text", "Timestamp", "UserId" FROM "Comments" ORDER BY "Id";""", CommentLine);
        var emails = Read(file, """SELECT "Username", "Email" FROM "Users" ORDER BY "Id";""", row => $"{row[0]}: {row[1]}");

        var down = Migrate(migrator, file, ids[starterCount - 1], starterSchema, "Going back to the starter's last migration fails",
            "Back at the starter's last migration, the schema is chapter 05's again.",
            "Back at the starter's last migration, the schema differs from chapter 05's (- chapter 05, + now):",
            () => Read(file, """SELECT "Id", "Username", "Email", "PasswordHash" FROM "Users" ORDER BY "Id";""", row => $"{row[0]} | {row[1]} | {row[2]} | {row[3] ?? "NULL"}")
                + Read(file, """SELECT "Id", "Body", "Timestamp", "UserId" FROM "Comments" ORDER BY "Id";""", CommentLine));
        var upAgain = Migrate(migrator, file, ids[^1], upgraded, "Upgrading again fails",
            "Upgraded again, the schema is this chapter's again.",
            "Upgraded again, the schema differs from the first upgrade's (- first, + again):",
            () => Read(file, """SELECT COUNT(*) FROM "Users";""", row => $"{row[0]} users")
                + Read(file, """SELECT COUNT(*) FROM "Comments";""", row => $"{row[0]} comments"));
        return
        [
            new("last-seen.txt", lastSeen),
            new("comments.txt", comments),
            new("emails.txt", emails),
            new("down.txt", down),
            new("up-again.txt", upAgain),
        ];
    }

    /// <summary>
    /// Migrates <paramref name="file"/> to <paramref name="target"/> and says whether its schema is then <paramref name="expected"/>,
    /// followed by <paramref name="rows"/>; or why the migration failed.
    /// </summary>
    static string Migrate(IMigrator migrator, string file, string target, string expected, string failed, string same, string differs, Func<string> rows)
    {
        if (MigrationChecks.Apply(migrator, target) is { } failure)
            return $"{failed}: {failure}\n";
        var schema = DatabaseSchema.ReadSqlite(file);
        return (schema == expected ? same + "\n" : differs + "\n" + KeyedText.Compare(expected, schema).Diff) + rows();
    }

    /// <summary>
    /// Makes <paramref name="file"/> a database as chapter 05 left it: through the starter's migrations, up to
    /// <paramref name="lastStarterMigration"/>, then holding the known users and comments (the manifest's <see cref="ChapterInfo.SeedRows"/>).
    /// </summary>
    static void FillAsChapter05LeftIt(IMigrator migrator, string file, string lastStarterMigration, ChapterInfo gradedAs)
    {
        migrator.Migrate(lastStarterMigration);
        SqliteDatabase.Execute(file, string.Join("\n", gradedAs.SeedRows));
    }

    /// <summary>
    /// Step 6.1, <c>dotnet run -- backup</c>, run by the chapter's program on databases as chapter 05 left them (the
    /// starter's migrations, the known rows), before this chapter's migrations, each in a folder of its own; the copies go
    /// to <c>backups/</c> beside the database file. <c>copy.txt</c>: the database in WAL mode, with a row committed by a
    /// connection that stays open, so that the row is still in <c>app.db-wal</c> and not yet in <c>app.db</c> (a copy of the
    /// file alone lacks it): whether the backup exits with 0 and makes one new file; whether that file is a database that
    /// holds every committed row of every table, its migration history included (a copy made after <c>Migrate()</c> holds
    /// this chapter's migrations too); whether the database itself is left as it was. <c>again.txt</c>: a second backup of
    /// the same database, changed meanwhile, a second later: whether it keeps the first copy as it was and makes a new one
    /// that holds the change. <c>taken.txt</c>: with an older backup already under every name a backup could take in the
    /// next minute: whether each of them is left as it was. <c>missing.txt</c>: whether backing up a database file that does
    /// not exist fails, makes no copy and creates no file.
    /// </summary>
    /// <param name="context">The chapter and the chapter it is graded as, whose starter's migrations the manifest records.</param>
    public static async Task<IReadOnlyList<Output>> Backup(CheckContext context)
    {
        var starter = context.GradedAs.StarterMigrations;
        using var temp = new TempFolder();
        var first = Path.Combine(temp.Path, "wal", "app.db");
        var crowded = Path.Combine(temp.Path, "taken", "app.db");
        foreach (var file in new[] { first, crowded })
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            using var db = context.Chapter.CreateDbContext(file, ignorePendingModelChanges: true);
            var ids = db.GetService<IMigrationsAssembly>().Migrations.Keys.ToList();
            if (MigrationChecks.StarterProblem(ids, starter) is { } problem)
                return [new("copy.txt", problem), new("again.txt", ""), new("taken.txt", ""), new("missing.txt", "")];
            if (starter.Count == 0)
                return [new("copy.txt", "The chapter's starter came with no migration: there is no database of chapter 05 to back up.\n"),
                    new("again.txt", ""), new("taken.txt", ""), new("missing.txt", "")];
            FillAsChapter05LeftIt(db.GetService<IMigrator>(), file, starter[^1], context.GradedAs);
        }

        var twice = BackUpTwiceAsync(context, temp, first);
        var taken = BackUpOverTakenNamesAsync(context, temp, crowded);
        var missingFile = Path.Combine(temp.Path, "missing", "app.db");
        Directory.CreateDirectory(Path.GetDirectoryName(missingFile)!);
        var missing = BackUpAsync(context, temp, missingFile);
        var (copy, again) = await twice;
        var (failed, strays) = await missing;
        var refused = failed.ExitCode != 0 && strays.Count == 0 && !File.Exists(missingFile)
            ? "Backing up a database file that does not exist fails, makes no copy and creates no file.\n"
            : $"Backing up a database file that does not exist {Outcome(failed)}, makes {strays.Count} file(s) in backups/"
              + $"{(File.Exists(missingFile) ? " and creates the database file it was asked to back up" : "")}: it must fail and leave everything as it was.\n";
        return [new("copy.txt", copy), new("again.txt", again), new("taken.txt", await taken), new("missing.txt", refused)];
    }

    /// <summary>The first backup, of a database with a row still in its WAL file, then a second one a second later.</summary>
    static async Task<(string Copy, string Again)> BackUpTwiceAsync(CheckContext context, TempFolder temp, string file)
    {
        string copyText, againText;
        // A connection that commits a row and stays open: with automatic checkpoints off, the row stays in app.db-wal.
        using (var writer = new SqliteConnection(SqliteDatabase.ConnectionString(file)))
        {
            writer.Open();
            using (var command = writer.CreateCommand())
            {
                command.CommandText = """
                    PRAGMA journal_mode = WAL;
                    PRAGMA wal_autocheckpoint = 0;
                    INSERT INTO "Users" ("Id", "Username", "Email", "PasswordHash") VALUES (4, 'late', 'late@example.com', NULL);
                    """;
                command.ExecuteNonQuery();
            }
            var before = AllRows(file);
            var (run, copies) = await BackUpAsync(context, temp, file);
            var copy = new StringBuilder(run.ExitCode == 0 && copies.Count == 1
                ? "`dotnet run -- backup` exits with 0 and makes one new file in backups/.\n"
                : $"`dotnet run -- backup` {Outcome(run)} and makes {copies.Count} new file(s) in backups/, not one. It printed:\n"
                  + Report.Indent(Printed(run, context.Chapter, temp), "  "));
            if (copies.Count == 1)
                copy.Append(Compare(AllRows(copies[0]), before,
                    "The copy holds every committed row of every table ({0}), as the database held them before the backup, the one still in app.db-wal included.",
                    "The copy does not hold what the database held before the backup (every committed row, the ones still in app.db-wal too: "
                    + "copy with SQLite's backup API, not the file; and back up before Migrate() changes it):"));
            copy.Append(Compare(AllRows(file), before,
                "The database holds every row of every table ({0}), as before: backing up changed nothing in it.",
                "Backing up changed the database (it must end the program before Migrate() changes it):"));
            copyText = copy.ToString();
            if (copies.Count != 1)
                return (copyText, "Not tried: the first backup did not make one copy.\n");

            // The second backup, after the database changed, in the next second (a name made of the time is new then).
            var firstCopy = File.ReadAllBytes(copies[0]);
            SqliteDatabase.Execute(file, """UPDATE "Users" SET "PasswordHash" = 'changed' WHERE "Id" = 1;""");
            var changed = AllRows(file);
            await Task.Delay(TimeSpan.FromMilliseconds(1000 - DateTime.UtcNow.Millisecond + 50));
            var (second, secondCopies) = await BackUpAsync(context, temp, file, keep: copies);
            var again = new StringBuilder();
            var kept = File.Exists(copies[0]) && File.ReadAllBytes(copies[0]).AsSpan().SequenceEqual(firstCopy);
            again.Append(kept
                ? "A second backup a second later keeps the first copy as it was"
                : "A second backup a second later overwrites or removes the first copy: a backup must never replace an earlier one");
            again.Append(second.ExitCode == 0 && secondCopies.Count == 1
                ? ", and makes one new file.\n" + Compare(AllRows(secondCopies[0]), changed,
                    "The new copy holds the database as it was then, the change included ({0}).",
                    "The new copy does not hold the database as it was at the second backup:")
                : $"; it {Outcome(second)} and makes {secondCopies.Count} new file(s), not one.\n");
            againText = again.ToString();
        }
        return (copyText, againText);
    }

    /// <summary>A backup while an older one sits under every name the backup could take in the next minute.</summary>
    static async Task<string> BackUpOverTakenNamesAsync(CheckContext context, TempFolder temp, string file)
    {
        var folder = Path.Combine(Path.GetDirectoryName(file)!, "backups");
        Directory.CreateDirectory(folder);
        var start = DateTime.UtcNow;
        var taken = Enumerable.Range(-1, 62)
            .Select(second => Path.Combine(folder, $"app-{start.AddSeconds(second).ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}.db"))
            .ToList();
        foreach (var path in taken)
            File.WriteAllText(path, "an older backup");
        var (run, _) = await BackUpAsync(context, temp, file, keep: taken);
        var changed = taken.Count(path => !File.Exists(path) || File.ReadAllText(path) != "an older backup");
        return changed == 0
            ? "With an older backup under every name a backup could take, backing up leaves every one of them as it was.\n"
            : $"With an older backup under every name a backup could take, `dotnet run -- backup` {Outcome(run)} and overwrites or removes "
              + $"{changed} of them: a backup must never replace an earlier one (create the file with FileMode.CreateNew, or refuse).\n";
    }

    /// <summary>
    /// Whether a run succeeded or failed, in words: an exit code other than 0 differs between operating systems for the
    /// same crash (134 on Linux, another on Windows), and the expected outputs hold on every one.
    /// </summary>
    static string Outcome(CommandRun run) => run.ExitCode == 0 ? "succeeds" : "fails";

    /// <summary>
    /// What a run printed, both streams, with the temp and chapter folders as placeholders and without the frames of a
    /// stack trace (<c>   at ...</c>): the exception's type and message say what went wrong, the frames differ from one
    /// build and machine to the next.
    /// </summary>
    static string Printed(CommandRun run, ChapterAssembly chapter, TempFolder temp) =>
        string.Concat(Scrub.All(run.StandardOutput + run.StandardError, (temp.Path, "{temp}"), (chapter.Chapter.Folder, "{chapter}"))
            .Split('\n')
            .Where(line => !line.TrimStart().StartsWith("at ", StringComparison.Ordinal) && !line.TrimStart().StartsWith("--- End of", StringComparison.Ordinal))
            .Select(line => line + "\n")).TrimEnd('\n');

    /// <summary>
    /// Runs <c>backup</c> on <paramref name="file"/>; the new files it made in <c>backups/</c> beside the database (those
    /// not in <paramref name="keep"/> and not there before), finished copies first by name, a journal of one left out.
    /// </summary>
    static async Task<(CommandRun Run, List<string> Copies)> BackUpAsync(CheckContext context, TempFolder temp, string file, IReadOnlyCollection<string>? keep = null)
    {
        var folder = Path.Combine(Path.GetDirectoryName(file)!, "backups");
        var earlier = Directory.Exists(folder) ? Directory.GetFiles(folder).ToHashSet() : [];
        earlier.UnionWith(keep ?? []);
        var home = Path.Combine(temp.Path, "home-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(home);
        var run = await context.Programs.RunAsync(context.Chapter, home, $"sqlite:///{file}", ["backup"]);
        var copies = Directory.Exists(folder)
            ? Directory.GetFiles(folder).Where(f => !earlier.Contains(f) && !f.EndsWith("-journal", StringComparison.Ordinal)
                && !f.EndsWith("-wal", StringComparison.Ordinal) && !f.EndsWith("-shm", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList()
            : [];
        return (run, copies);
    }

    /// <summary>Every row of every table of a SQLite file, by table, as lines; a file that is not a database has none.</summary>
    static SortedDictionary<string, List<string>> AllRows(string file)
    {
        var tables = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        try
        {
            foreach (var table in SqliteDatabase.Rows(file, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%';").Select(row => (string)row[0]!).ToList())
                tables[table] = SqliteDatabase.Rows(file, $"SELECT * FROM \"{table}\" ORDER BY 1;").Select(SqliteDatabase.Line).ToList();
        }
        catch (SqliteException)
        {
            // Not a database: no tables.
        }
        return tables;
    }

    /// <summary>
    /// <paramref name="same"/> (with the tables' row counts for <c>{0}</c>) when <paramref name="actual"/> holds exactly
    /// <paramref name="expected"/>'s rows; else <paramref name="differs"/> and a line per table that differs.
    /// </summary>
    static string Compare(SortedDictionary<string, List<string>> actual, SortedDictionary<string, List<string>> expected, string same, string differs)
    {
        var differences = expected.Keys.Union(actual.Keys).Order(StringComparer.Ordinal)
            .Select(table => (table, want: expected.GetValueOrDefault(table), got: actual.GetValueOrDefault(table)))
            .Where(t => t.want is null || t.got is null || !t.want.SequenceEqual(t.got))
            .Select(t => t.got is null ? $"  {t.table}: missing ({t.want!.Count} row(s) expected)"
                : t.want is null ? $"  {t.table}: a table the database did not have ({t.got.Count} row(s))"
                : $"  {t.table}: {t.got.Count} row(s), {t.got.Except(t.want).Count()} of them not as they were (expected {t.want.Count})")
            .ToList();
        return differences.Count == 0
            ? string.Format(CultureInfo.InvariantCulture, same, string.Join(", ", expected.Select(t => $"{t.Key} {t.Value.Count}"))) + "\n"
            : $"{differs}\n{string.Join("\n", differences)}\n";
    }

    /// <summary>A comment row (id, text, time, author) as one line; the time parsed, so that its formatting does not matter.</summary>
    static string CommentLine(object?[] row) =>
        $"{row[0]} | \"{row[1]}\" | {(row[2] is string t && TryParse(t, out var time) ? Show(time) : row[2])} | user {row[3]}";


    static DateTime Parse(string text) => DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    static bool TryParse(string text, out DateTime time) =>
        DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out time);

    static string Show(DateTime time) => time.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture).TrimEnd('.');

    /// <summary>One line per row, made by <paramref name="line"/> from the row's values (null for NULL); or the error, as one line.</summary>
    static string Read(string file, string sql, Func<object?[], string> line)
    {
        try
        {
            return string.Concat(SqliteDatabase.Rows(file, sql).Select(row => line(row) + "\n"));
        }
        catch (SqliteException error)
        {
            return $"Reading the rows fails: {error.Message}\n";
        }
    }
}
