namespace Workbook.Tests;

/// <summary>
/// The check's verdict depends on the chapter alone: not on the learner's <c>DATABASE_URL</c> or user secrets (which it
/// ignores, and says so), not on where the chapter folder lies, not on a build older than the files, and not on the UI
/// language (whose compiler messages the learner does get).
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class CheckEnvironmentTests
{
    /// <summary>
    /// Chapter 03 solved and migrated: with <c>DATABASE_URL</c> set to a PostgreSQL URL in the environment, then with a
    /// SQLite URL in the user secrets of a home of its own, the chapter passes and the report says the setting was
    /// ignored (never repeating the password); without <c>app.db</c>, the <c>app-db</c> check says where the secret points.
    /// </summary>
    [Fact]
    public async Task The_learners_DATABASE_URL_and_user_secrets_are_ignored_and_reported()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration");
        await learner.BuildAndUpdateAsync();

        var withUrl = await learner.CheckAsync(new Dictionary<string, string?> { ["DATABASE_URL"] = "postgresql://blog:s3cret@localhost/blog" });
        Assert.True(withUrl.Status == "pass", withUrl.ToString());
        Assert.Equal(["DATABASE_URL is set in your environment: ignored while checking (every check uses a database of its own)."], withUrl.Notes);
        Assert.DoesNotContain("s3cret", withUrl.ToString());

        var home = Path.Combine(learner.Root, "home");
        var secrets = Path.Combine(home, ".microsoft", "usersecrets", "efcore-workbook-blog");
        Directory.CreateDirectory(secrets);
        File.WriteAllText(Path.Combine(secrets, "secrets.json"), """{ "DATABASE_URL": "sqlite:///data/from-secrets.db" }""");
        var withSecret = await learner.CheckAsync(new Dictionary<string, string?> { ["HOME"] = home });
        Assert.True(withSecret.Status == "pass", withSecret.ToString());
        Assert.Equal(["DATABASE_URL is set in your user secrets: ignored while checking (every check uses a database of its own)."], withSecret.Notes);

        File.Delete(learner["app.db"]);
        var noDatabase = await learner.CheckAsync(new Dictionary<string, string?> { ["HOME"] = home });
        Assert.Equal(["app-db"], noDatabase.Failing);
        Assert.Contains($"Your DATABASE_URL in your user secrets points to the SQLite file {Path.Combine(learner.Folder, "data", "from-secrets.db")}",
            noDatabase.Message("app-db"));
    }

    /// <summary>
    /// A PostgreSQL password in the learner's <c>DATABASE_URL</c>, in the environment or in the user secrets, whatever
    /// characters it holds (a '/', an '@', a ':', percent-encoded or not), shows nowhere: not in the report, the JSON, the
    /// Exercism results, or the grader's cache; what the report says of the setting names the server alone.
    /// </summary>
    [Fact]
    public async Task A_password_in_the_learners_DATABASE_URL_shows_nowhere_whatever_it_holds()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration"); // no app.db: the report says where the URL points
        using var cache = new TempFolder();
        var home = Path.Combine(learner.Root, "home");
        var secrets = Path.Combine(home, ".microsoft", "usersecrets", "efcore-workbook-blog");
        Directory.CreateDirectory(secrets);
        string[] urls =
        [
            "postgresql://blog:123/S3cretA@db.example.com/blog",
            "postgresql://blog:123%2FS3cretA@db.example.com:6543/blog?sslmode=require",
            "postgresql://blog:p@ss:S3cretA/x@db.example.com/blog",
        ];
        foreach (var url in urls)
        {
            File.WriteAllText(Path.Combine(secrets, "secrets.json"), $$"""{ "DATABASE_URL": "{{url}}" }""");
            var environment = new Dictionary<string, string?>
            {
                ["DATABASE_URL"] = url, ["HOME"] = home, [Workbench.CacheVariable] = cache.Path,
            };
            var text = await learner.CheckAsync(environment);
            var exercism = await DotnetCommand.RunAsync(learner.Root,
                [Solutions.CheckTool, "--path", learner.Folder, "--format", "exercism"], environment);
            Assert.Contains("a postgresql database on db.example.com", text.Message("app-db"));
            var everything = text.ToString() + text.Chapters + exercism.StandardOutput + exercism.StandardError
                + string.Concat(Directory.EnumerateFiles(cache.Path, "*.json", SearchOption.AllDirectories).Select(File.ReadAllText));
            foreach (var piece in new[] { "S3cretA", "123/S", "123%2F", "p@ss" })
                Assert.DoesNotContain(piece, everything);
        }
    }

    /// <summary>
    /// A chapter folder copied on its own to a folder with no workbook above it, and a bare <c>chapters/</c> folder, are
    /// checked with the workbook's build settings and pass.
    /// </summary>
    [Fact]
    public async Task A_chapter_folder_outside_a_clone_is_checked_with_the_workbooks_build_settings()
    {
        using var learner = new LearnerCopy("solutions", "02-user-model");
        using var elsewhere = new TempFolder();
        var lone = Path.Combine(elsewhere.Path, "chapters", "02-user-model");
        Directory.CreateDirectory(Path.GetDirectoryName(lone)!);
        Directory.Move(learner.Folder, lone);

        var single = await learner.CheckAsync(path: lone);
        Assert.True(single.Status == "pass", single.ToString());
        var bare = await learner.CheckAsync(path: Path.Combine(elsewhere.Path, "chapters"), chapter: "02");
        Assert.True(bare.Status == "pass", bare.ToString());
    }

    /// <summary>
    /// After a check has built chapter 03, the learner deletes the first migration's <c>.Designer.cs</c> (its
    /// <c>[Migration]</c> attribute): the next check rebuilds and fails, instead of grading the old build.
    /// </summary>
    [Fact]
    public async Task A_file_deleted_after_a_build_is_never_graded_from_the_old_build()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration");
        var before = await learner.CheckAsync();
        Assert.Equal(["app-db"], before.Failing); // no app.db in a fresh copy

        File.Delete(learner.Find("_UsersTable.Designer.cs"));
        var after = await learner.CheckAsync();

        Assert.Contains("migrations", after.Failing);
        Assert.Contains("No migrations yet", after.Message("migrations"));
    }

    /// <summary>
    /// Chapter 03 with its model snapshot deleted: <c>pending-model-changes</c> says the snapshot is missing, rather
    /// than telling the learner to add a migration.
    /// </summary>
    [Fact]
    public async Task A_deleted_model_snapshot_is_named_as_missing()
    {
        using var learner = new LearnerCopy("solutions", "03-first-migration");
        File.Delete(learner["Migrations/BlogContextModelSnapshot.cs"]);

        var check = await learner.CheckAsync();

        Assert.Equal(["pending-model-changes", "app-db"], check.Failing);
        Assert.Contains("+ The model snapshot is missing", check.Message("pending-model-changes"));
        Assert.Equal(["3.1"], check.Hints("pending-model-changes"));
    }

    /// <summary>
    /// Learner code gets an environment made from an allow-list, never the grader's own: a <c>DATABASE_URL</c>, a token or
    /// any other variable of the machine's does not reach it, whatever its name; it runs in a far time zone and the C
    /// locale. A process that builds keeps globalization on (a build server started without it refuses every later build's
    /// language); a chapter's built program, which starts no server, runs with globalization off, so that its culture is the
    /// invariant one on every system.
    /// </summary>
    [Fact]
    public void Learner_code_gets_an_allow_listed_environment()
    {
        Environment.SetEnvironmentVariable("WORKBOOK_TEST_TOKEN", "ghp_not-a-real-token");
        Environment.SetEnvironmentVariable("DATABASE_URL", "postgresql://blog:s3cret@localhost/blog");
        try
        {
            var build = Workbook.Grading.Running.ChildEnvironment.For("/tmp/home", "/tmp/tmp");
            var program = Workbook.Grading.Running.ChildEnvironment.ForProgram("/tmp/home", "/tmp/tmp");
            foreach (var environment in new[] { build, program })
            {
                Assert.DoesNotContain("WORKBOOK_TEST_TOKEN", environment.Keys);
                Assert.DoesNotContain("DATABASE_URL", environment.Keys);
                Assert.DoesNotContain(environment.Values, value => value.Contains("s3cret") || value.Contains("ghp_"));
                Assert.Equal("Pacific/Chatham", environment["TZ"]);
                Assert.Equal("/tmp/home", environment["HOME"]);
            }
            Assert.False(build.ContainsKey("DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"));
            Assert.Equal("1", program["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable("WORKBOOK_TEST_TOKEN", null);
            Environment.SetEnvironmentVariable("DATABASE_URL", null);
        }
    }

    /// <summary>
    /// The commands the tests start inherit none of the MSBuild variables <c>dotnet test</c> gives its test host (one of
    /// them, <c>MSBUILDENSURESTDOUTFORTASKPROCESSES</c>, keeps <c>dotnet build</c> from using the MSBuild server, also in
    /// the check command's watch mode), and get the compiler server but not the MSBuild server (see <see cref="TestEnvironment"/>).
    /// </summary>
    [Fact]
    public void Commands_the_tests_start_get_the_compiler_server_and_none_of_the_test_hosts_MSBuild_variables()
    {
        Assert.All(TestEnvironment.FromDotnetTest, name => Assert.Null(Environment.GetEnvironmentVariable(name)));
        Assert.Equal("true", Environment.GetEnvironmentVariable("UseSharedCompilation"));
        Assert.Equal("0", Environment.GetEnvironmentVariable("DOTNET_CLI_USE_MSBUILD_SERVER"));
        Assert.Null(Environment.GetEnvironmentVariable("MSBUILDDISABLENODEREUSE"));
    }

    /// <summary>
    /// Under a Turkish UI language and culture and a far time zone, a learner's compile error comes in Turkish, as their
    /// SDK prints it, and a solved chapter still passes.
    /// </summary>
    [Fact]
    public async Task A_learner_on_a_Turkish_machine_gets_Turkish_compiler_messages_and_the_same_verdicts()
    {
        var turkish = new Dictionary<string, string?>
        {
            ["LANG"] = "tr_TR.UTF-8", ["LC_ALL"] = "tr_TR.UTF-8", ["TZ"] = "Pacific/Chatham",
            ["DOTNET_CLI_UI_LANGUAGE"] = null, ["WORKBOOK_UI_LANGUAGE"] = null,
        };
        using var learner = new LearnerCopy("solutions", "02-user-model");
        // A build in the environment of a command that runs chapter code (the C locale) first: it may start the SDK's
        // build servers, which keep the environment they started in for every later build, the check's included.
        await learner.DotnetAsync("build", "--nologo", "-v", "q");
        var solved = await learner.CheckAsync(turkish);
        Assert.True(solved.Status == "pass", solved.ToString());

        File.AppendAllText(learner["Models/User.cs"], "\npublic class Broken { int }\n");
        var broken = await learner.CheckAsync(turkish);
        Assert.Equal("error", broken.Status);
        Assert.Contains("error CS1519: Üye bildiriminde geçersiz belirteç", broken.Chapter.GetProperty("message").GetString());
    }
}
