namespace Workbook.Grading.Checks;

/// <summary>The checks that run a chapter's program and compare what it prints.</summary>
static class ProgramChecks
{
    /// <summary>
    /// <c>&lt;case&gt;.txt</c>: the program run with DATABASE_URL unset, set to an absolute and to a relative
    /// SQLite URL, set to an engine the app does not support, and set to something that is not a URL. The five runs
    /// start together, each in a folder of its own, so that no run sees a file another one made.
    /// </summary>
    public static async Task<IReadOnlyList<Output>> Configuration(CheckContext context)
    {
        (string Name, Func<TempFolder, string?> Url)[] cases =
        [
            ("unset", _ => null),
            ("absolute", temp => $"sqlite:///{temp["blog.db"]}"),
            ("relative", _ => "sqlite:///data/blog.db"),
            ("unsupported-engine", _ => "postgresql://blog:s3cret@localhost/blog"),
            ("not-a-url", _ => "Data Source=blog.db;Password=s3cret"),
        ];
        return await Task.WhenAll(cases.Select(async c =>
        {
            using var temp = new TempFolder();
            var url = c.Url(temp);
            var run = await context.Programs.RunAsync(context.Chapter, temp.Path, url);
            var command = url is null ? "dotnet run" : $"DATABASE_URL='{url}' dotnet run";
            return new Output($"{c.Name}.txt", ScrubRun(context.Chapter, temp, run.Transcript(command)));
        }));
    }

    /// <summary>
    /// <c>transcript.txt</c>: the program run once against a new SQLite file. Chapters 02-04 print their
    /// configuration, a user and the migrations.
    /// </summary>
    public static Task<IReadOnlyList<Output>> Run(CheckContext context) => OnNewDatabaseAsync(context, []);

    /// <summary>
    /// Play Time, run once against a new SQLite file, split by the step that changes each part:
    /// <c>migrate.txt</c>, the lines that say which migrations the database has had (and any error before Play Time
    /// starts); <c>echo.txt</c>, the first step of Play Time with the SQL it sent; <c>transcript.txt</c>, the whole run.
    /// </summary>
    public static async Task<IReadOnlyList<Output>> Play(CheckContext context)
    {
        var transcript = (await OnNewDatabaseAsync(context, []))[0].Text;
        var lines = transcript.TrimEnd('\n').Split('\n');
        var play = Array.FindIndex(lines, line => line.StartsWith("== "));
        // Before Play Time starts, an error (no such table, a pending model change) belongs to step 5.1's part too; a run that
        // ends well without Play Time is Play Time's to explain, not the migrations'.
        var migrate = lines.Where(line => line.StartsWith("Applied migrations:") || line.StartsWith("Pending migrations:")
            || (play < 0 && (line.StartsWith("[stderr]") || (line.StartsWith("[exit code") && line != "[exit code 0]"))));
        var echo = play < 0 ? [] : lines.Skip(play).TakeWhile((line, i) => i == 0 || !line.StartsWith("== "));
        return
        [
            new("migrate.txt", string.Concat(migrate.Select(line => line + "\n"))),
            play < 0
                ? new("echo.txt", "Play Time did not start: see transcript.txt.\n", BlockedBy: "play/transcript.txt")
                : new("echo.txt", string.Concat(echo.Select(line => line + "\n")).TrimEnd('\n') + "\n"),
            new("transcript.txt", transcript),
        ];
    }

    /// <summary><c>transcript.txt</c>: the chapter's <see cref="ChapterInfo.ShellSession"/> piped into <c>dotnet run -- shell</c> on a new SQLite file.</summary>
    public static Task<IReadOnlyList<Output>> Shell(CheckContext context) =>
        OnNewDatabaseAsync(context, ["shell"], context.GradedAs.ShellInput);

    static async Task<IReadOnlyList<Output>> OnNewDatabaseAsync(CheckContext context, string[] arguments, string? standardInput = null)
    {
        using var temp = new TempFolder();
        var run = await context.Programs.RunAsync(context.Chapter, temp.Path, $"sqlite:///{temp["app.db"]}", arguments, standardInput);
        var command = arguments.Length == 0 ? "dotnet run" : $"dotnet run -- {string.Join(' ', arguments)}";
        return [new("transcript.txt", ScrubRun(context.Chapter, temp, run.Transcript(command)))];
    }

    static string ScrubRun(ChapterAssembly chapter, TempFolder temp, string transcript) =>
        Scrub.All(transcript, (chapter.Chapter.Folder, "{chapter}"), (temp.Path, "{temp}"));
}
