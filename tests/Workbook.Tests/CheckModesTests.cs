using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using CliWrap;

namespace Workbook.Tests;

/// <summary>
/// The check command's modes for fast feedback and for graders: results kept by the chapter's inputs, watch mode,
/// and Exercism's results.json.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class CheckModesTests
{
    /// <summary>
    /// The cache key of a chapter's result stays the same while nothing it depends on changes, and changes when a
    /// file's content changes (even with its old time written), when a file is added, when a snapshot the chapter is
    /// graded against changes, and when its <c>app.db</c> changes.
    /// </summary>
    [Fact]
    public void A_result_is_kept_until_an_input_changes()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration");
        var chapter = new Chapter(Solutions.Manifest["03-first-migration"], learner.Folder);
        using var root = new TempFolder(); // a workbook root of its own, whose snapshots the test may change
        foreach (var file in new[] { "workbook.json", "Directory.Build.props", "Directory.Packages.props" })
            File.Copy(Path.Combine(Solutions.Root, file), root[file]);
        var snapshots = Expectations.Folder(root.Path);
        Directory.CreateDirectory(snapshots);
        foreach (var file in Directory.GetFiles(Expectations.Folder(Solutions.Root), "03-first-migration.*.snap"))
            File.Copy(file, Path.Combine(snapshots, Path.GetFileName(file)));
        string Key() => ResultCache.Key(chapter, chapter.Info, root.Path, "Debug", skipChapterDatabase: false);

        var first = Key();
        Assert.Equal(first, Key());

        var program = learner["Program.cs"];
        var written = File.GetLastWriteTimeUtc(program);
        File.WriteAllText(program, File.ReadAllText(program).Replace("Console.WriteLine(susan);", "Console.WriteLine(susan); // the same length"));
        File.SetLastWriteTimeUtc(program, written);
        var edited = Key();
        Assert.NotEqual(first, edited);

        File.WriteAllText(learner["Notes.cs"], "// a new file\n");
        var added = Key();
        Assert.NotEqual(edited, added);

        File.AppendAllText(Path.Combine(snapshots, "03-first-migration.run.transcript.txt.snap"), "another line\n");
        var expectation = Key();
        Assert.NotEqual(added, expectation);

        File.WriteAllText(learner["app.db"], "");
        Assert.NotEqual(expectation, Key());
    }

    /// <summary>
    /// <c>--watch</c> checks the chapter, then checks it again when a file of it is saved, and prints the new result: a
    /// wrong length saved in <c>Models/User.cs</c> turns <c>PASS  model</c> into <c>FAIL  model</c>. What programs, builds and
    /// checks write in the chapter folder (<c>bin/</c>, <c>obj/</c>, <c>backups/</c>, a <c>.db</c> file) is not a save.
    /// </summary>
    [Fact]
    public async Task Watch_mode_checks_again_on_every_save()
    {
        using var learner = new LearnerCopy("solutions", "02-user-model");
        var output = new StringBuilder();
        var lines = System.Threading.Channels.Channel.CreateUnbounded<string>();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var run = Cli.Wrap("dotnet")
            .WithArguments([Solutions.CheckTool, "--path", learner.Folder, "--watch"])
            .WithWorkingDirectory(learner.Root)
            .WithEnvironmentVariables(new Dictionary<string, string?> { ["NUGET_PACKAGES"] = LearnerEnvironment.PackagesFolder })
            .WithStandardOutputPipe(PipeTarget.ToDelegate(line => { lock (output) output.AppendLine(line); lines.Writer.TryWrite(line); }))
            .WithValidation(CommandResultValidation.None)
            .ExecuteAsync(stop.Token);

        async Task WaitForAsync(string text)
        {
            while (!stop.IsCancellationRequested)
            {
                var line = await lines.Reader.ReadAsync(stop.Token);
                if (line.Contains(text, StringComparison.Ordinal))
                    return;
            }
        }

        try
        {
            await WaitForAsync("Watching 02-user-model");
            foreach (var written in new[] { "bin/written.txt", "obj/written.txt", "backups/app-20261125.db", "app.db" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(learner[written])!);
                File.WriteAllText(learner[written], "");
            }
            await Task.Delay(TimeSpan.FromSeconds(1)); // five times the quiet time that ends a save
            learner.Edit("Models/User.cs", "[MaxLength(120)]", "[MaxLength(121)]");
            await WaitForAsync("FAIL  model");
            lock (output)
                Assert.Single(Regex.Matches(output.ToString(), "a file changed: checking again."));
        }
        finally
        {
            stop.Cancel();
            try { await run; } catch (OperationCanceledException) { }
        }
    }

    /// <summary>
    /// In Exercism's results, a check that could not run here is a test with status <c>error</c> and why in its
    /// <c>message</c>, and makes the whole status <c>error</c> with the chapter's message, never <c>pass</c> or <c>fail</c>.
    /// </summary>
    [Fact]
    public void A_check_that_could_not_run_is_an_error_in_Exercism_results()
    {
        var result = new ChapterResult("07-postgresql", "PostgreSQL", Status.Error, false, "Not graded here: postgres could not run.",
            [new CheckResult("model", Status.Pass, "", []), new CheckResult("postgres", Status.Error, "Not run: this check needs a PostgreSQL server, and none was found.", [])], []);

        using var json = JsonDocument.Parse(ExercismReport.Write([result], Solutions.Manifest));

        Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
        Assert.Equal("07-postgresql: Not graded here: postgres could not run.", json.RootElement.GetProperty("message").GetString());
        var tests = json.RootElement.GetProperty("tests").EnumerateArray().ToList();
        Assert.Equal(["pass", "error"], tests.Select(t => t.GetProperty("status").GetString()));
        Assert.StartsWith("Not run: this check needs a PostgreSQL server", tests[1].GetProperty("message").GetString());
    }

    /// <summary>
    /// <c>--format exercism</c> writes Exercism's results.json (version 3): a passing chapter has status <c>pass</c>
    /// and one test per check with its name, status and task id; a failing check carries its diff in
    /// <c>message</c>; a chapter that does not compile makes the status <c>error</c>, with the compiler's message.
    /// </summary>
    [Fact]
    public async Task Exercism_results_have_the_fields_of_version_3()
    {
        using var learner = new LearnerCopy("solutions", "02-user-model");
        var passing = await ExercismAsync(learner);
        Assert.Equal(3, passing.GetProperty("version").GetInt32());
        Assert.Equal("pass", passing.GetProperty("status").GetString());
        Assert.False(passing.TryGetProperty("message", out _));
        var tests = passing.GetProperty("tests").EnumerateArray().ToList();
        Assert.Equal(["02-user-model: model", "02-user-model: user-behaviour", "02-user-model: run"], tests.Select(t => t.GetProperty("name").GetString()));
        Assert.All(tests, t => Assert.Equal("pass", t.GetProperty("status").GetString()));
        Assert.Equal([1, 2, 3], tests.Select(t => t.GetProperty("task_id").GetInt32()));

        learner.Edit("Models/User.cs", "[MaxLength(120)]", "[MaxLength(121)]");
        var failing = await ExercismAsync(learner);
        Assert.Equal("fail", failing.GetProperty("status").GetString());
        var model = failing.GetProperty("tests")[0];
        Assert.Equal("fail", model.GetProperty("status").GetString());
        Assert.Contains("+ User.Email: TEXT NOT NULL, max length 121", model.GetProperty("message").GetString());
        Assert.Equal(1, model.GetProperty("task_id").GetInt32());

        File.AppendAllText(learner["Models/User.cs"], "\npublic class Broken { int }\n");
        var broken = await ExercismAsync(learner);
        Assert.Equal("error", broken.GetProperty("status").GetString());
        Assert.Contains("error CS1519", broken.GetProperty("message").GetString());
    }

    static async Task<JsonElement> ExercismAsync(LearnerCopy learner)
    {
        var run = await DotnetCommand.RunAsync(learner.Root, [Solutions.CheckTool, "--path", learner.Folder, "--format", "exercism"]);
        using var json = JsonDocument.Parse(run.StandardOutput);
        return json.RootElement.Clone();
    }

    /// <summary>
    /// <c>--class</c> grades every learner's folder of a class: a solved chapter 02 passes, one that does not compile is
    /// that learner's error, and a folder that is no clone at all is that learner's error too, never the run's; the
    /// summary comes as a table and as CSV, with each learner's JSON beside it.
    /// </summary>
    [Fact]
    public async Task A_class_is_graded_learner_by_learner_and_one_broken_clone_is_that_learners_error()
    {
        using var classroom = new TempFolder();
        void Learner(string name, Action<string>? spoil = null)
        {
            var folder = Path.Combine(classroom.Path, name, "chapters", "02-user-model");
            var solution = Path.Combine(Solutions.Root, "solutions", "02-user-model");
            foreach (var file in global::Workbook.Grading.Record.Chapter.In(Solutions.Root, "solutions", Solutions.Manifest["02-user-model"]).Files())
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, file))!);
                File.Copy(Path.Combine(solution, file), Path.Combine(folder, file));
            }
            spoil?.Invoke(folder);
        }
        Learner("ann");
        Learner("bob", folder => File.AppendAllText(Path.Combine(folder, "Models", "User.cs"), "\npublic class Broken { int }\n"));
        Directory.CreateDirectory(Path.Combine(classroom.Path, "cleo", "notes"));

        var run = await DotnetCommand.RunAsync(classroom.Path, [Solutions.CheckTool, "02", "--class", classroom.Path]);

        Assert.Equal(1, run.ExitCode);
        var results = Path.Combine(classroom.Path, "check-results");
        Assert.Equal("learner,02-user-model\nann,pass\nbob,error\ncleo,error\n", File.ReadAllText(Path.Combine(results, "summary.csv")));
        Assert.Contains("ann      pass", run.StandardOutput);
        foreach (var learner in new[] { "ann", "bob", "cleo" })
            Assert.True(File.Exists(Path.Combine(results, learner + ".json")), learner);
        Assert.Contains("error CS1519", File.ReadAllText(Path.Combine(results, "bob.json")));
    }

    /// <summary>
    /// One grader in one process grades a chapter, the learner saves a mistake, and the same grader grades the chapter
    /// again: the second verdict comes from the new build (the runtime must not hand back the assembly it loaded first
    /// from the same path).
    /// </summary>
    [Fact]
    public async Task The_same_process_grades_a_chapter_rebuilt_in_place_from_its_new_build()
    {
        using var learner = new LearnerCopy("solutions", "02-user-model");
        var chapter = new Chapter(Solutions.Manifest["02-user-model"], learner.Folder);
        var grader = TestGrading.Grader;

        var before = await grader.GradeAsync(chapter);
        learner.Edit("Models/User.cs", "[MaxLength(120)]", "[MaxLength(121)]");
        var after = await grader.GradeAsync(chapter);

        Assert.True(before.Status == Status.Pass, Report.Details(before));
        Assert.Equal(Status.Fail, after.Status);
        Assert.Contains("max length 121", after.Checks.Single(c => c.Name == "model").Message);
    }

    /// <summary>
    /// The grader skips NuGet's restore while what it reads is unchanged, so a project file edit must bring it back: a
    /// chapter graded, then its project file made to lose the SQLite provider's package, does not compile (a build on the
    /// old restore would still find the package and pass), and passes again once the package is back. Both ways a chapter
    /// is built: one build per grading, and watch mode's runner that builds one save after another.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_project_file_edit_is_restored_before_the_next_build(bool keepRunners)
    {
        using var learner = new LearnerCopy("solutions", "02-user-model");
        var chapter = new Chapter(Solutions.Manifest["02-user-model"], learner.Folder);
        using var grader = new Grader(Solutions.Root, Solutions.Manifest, TestGrading.Options with { KeepRunners = keepRunners });
        const string Package = "<PackageReference Include=\"Microsoft.EntityFrameworkCore.Sqlite\" />";

        var before = await grader.GradeAsync(chapter);
        learner.Edit("Blog.csproj", Package, "");
        var without = await grader.GradeAsync(chapter);
        learner.Edit("Blog.csproj", "<PackageReference Include=\"Microsoft.Extensions.Configuration.EnvironmentVariables\" />",
            Package + "<PackageReference Include=\"Microsoft.Extensions.Configuration.EnvironmentVariables\" />");
        var back = await grader.GradeAsync(chapter);

        Assert.True(before.Status == Status.Pass, Report.Details(before));
        Assert.True(without.Status == Status.Error && Report.Details(without).Contains("'EntityFrameworkCore' does not exist"), Report.Details(without));
        Assert.True(back.Status == Status.Pass, Report.Details(back));
    }

    /// <summary>
    /// Two checks of one chapter started together, round after round, each give the verdict a check gives alone: the second
    /// waits for the first (one grading at a time holds a chapter's workbench), never misgrades for it. The same for two
    /// class runs over the same learners.
    /// </summary>
    [Fact]
    public async Task Two_checks_of_one_chapter_at_once_give_the_verdict_each_gives_alone()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration");
        await learner.BuildAndUpdateAsync();
        using var cache = new TempFolder();
        var environment = TestGrading.CacheIn(cache);
        var alone = await learner.CheckAsync(environment);
        Assert.True(alone.Status == "pass", alone.ToString());

        for (var round = 0; round < 3; round++)
        {
            // A save between rounds, so that each round builds again, two at once.
            File.AppendAllText(learner["Program.cs"], $"\n// round {round}\n");
            var both = await Task.WhenAll(learner.CheckAsync(environment), learner.CheckAsync(environment));
            Assert.All(both, check => Assert.True(check.Status == "pass", $"round {round}:\n{check}"));
        }

        using var classroom = new TempFolder();
        foreach (var name in new[] { "ann", "bob" })
        {
            CopyChapter(learner.Folder, Path.Combine(classroom.Path, name, "chapters", "03-first-migration"));
            File.Copy(learner["app.db"], Path.Combine(classroom.Path, name, "chapters", "03-first-migration", "app.db"));
        }
        File.AppendAllText(Path.Combine(classroom.Path, "bob", "chapters", "03-first-migration", "Models", "User.cs"), "\npublic class Broken { int }\n");
        for (var round = 0; round < 2; round++)
        {
            var runs = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ =>
                DotnetCommand.RunAsync(classroom.Path, [Solutions.CheckTool, "03", "--class", classroom.Path, "--no-cache"], environment)));
            Assert.All(runs, run => Assert.Contains("ann      pass", run.StandardOutput));
            Assert.All(runs, run => Assert.Contains("bob      error", run.StandardOutput));
        }
    }

    /// <summary>
    /// The learner's own program holds <c>app.db</c> locked (a write transaction left open): the check reads a copy of the
    /// database, so it neither waits for the lock nor fails for it, and gives the verdict it gives without the lock; nothing
    /// is left beside <c>app.db</c>.
    /// </summary>
    [Fact]
    public async Task A_database_the_learners_program_holds_locked_is_graded_all_the_same()
    {
        using var learner = new LearnerCopy("solutions", "04-comment-relationship");
        await learner.BuildAndUpdateAsync();
        var beside = Directory.GetFiles(learner.Folder, "app.db*").Order().ToList();
        using var cache = new TempFolder();
        var environment = TestGrading.CacheIn(cache);

        using (var program = new Microsoft.Data.Sqlite.SqliteConnection(SqliteDatabase.ConnectionString(learner["app.db"])))
        {
            program.Open();
            using var transaction = program.BeginTransaction();
            using var insert = program.CreateCommand();
            insert.CommandText = """INSERT INTO "Users" ("Username", "Email") VALUES ('held', 'held@example.com');""";
            insert.ExecuteNonQuery();
            var locked = await learner.CheckAsync(environment);
            Assert.True(locked.Status == "pass", locked.ToString());
        }
        Assert.Equal(beside, Directory.GetFiles(learner.Folder, "app.db*").Order().ToList());
    }

    /// <summary>
    /// <c>--no-cache</c> grades afresh, in a class too: a result kept in the grader's cache under the key of the chapter's
    /// inputs (forged here to say <c>pass</c> for a chapter that does not compile) is served to a check without it and never
    /// to one with it.
    /// </summary>
    [Fact]
    public async Task No_cache_grades_afresh_in_a_class_too()
    {
        using var classroom = new TempFolder();
        using var cache = new TempFolder();
        var folder = Path.Combine(classroom.Path, "bob", "chapters", "02-user-model");
        CopyChapter(Path.Combine(Solutions.Root, "solutions", "02-user-model"), folder);
        File.AppendAllText(Path.Combine(folder, "Models", "User.cs"), "\npublic class Broken { int }\n");
        var environment = TestGrading.CacheIn(cache);
        var first = await DotnetCommand.RunAsync(classroom.Path, [Solutions.CheckTool, "02", "--class", classroom.Path], environment);
        Assert.Contains("bob      error", first.StandardOutput);

        var chapter = new Chapter(Solutions.Manifest["02-user-model"], folder);
        var result = Directory.GetFiles(cache.Path, "result.json", SearchOption.AllDirectories).SingleOrDefault()
            ?? Path.Combine(Directory.GetDirectories(cache.Path).Single(), "result.json");
        var key = ResultCache.Key(chapter, chapter.Info, Solutions.Root, Grader.DefaultConfiguration, skipChapterDatabase: false);
        var forged = new ChapterResult("02-user-model", chapter.Info.Title, Status.Pass, false, "", [new CheckResult("model", Status.Pass, "", [])], []);
        File.WriteAllText(result, JsonSerializer.Serialize(new { Key = key, Result = forged },
            new JsonSerializerOptions { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } }));

        var cached = await DotnetCommand.RunAsync(classroom.Path, [Solutions.CheckTool, "02", "--class", classroom.Path], environment);
        Assert.Contains("bob      pass", cached.StandardOutput); // the cache is read without --no-cache...
        var fresh = await DotnetCommand.RunAsync(classroom.Path, [Solutions.CheckTool, "02", "--class", classroom.Path, "--no-cache"], environment);
        Assert.Contains("bob      error", fresh.StandardOutput); // ...and never with it
    }

    /// <summary>Copies a chapter's files (no build outputs, no databases) to <paramref name="to"/>.</summary>
    static void CopyChapter(string from, string to)
    {
        var chapter = new Chapter(Solutions.Manifest[Path.GetFileName(from)], from);
        foreach (var file in chapter.Files())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, file))!);
            File.Copy(Path.Combine(from, file), Path.Combine(to, file));
        }
    }
}
