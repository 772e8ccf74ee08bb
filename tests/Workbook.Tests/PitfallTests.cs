namespace Workbook.Tests;

/// <summary>
/// The commonest ways learners trip over EF Core migrations, each made on purpose with the real tools: the check names
/// the pitfall and its fix in one line before the diff (see <c>Pitfalls.cs</c> of the grading library).
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class PitfallTests
{
    /// <summary>
    /// The app opened another SQLite file than <c>dotnet ef</c>: the chapter's migrated <c>app.db</c> sits in the folder a
    /// program ran in (the workbook root) instead of the chapter folder.
    /// </summary>
    [Fact]
    public async Task Two_programs_that_opened_different_files()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration");
        await learner.BuildAndUpdateAsync();
        File.Move(learner["app.db"], Path.Combine(learner.Root, "app.db"));

        var check = await learner.CheckAsync();

        Assert.Equal(["app-db"], check.Failing);
        Assert.StartsWith("Pitfall: The app and dotnet ef opened different SQLite files", check.Message("app-db"));
    }

    /// <summary>Without its design-time factory, <c>dotnet ef</c> cannot make the DbContext, and neither can the check.</summary>
    [Fact]
    public async Task No_design_time_factory()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration");
        File.Delete(learner["BlogContextFactory.cs"]);
        await learner.DotnetAsync("build", "--nologo", "-v", "q");
        var ef = await learner.RunDotnetAsync("ef", "migrations", "list");
        Assert.Contains("Unable to create a 'DbContext' of type", ef.StandardOutput + ef.StandardError);

        var check = await learner.CheckAsync();

        Assert.Contains("migrations", check.Failing);
        Assert.StartsWith("Pitfall: dotnet ef cannot make the DbContext", check.Message("migrations"));
    }

    /// <summary>A property added without a migration: <c>Migrate()</c> at start refuses with <c>PendingModelChangesWarning</c>.</summary>
    [Fact]
    public async Task A_model_change_without_a_migration()
    {
        using var learner = new LearnerCopy("solutions", "05-shell-play");
        learner.Edit("Models/User.cs", "    public override string ToString()", "    public string? Nickname { get; set; }\n\n    public override string ToString()");

        var check = await learner.CheckAsync();

        Assert.Contains("play", check.Failing);
        Assert.StartsWith("Pitfall: Migrate() and `dotnet ef database update` refuse a model", check.Message("play"));
    }

    /// <summary>
    /// The app made <c>app.db</c> with <c>EnsureCreated()</c>: it has the tables but no migration history, and the next
    /// <c>dotnet ef database update</c> fails on a table that already exists.
    /// </summary>
    [Fact]
    public async Task A_database_made_by_EnsureCreated()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration");
        learner.Edit("Program.cs", "Console.WriteLine($\"Applied migrations:", "db.Database.EnsureCreated();\nConsole.WriteLine($\"Applied migrations:");
        await learner.DotnetAsync("run");
        var update = await learner.RunDotnetAsync("ef", "database", "update");
        Assert.Contains("table \"Users\" already exists", update.StandardOutput + update.StandardError);

        var check = await learner.CheckAsync();

        Assert.Contains("app-db", check.Failing);
        Assert.StartsWith("Pitfall: app.db was made by EnsureCreated()", check.Message("app-db"));
    }

    /// <summary>
    /// The learner applied <c>CommentsTable</c> without the <c>Timestamp</c> index, then edited the applied migration
    /// to add it: the migrations are right now, but the database that had the old one is not.
    /// </summary>
    [Fact]
    public async Task A_migration_edited_after_it_was_applied()
    {
        using var learner = new LearnerCopy("solutions", "04-comment-relationship");
        var migration = learner.Find("_CommentsTable.cs");
        var original = File.ReadAllText(migration);
        File.WriteAllText(migration, WithoutTimestampIndex(original));
        await learner.BuildAndUpdateAsync();
        File.WriteAllText(migration, original);

        var check = await learner.CheckAsync();

        Assert.Equal(["app-db"], check.Failing);
        Assert.StartsWith("Pitfall: A migration was edited after a database had applied it", check.Message("app-db"));
        Assert.Contains("- Comments index (Timestamp): not unique", check.Message("app-db"));
    }

    /// <summary>
    /// The other way round: the learner applied the right <c>CommentsTable</c>, then edited it (the <c>Timestamp</c> index
    /// taken out). The database holds what the chapter expects, but not what its migrations make now, so a database made
    /// from them would differ: <c>app-db</c> fails and names the pitfall, as <c>migrations</c> fails on the migration itself.
    /// </summary>
    [Fact]
    public async Task A_right_database_whose_migration_was_edited_afterwards_fails()
    {
        using var learner = new LearnerCopy("solutions", "04-comment-relationship");
        await learner.BuildAndUpdateAsync();
        var migration = learner.Find("_CommentsTable.cs");
        File.WriteAllText(migration, WithoutTimestampIndex(File.ReadAllText(migration)));

        var check = await learner.CheckAsync();

        Assert.Contains("app-db", check.Failing);
        Assert.Contains("migrations", check.Failing);
        Assert.StartsWith("Pitfall: A migration was edited after a database had applied it", check.Message("app-db"));
        Assert.Contains("+ Comments index (Timestamp): not unique", check.Message("app-db"));
    }

    /// <summary>
    /// A learner who redoes a migration as page 03 says (<c>database update 0</c>, <c>migrations remove</c>, a change to the
    /// model, <c>migrations add</c>, <c>database update</c>) has a database that holds exactly what the migrations make: no
    /// pitfall and no failure of <c>app-db</c>; what is wrong with the model is the model's and the migrations' to say.
    /// </summary>
    [Fact]
    public async Task A_migration_redone_as_the_page_says_is_no_pitfall()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration");
        await learner.BuildAndUpdateAsync();
        await learner.DotnetAsync("ef", "database", "update", "0", "--no-build");
        await learner.DotnetAsync("ef", "migrations", "remove", "--no-build");
        learner.Edit("Models/User.cs", "[Index(nameof(Email), IsUnique = true)]\n", "");
        await learner.DotnetAsync("build", "--nologo", "-v", "q");
        await learner.DotnetAsync("ef", "migrations", "add", "UsersTable", "--no-build");
        await learner.DotnetAsync("ef", "database", "update");

        var check = await learner.CheckAsync();

        Assert.DoesNotContain("app-db", check.Failing);
        Assert.Contains("model", check.Failing);
        Assert.Contains("migrations", check.Failing);
        Assert.DoesNotContain("Pitfall", check.ToString());
    }

    /// <summary>
    /// Chapter 07 with step 7.3 undone (the app registers <c>BlogContext</c> alone, so on PostgreSQL it applies the SQLite
    /// migrations' model): <c>Migrate()</c> refuses with <c>PendingModelChangesWarning</c>, and the check names this pitfall,
    /// not the generic one that says to add a migration.
    /// </summary>
    [SkippableFact]
    public async Task The_SQLite_DbContext_used_on_PostgreSQL()
    {
        Postgres.RequireFor("07-postgresql");
        using var learner = new LearnerCopy("solutions", "07-postgresql");
        await learner.ApplyAsync(Path.Combine(StepTests.Patches, "07-postgresql", "7.3.patch"));

        var check = await learner.CheckAsync();

        Assert.Contains("postgres", check.Failing);
        Assert.StartsWith("Pitfall: On PostgreSQL the app used BlogContext, whose migrations are SQLite's", check.Message("postgres"));
        Assert.DoesNotContain("add the migration with", check.Message("postgres"));
    }

    /// <summary>
    /// Chapter 06 with the <c>CommentText</c> migration as <c>dotnet ef</c> scaffolded it (drop <c>Body</c>, add an empty
    /// <c>Text</c>; the snapshot <c>06-schema-change.scaffolded.CommentText.cs</c>, which a test keeps equal to what the
    /// tool writes): the schema is right, but every comment's text is lost, and the check names the pitfall.
    /// </summary>
    [Fact]
    public async Task A_scaffolded_migration_that_loses_data()
    {
        using var learner = new LearnerCopy("solutions", "06-schema-change");
        var scaffolded = File.ReadAllText(Path.Combine(Expectations.Folder(Solutions.Root), "06-schema-change.scaffolded.CommentText.cs.snap"));
        File.WriteAllText(learner.Find("_CommentText.cs"), scaffolded);

        var check = await learner.CheckAsync();

        Assert.Contains("keeps-data", check.Failing);
        Assert.DoesNotContain("migrations", check.Failing);
        Assert.StartsWith("Pitfall: A scaffolded migration dropped a column and added an empty one", check.Message("keeps-data"));
        Assert.Contains("+ 1 | \"\" | 2026-11-20 09:00:00 | user 1", check.Message("keeps-data"));
        Assert.Equal("6.3", check.Hints("keeps-data")[0]);
    }

    /// <summary>Chapter 04's <c>CommentsTable</c> migration without the step that creates the <c>Timestamp</c> index.</summary>
    static string WithoutTimestampIndex(string migration)
    {
        var index = migration.IndexOf("            migrationBuilder.CreateIndex(\n                name: \"IX_Comments_Timestamp\"", StringComparison.Ordinal);
        Assert.True(index > 0, "the migration creates IX_Comments_Timestamp");
        var end = migration.IndexOf(");\n", index, StringComparison.Ordinal) + 3;
        return migration[..index] + migration[end..].TrimStart('\n');
    }
}
