namespace Workbook.Tests;

/// <summary>
/// The commonest ways learners trip over EF Core migrations, each made on purpose with the real tools: the check names
/// the pitfall and its fix in one line before the diff (see <c>Pitfalls.cs</c> of the grading library).
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class PitfallTests
{
    /// <summary>Chapter 04's <c>CommentsTable</c> migration without the step that creates the <c>Timestamp</c> index.</summary>
    static string WithoutTimestampIndex(string migration)
    {
        var index = migration.IndexOf("            migrationBuilder.CreateIndex(\n                name: \"IX_Comments_Timestamp\"", StringComparison.Ordinal);
        Assert.True(index > 0, "the migration creates IX_Comments_Timestamp");
        var end = migration.IndexOf(");\n", index, StringComparison.Ordinal) + 3;
        return migration[..index] + migration[end..].TrimStart('\n');
    }

    /// <summary>
    /// The pitfalls a mistake of one kind makes, each made on purpose with the real tools: by name, the chapter whose
    /// solution the mistake is made in, how it is made, the check that must name the pitfall, the start of the pitfall's
    /// line, and what else the check's result must show.
    /// </summary>
    static readonly Dictionary<string, (string Chapter, Func<LearnerCopy, Task> Make, string Check, string Pitfall, Action<CheckRun> Also)> Mistakes = new()
    {
        // The app opened another SQLite file than dotnet ef: the chapter's migrated app.db sits in the folder a program
        // ran in (the workbook root) instead of the chapter folder.
        ["two programs that opened different files"] = ("03-first-migration", async learner =>
            {
                await learner.BuildAndUpdateAsync();
                File.Move(learner["app.db"], Path.Combine(learner.Root, "app.db"));
            },
            "app-db", "The app and dotnet ef opened different SQLite files", check => Assert.Equal(["app-db"], check.Failing)),

        // Without its design-time factory, dotnet ef cannot make the DbContext, and neither can the check.
        ["no design-time factory"] = ("03-first-migration", async learner =>
            {
                File.Delete(learner["BlogContextFactory.cs"]);
                await learner.DotnetAsync("build", "--nologo", "-v", "q");
                var ef = await learner.RunDotnetAsync("ef", "migrations", "list");
                Assert.Contains("Unable to create a 'DbContext' of type", ef.StandardOutput + ef.StandardError);
            },
            "migrations", "dotnet ef cannot make the DbContext", _ => { }),

        // A property added without a migration: Migrate() at start refuses with PendingModelChangesWarning.
        ["a model change without a migration"] = ("05-shell-play", learner =>
            {
                learner.Edit("Models/User.cs", "    public override string ToString()", "    public string? Nickname { get; set; }\n\n    public override string ToString()");
                return Task.CompletedTask;
            },
            "play", "Migrate() and `dotnet ef database update` refuse a model", _ => { }),

        // The app made app.db with EnsureCreated(): it has the tables but no migration history, and the next
        // dotnet ef database update fails on a table that already exists.
        ["a database made by EnsureCreated"] = ("03-first-migration", async learner =>
            {
                learner.Edit("Program.cs", "Console.WriteLine($\"Applied migrations:", "db.Database.EnsureCreated();\nConsole.WriteLine($\"Applied migrations:");
                await learner.DotnetAsync("run");
                var update = await learner.RunDotnetAsync("ef", "database", "update");
                Assert.Contains("table \"Users\" already exists", update.StandardOutput + update.StandardError);
            },
            "app-db", "app.db was made by EnsureCreated()", _ => { }),

        // Chapter 07 with step 7.3 undone (the app registers BlogContext alone, so on PostgreSQL it applies the SQLite
        // migrations' model): Migrate() refuses with PendingModelChangesWarning, and the check names this pitfall, not the
        // generic one that says to add a migration.
        ["the SQLite DbContext used on PostgreSQL"] = ("07-postgresql",
            learner => learner.ApplyAsync(Path.Combine(StepTests.Patches, "07-postgresql", "7.3.patch")),
            "postgres", "On PostgreSQL the app used BlogContext, whose migrations are SQLite's",
            check => Assert.DoesNotContain("add the migration with", check.Message("postgres"))),

        // Chapter 06 with the CommentText migration as dotnet ef scaffolded it (drop Body, add an empty Text; the snapshot
        // 06-schema-change.scaffolded.CommentText.cs, which SchemaChangeTests keeps equal to what the tool writes): the
        // schema is right, but every comment's text is lost.
        ["a scaffolded migration that loses data"] = ("06-schema-change", learner =>
            {
                File.WriteAllText(learner.Find("_CommentText.cs"), File.ReadAllText(SchemaChangeTests.Scaffolded("CommentText")));
                return Task.CompletedTask;
            },
            "keeps-data", "A scaffolded migration dropped a column and added an empty one", check =>
            {
                Assert.DoesNotContain("migrations", check.Failing);
                Assert.Contains("+ 1 | \"\" | 2026-11-20 09:00:00 | user 1", check.Message("keeps-data"));
                Assert.Equal("6.3", check.Hints("keeps-data")[0]);
            }),
    };

    /// <summary>The names of <see cref="Mistakes"/>, as theory data.</summary>
    public static TheoryData<string> MistakeNames => new(Mistakes.Keys);

    /// <summary>A mistake made with the real tools in a solution fails the check that grades it, which names its pitfall first.</summary>
    /// <param name="mistake">A key of <see cref="Mistakes"/>.</param>
    [SkippableTheory]
    [MemberData(nameof(MistakeNames))]
    public async Task A_mistake_made_with_the_real_tools_is_named_as_its_pitfall(string mistake)
    {
        var (chapter, make, check, pitfall, also) = Mistakes[mistake];
        Postgres.RequireFor(chapter);
        using var learner = new LearnerCopy("solutions", chapter);
        await make(learner);

        var result = await learner.CheckAsync();

        result.AssertPitfall(check, pitfall);
        also(result);
    }

    /// <summary>
    /// A migration edited after a database had applied it, both ways round: the learner applied <c>CommentsTable</c>
    /// without the <c>Timestamp</c> index and then put it in (the migrations are right now, but the database that had the
    /// old one is not: only <c>app-db</c> fails); or applied the right one and then took the index out (the database holds
    /// what the chapter expects, but not what its migrations make now: <c>app-db</c> fails, as <c>migrations</c> does on the
    /// migration itself). Either way <c>app-db</c> names the pitfall and shows the index the database has or lacks.
    /// </summary>
    /// <param name="indexPutInAfterwards">True for the first way, false for the second.</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_migration_edited_after_a_database_applied_it(bool indexPutInAfterwards)
    {
        using var learner = new LearnerCopy("solutions", "04-comment-relationship");
        var migration = learner.Find("_CommentsTable.cs");
        var right = File.ReadAllText(migration);
        var (applied, edited) = indexPutInAfterwards ? (WithoutTimestampIndex(right), right) : (right, WithoutTimestampIndex(right));
        File.WriteAllText(migration, applied);
        await learner.BuildAndUpdateAsync();
        File.WriteAllText(migration, edited);

        var check = await learner.CheckAsync();

        if (indexPutInAfterwards)
            Assert.Equal(["app-db"], check.Failing);
        else
            Assert.Contains("migrations", check.Failing);
        check.AssertPitfall("app-db", "A migration was edited after a database had applied it");
        Assert.Contains((indexPutInAfterwards ? "- " : "+ ") + "Comments index (Timestamp): not unique", check.Message("app-db"));
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

}
