using System.Text.Json;

namespace Workbook.Tests;

/// <summary>
/// The check command (<c>tests/Workbook.Check</c>) run as a learner or an instructor runs it, on copies of
/// chapters made wrong on purpose: every bad input ends in a report with a message and an exit code, never
/// in a stack trace.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class CheckToolTests
{
    /// <summary>A folder that holds no chapter is an error result, in text and in JSON, with exit code 2.</summary>
    [Fact]
    public async Task A_folder_that_is_not_a_chapter_is_an_error_result()
    {
        using var temp = new TempFolder();
        Directory.CreateDirectory(temp["notes"]);
        var run = await CheckAsync(temp["notes"], temp["report.json"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("is not a workbook chapter", run.StandardError);
        Assert.DoesNotContain("   at ", run.StandardOutput + run.StandardError);
        using var json = JsonDocument.Parse(File.ReadAllText(temp["report.json"]));
        Assert.Equal("error", json.RootElement.GetProperty("chapters")[0].GetProperty("status").GetString());
    }

    /// <summary>A chapter that does not compile is an error result that carries the compiler's message.</summary>
    [Fact]
    public async Task A_chapter_that_does_not_compile_is_an_error_with_the_compilers_message()
    {
        using var copy = new WorkbookCopy(Solutions.Root, "chapters", Chapter.In(Solutions.Root, "chapters", Solutions.Manifest["02-user-model"]));
        File.AppendAllText(Path.Combine(copy.ChapterFolder, "Models", "User.cs"), "\npublic class Broken { int }\n");
        var run = await CheckAsync(copy.ChapterFolder, Path.Combine(copy.Root, "report.json"));

        Assert.Equal(1, run.ExitCode);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(copy.Root, "report.json")));
        var chapter = json.RootElement.GetProperty("chapters")[0];
        Assert.Equal("error", chapter.GetProperty("status").GetString());
        Assert.Contains("Models/User.cs(", chapter.GetProperty("message").GetString());
        SnapshotAssert.Matches("02-user-model", "check-tool", [new Output("does-not-compile.txt", run.Transcript("check 02-user-model"))]);
    }

    /// <summary>
    /// On a copy of solution 03: no <c>app.db</c>; an <c>app.db</c> that is not a database; a <c>Username</c>
    /// whose maximum length was typed wrong (the model check shows the line; EF Core itself sees no pending
    /// change, since SQLite stores TEXT of any length); then a property added without a migration (pending
    /// model changes). Each report names what differs and how to fix it, and the JSON report has a status and
    /// message per check.
    /// </summary>
    [Fact]
    public async Task Bad_input_gets_a_result_with_a_message_and_a_hint()
    {
        using var copy = new WorkbookCopy(Solutions.Root, "solutions", Chapter.In(Solutions.Root, "solutions", Solutions.Manifest["03-first-migration"]));
        var json = Path.Combine(copy.Root, "report.json");

        var missing = await CheckAsync(copy.ChapterFolder, json);
        File.WriteAllText(Path.Combine(copy.ChapterFolder, "app.db"), "these are not the bytes of a SQLite database");
        var unreadable = await CheckAsync(copy.ChapterFolder, json);
        var user = Path.Combine(copy.ChapterFolder, "Models", "User.cs");
        File.WriteAllText(user, File.ReadAllText(user).Replace("[MaxLength(64)]", "[MaxLength(46)]"));
        var wrongLength = await CheckAsync(copy.ChapterFolder, json);
        var statusesAfterWrongLength = CheckStatuses(json);
        File.WriteAllText(user, File.ReadAllText(user).Replace(
            "    public override string ToString()", "    public string? Nickname { get; set; }\n\n    public override string ToString()"));
        var unmigrated = await CheckAsync(copy.ChapterFolder, json);

        Assert.All([missing, unreadable, wrongLength, unmigrated], run => Assert.Equal(1, run.ExitCode));
        Assert.Equal("fail", statusesAfterWrongLength["model"]);
        Assert.Equal("pass", statusesAfterWrongLength["pending-model-changes"]);
        Assert.Equal("fail", CheckStatuses(json)["pending-model-changes"]);
        SnapshotAssert.Matches("03-first-migration", "check-tool",
        [
            new Output("missing-database.txt", missing.Transcript("check 03-first-migration")),
            new Output("unreadable-database.txt", unreadable.Transcript("check 03-first-migration")),
            new Output("wrong-max-length.txt", wrongLength.Transcript("check 03-first-migration")),
            new Output("property-without-migration.txt", unmigrated.Transcript("check 03-first-migration")),
        ]);
    }

    static Dictionary<string, string?> CheckStatuses(string jsonFile)
    {
        using var report = JsonDocument.Parse(File.ReadAllText(jsonFile));
        return report.RootElement.GetProperty("chapters")[0].GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
    }

    /// <summary>
    /// Chapter 07's solution where no PostgreSQL server can be had (<c>WORKBOOK_POSTGRES_URL</c> names a port where none
    /// listens): the <c>postgres</c> check is an error that says why and how to get a server, never a failure, and every
    /// other check passes; the chapter is an error, never a pass, in the report, in its JSON and in the exit code.
    /// </summary>
    [Fact]
    public async Task A_check_that_needs_a_missing_server_is_an_error_not_a_failure()
    {
        using var learner = new LearnerCopy("solutions", "07-postgresql");
        var check = await learner.CheckAsync(new Dictionary<string, string?> { [PostgresServer.UrlVariable] = "postgresql://nobody:nothing@127.0.0.1:1/none" });

        Assert.Equal(1, check.Run.ExitCode);
        Assert.True(check.Status == "error", check.ToString());
        var statuses = check.Chapter.GetProperty("checks").EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("status").GetString());
        Assert.Equal("error", statuses["postgres"]);
        Assert.All(statuses.Where(s => s.Key != "postgres"), s => Assert.True(s.Value == "pass", $"{s.Key}: {s.Value}\n{check}"));
        Assert.Contains("Not run: this check needs a PostgreSQL server", check.Message("postgres"));
        Assert.Contains($"{PostgresServer.UrlVariable} is set, but its server cannot be used", check.Message("postgres"));
        Assert.Contains("\n  ERROR postgres\n", check.Run.StandardOutput);
        Assert.Contains($"1 of {statuses.Count} could not finish.", check.Run.StandardOutput);
    }

    /// <summary>
    /// A usage error (a JSON file in a folder that does not exist or that is a folder, a chapter that does not exist, also
    /// with <c>--class</c>, a format the command does not know, a time limit of 0) has exit code 2, which no grading gives,
    /// comes in the format asked for (Exercism's results file, status <c>error</c>, with <c>--format exercism</c>), names
    /// what is wrong, and never shows a stack trace.
    /// </summary>
    [Fact]
    public async Task A_usage_error_exits_with_2_in_the_format_asked_for_and_never_with_a_stack_trace()
    {
        using var temp = new TempFolder();
        var chapters = Path.Combine(Solutions.Root, "solutions");
        (string[] Arguments, string Says)[] cases =
        [
            (["02", "--path", chapters, "--json", Path.Combine(temp.Path, "missing", "report.json")], "there is no folder"),
            (["02", "--path", chapters, "--json", temp.Path], "is a folder"),
            (["99", "--path", chapters], "'99' names no chapter here"),
            (["99", "--class", temp.Path], "'99' names no chapter here"),
            (["--class", temp.Path], "holds no learner's folder"),
            (["02", "--path", chapters, "--format", "xml"], "xml"),
            (["02", "--path", chapters, "--time-limit", "0"], "--time-limit"),
        ];
        foreach (var (arguments, says) in cases)
        {
            var run = await DotnetCommand.RunAsync(temp.Path, [Solutions.CheckTool, .. arguments]);
            var shown = $"check {string.Join(' ', arguments)}:\n{run.StandardOutput}{run.StandardError}";
            Assert.True(run.ExitCode == 2, shown);
            Assert.Contains(says, run.StandardOutput + run.StandardError);
            Assert.DoesNotContain("   at ", run.StandardOutput + run.StandardError);
        }

        var exercism = await DotnetCommand.RunAsync(temp.Path, [Solutions.CheckTool, "99", "--path", chapters, "--format", "exercism"]);
        Assert.Equal(2, exercism.ExitCode);
        using var results = JsonDocument.Parse(exercism.StandardOutput);
        Assert.Equal("error", results.RootElement.GetProperty("status").GetString());
        Assert.Contains("'99' names no chapter here", results.RootElement.GetProperty("message").GetString());
    }

    static Task<CommandRun> CheckAsync(string path, string jsonFile) =>
        DotnetCommand.RunAsync(Path.GetDirectoryName(jsonFile)!, [Solutions.CheckTool, "--path", path, "--json", jsonFile]);
}
