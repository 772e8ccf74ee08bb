namespace Workbook.Tests;

/// <summary>
/// The check grades what a learner's chapter does, not its text: correct work written differently passes, and each
/// mistake fails with the hint of the step where it was made first. Each test makes a learner's chapter with the real
/// <c>dotnet ef</c> and runs the check command on it as a learner does.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class GradingTests
{
    /// <summary>
    /// A solution with one mistake typed in: only the check that grades it fails, with the hint of the step where it is
    /// made and nothing else. Chapter 02 with <c>Email</c>'s maximum length typed wrong (step 2.1); chapter 05 counting
    /// susan's comments in memory instead of with <c>Count()</c> (step 5.3, the SQL of Play Time shown).
    /// </summary>
    /// <param name="chapter">The solution's folder name.</param>
    /// <param name="file">The file the mistake is typed in.</param>
    /// <param name="from">The solution's text.</param>
    /// <param name="to">The mistake.</param>
    /// <param name="check">The check that must fail, alone.</param>
    /// <param name="step">The step whose hint it must have, alone.</param>
    /// <param name="says">Text its message must hold, or empty.</param>
    [Theory]
    [InlineData("02-user-model", "Models/User.cs", "[MaxLength(120)]", "[MaxLength(121)]", "model", "2.1", "")]
    [InlineData("05-shell-play", "Play.cs", "db.CommentsOf(susan).Count()", "db.CommentsOf(susan).ToList().Count", "play", "5.3", "SELECT COUNT(*)")]
    public async Task A_mistake_fails_only_its_check_with_only_its_steps_hint(string chapter, string file, string from, string to, string check, string step, string says)
    {
        using var learner = new LearnerCopy("solutions", chapter);
        learner.Edit(file, from, to);

        var result = await learner.CheckAsync();

        Assert.Equal([check], result.Failing);
        Assert.Equal([step], result.Hints(check));
        Assert.Contains(says, result.Message(check));
    }

    /// <summary>
    /// The starter of chapter 03 with step 3.3 written, its first migration named <c>InitialCreate</c> by the real
    /// <c>dotnet ef migrations add</c>, and a comment added to it: the same schema, so every check passes.
    /// </summary>
    [Fact]
    public async Task A_migration_with_another_name_and_a_comment_passes()
    {
        using var learner = new LearnerCopy("chapters", "03-first-migration");
        learner.Solve("Program.cs");
        await learner.DotnetAsync("build", "--nologo", "-v", "q");
        await learner.DotnetAsync("ef", "migrations", "add", "InitialCreate", "--no-build");
        await learner.DotnetAsync("ef", "database", "update");
        var migration = learner.Find("_InitialCreate.cs");
        File.WriteAllText(migration, "// The users table, as chapter 02's model describes it.\n" + File.ReadAllText(migration));

        var check = await learner.CheckAsync();

        Assert.True(check.Status == "pass", check.ToString());
    }

    /// <summary>
    /// Chapter 04: the learner forgot the <c>Timestamp</c> index, generated and applied <c>CommentsTable</c> without it,
    /// and the check says so with step 4.1's hint first; then the learner adds the index in a second migration (the
    /// right fix once a database has had the first), and the chapter passes.
    /// </summary>
    [Fact]
    public async Task A_forgotten_index_points_to_its_step_and_a_second_migration_that_adds_it_passes()
    {
        using var learner = new LearnerCopy("chapters", "04-comment-relationship");
        foreach (var file in new[] { "BlogContext.cs", "Models/Comment.cs", "Models/User.cs", "Program.cs" })
            learner.Solve(file);
        learner.Edit("Models/Comment.cs", "[Index(nameof(Timestamp))]\n", "");
        await learner.DotnetAsync("build", "--nologo", "-v", "q");
        await learner.DotnetAsync("ef", "migrations", "add", "CommentsTable", "--no-build");
        await learner.DotnetAsync("ef", "database", "update");

        var forgotten = await learner.CheckAsync();
        // app.db holds what its migration makes: the missing index is the migration's to fix, graded by migrations.
        Assert.Equal(["model", "migrations"], forgotten.Failing);
        Assert.Equal("4.1", forgotten.Hints("model")[0]);
        Assert.Contains("- Comment index (Timestamp): not unique", forgotten.Message("model"));

        learner.Solve("Models/Comment.cs");
        await learner.DotnetAsync("build", "--nologo", "-v", "q");
        await learner.DotnetAsync("ef", "migrations", "add", "TimestampIndex", "--no-build");
        await learner.DotnetAsync("ef", "database", "update");
        var fixedLater = await learner.CheckAsync();
        Assert.True(fixedLater.Status == "pass", fixedLater.ToString());
    }

    /// <summary>
    /// Chapter 04's solution with <c>Comment.Timestamp</c>'s initializer removed, then with a time read once for all
    /// comments: the schema is the same, so only the behaviour probe fails, with step 4.1's hint.
    /// </summary>
    [Fact]
    public async Task A_missing_or_fixed_timestamp_default_fails_with_the_hint_of_step_4_1()
    {
        using var learner = new LearnerCopy("solutions", "04-comment-relationship");
        learner.Edit("Models/Comment.cs", "public DateTime Timestamp { get; set; } = DateTime.UtcNow;", "public DateTime Timestamp { get; set; }");
        var missing = await learner.CheckAsync();

        learner.Edit("Models/Comment.cs", "public DateTime Timestamp { get; set; }",
            "public DateTime Timestamp { get; set; } = StartedAt;\n\n    static readonly DateTime StartedAt = DateTime.UtcNow;");
        var fixedOnce = await learner.CheckAsync();

        foreach (var check in new[] { missing, fixedOnce })
        {
            Assert.Equal(["comment-behaviour", "app-db"], check.Failing); // app-db: the copy has no app.db
            Assert.Equal(["4.1"], check.Hints("comment-behaviour"));
        }
        Assert.Contains("the default of DateTime", missing.Message("comment-behaviour"));
        Assert.Contains("not a later time", fixedOnce.Message("comment-behaviour"));
    }

    /// <summary>
    /// Chapter 06's solution with the backup taken after <c>Migrate()</c> (the copy holds this chapter's migrations, the
    /// database has changed, and a missing database is created), then with a backup that copies nothing: each fails the
    /// backup check only, with step 6.1's hint only.
    /// </summary>
    [Fact]
    public async Task A_backup_after_Migrate_or_one_that_copies_nothing_points_to_step_6_1_only()
    {
        using var learner = new LearnerCopy("solutions", "06-schema-change");
        const string BackUp = "if (args is [\"backup\"])\n    return Backup.Run(config.ConnectionString);\n";
        learner.Edit("Program.cs", BackUp, "");
        learner.Edit("Program.cs", "db.Database.Migrate();\n", "db.Database.Migrate();\n" + BackUp);
        var late = await learner.CheckAsync();

        Assert.Equal(["backup"], late.Failing);
        Assert.Equal(["6.1"], late.Hints("backup"));
        Assert.Contains("The copy does not hold what the database held before the backup", late.Message("backup"));
        Assert.Contains("Backing up changed the database", late.Message("backup"));
        Assert.Contains("creates the database file it was asked to back up", late.Message("backup"));

        learner.Solve("Program.cs");
        learner.Edit("Backup.cs", "from.BackupDatabase(to);", "");
        var empty = await learner.CheckAsync();

        Assert.Equal(["backup"], empty.Failing);
        Assert.Equal(["6.1"], empty.Hints("backup"));
        Assert.Contains("Users: missing (4 row(s) expected)", empty.Message("backup"));
        Assert.False(Directory.Exists(learner["backups"]) && Directory.EnumerateFileSystemEntries(learner["backups"]).Any(),
            "the check leaves no copy of its own in backups/");
    }

    /// <summary>
    /// Chapter 06's solution with the <c>LastSeen</c> backfill written in local time (<c>strftime(..., 'now', 'localtime')</c>):
    /// the learner's code runs in a zone far from UTC whatever the machine's, so the mistake fails on a machine set to UTC
    /// too (here the check itself runs with <c>TZ=UTC</c>), with step 6.2's hint.
    /// </summary>
    [Fact]
    public async Task A_LastSeen_backfill_in_local_time_fails_on_a_machine_set_to_UTC_too()
    {
        using var learner = new LearnerCopy("solutions", "06-schema-change");
        learner.Edit(Path.GetRelativePath(learner.Folder, learner.Find("_UserProfile.cs")), "strftime('%Y-%m-%d %H:%M:%f', 'now')",
            "strftime('%Y-%m-%d %H:%M:%f', 'now', 'localtime')");

        var check = await learner.CheckAsync(new Dictionary<string, string?> { ["TZ"] = "UTC" });

        Assert.Contains("keeps-data", check.Failing);
        Assert.Contains("not the time of the upgrade", check.Message("keeps-data"));
        Assert.Equal("6.2", check.Hints("keeps-data")[0]);
    }
}
