using System.Text.Json;

namespace Workbook.Tests;

/// <summary>
/// A learner's chapter for the check command's tests: a fresh copy of a starter or a solution in a folder laid out like
/// the workbook, edited the way a learner would edit it, with the real <c>dotnet ef</c> run on it and the built check
/// command (<see cref="Solutions.CheckTool"/>) run against it in a child process. Deleted on dispose.
/// </summary>
public sealed class LearnerCopy : IDisposable
{
    readonly WorkbookCopy copy;

    /// <summary>Copies <c>&lt;track&gt;/&lt;chapter&gt;</c> of this workbook.</summary>
    /// <param name="track"><c>chapters</c> (a starter) or <c>solutions</c>.</param>
    /// <param name="chapter">The chapter's folder name, such as <c>04-comment-relationship</c>.</param>
    public LearnerCopy(string track, string chapter)
    {
        Chapter = chapter;
        copy = new WorkbookCopy(Solutions.Root, track, global::Workbook.Grading.Record.Chapter.In(Solutions.Root, track, Solutions.Manifest[chapter]));
    }

    /// <summary>The chapter's folder name.</summary>
    public string Chapter { get; }

    /// <summary>The copy's root folder (it holds the workbook's build files, not its tests).</summary>
    public string Root => copy.Root;

    /// <summary>The copied chapter's folder.</summary>
    public string Folder => copy.ChapterFolder;

    /// <summary>The absolute path of a file of the chapter.</summary>
    /// <param name="file">Relative to the chapter folder, with '/' separators.</param>
    public string this[string file] => Path.Combine(Folder, file);

    /// <summary>Replaces text in a file of the chapter, as a learner's edit; fails the test when the text is not there.</summary>
    /// <param name="file">Relative to the chapter folder.</param>
    /// <param name="from">Text that must occur in the file.</param>
    /// <param name="to">What it becomes.</param>
    public void Edit(string file, string from, string to)
    {
        var text = File.ReadAllText(this[file]);
        Assert.True(text.Contains(from), $"{file} does not contain {from}");
        File.WriteAllText(this[file], text.Replace(from, to));
    }

    /// <summary>Writes the solution's version of <paramref name="file"/> over the copy's, as if the learner had just written it.</summary>
    public void Solve(string file)
    {
        File.Copy(Path.Combine(Solutions.Root, "solutions", Chapter, file), this[file], overwrite: true);
        File.SetLastWriteTimeUtc(this[file], DateTime.UtcNow); // a copy keeps the old time, which MSBuild would trust
    }

    /// <summary>The path of the first file in the chapter folder whose name ends with <paramref name="suffix"/>.</summary>
    public string Find(string suffix) =>
        Directory.EnumerateFiles(Folder, "*", SearchOption.AllDirectories).First(f => f.EndsWith(suffix, StringComparison.Ordinal));

    /// <summary>
    /// Runs <c>dotnet &lt;arguments&gt;</c> (such as <c>ef migrations add</c>) in the chapter folder, with a home of its
    /// own and no <c>DATABASE_URL</c>, and asserts that it succeeded.
    /// </summary>
    public async Task DotnetAsync(params string[] arguments)
    {
        var run = await RunDotnetAsync(arguments);
        Assert.True(run.ExitCode == 0, run.Transcript("dotnet " + string.Join(' ', arguments)));
    }

    /// <summary>Applies a unified diff to the chapter with <c>git apply</c> (paths relative to the chapter folder) and asserts that it applied.</summary>
    /// <param name="patch">The patch file.</param>
    public async Task ApplyAsync(string patch)
    {
        var apply = await ChildProcess.RunAsync("git", ["apply", "--whitespace=nowarn", patch], Folder,
            new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin", ["HOME"] = TestEnvironment.Home },
            TimeSpan.FromMinutes(1));
        Assert.True(apply.ExitCode == 0, $"git apply {Path.GetFileName(patch)} failed:\n{apply.StandardOutput}{apply.StandardError}");
    }

    /// <summary>Builds the chapter and applies its migrations to its <c>app.db</c>, as a learner does, and asserts that both succeeded.</summary>
    public async Task BuildAndUpdateAsync()
    {
        await DotnetAsync("build", "--nologo", "-v", "q");
        await DotnetAsync("ef", "database", "update", "--no-build");
    }

    /// <summary>Runs <c>dotnet &lt;arguments&gt;</c> as <see cref="DotnetAsync"/> does, for a command that may fail: its exit code and output.</summary>
    public Task<CommandRun> RunDotnetAsync(params string[] arguments) =>
        DotnetCommand.RunAsync(Folder, arguments, TestEnvironment.ForChapterCode());

    /// <summary>
    /// Runs the check command on the chapter as a learner does (<c>--path</c> this chapter folder, or
    /// <paramref name="path"/>) and reads the JSON report it writes.
    /// </summary>
    /// <param name="environment">Variables to set for the command (a null value removes one).</param>
    /// <param name="path">What to pass as <c>--path</c>; the chapter folder when null.</param>
    /// <param name="chapter">A chapter argument, or null.</param>
    public async Task<CheckRun> CheckAsync(IReadOnlyDictionary<string, string?>? environment = null, string? path = null, string? chapter = null)
    {
        var json = Path.Combine(Root, $"report-{Guid.NewGuid():N}.json");
        string[] arguments = [Solutions.CheckTool, .. chapter is null ? Array.Empty<string>() : [chapter], "--path", path ?? Folder, "--json", json];
        var run = await DotnetCommand.RunAsync(Root, arguments, environment);
        Assert.True(File.Exists(json), run.Transcript("check"));
        using var report = JsonDocument.Parse(File.ReadAllText(json));
        return new CheckRun(run, report.RootElement.GetProperty("chapters").Clone());
    }

    /// <inheritdoc />
    public void Dispose() => copy.Dispose();
}

/// <summary>One run of the check command and the chapters of its JSON report.</summary>
/// <param name="Run">The command's exit code and output.</param>
/// <param name="Chapters">The report's <c>chapters</c> array.</param>
public sealed record CheckRun(CommandRun Run, JsonElement Chapters)
{
    /// <summary>The first chapter's result.</summary>
    public JsonElement Chapter => Chapters[0];

    /// <summary>The first chapter's status: <c>pass</c>, <c>fail</c> or <c>error</c>.</summary>
    public string Status => Chapter.GetProperty("status").GetString()!;

    /// <summary>The names of the checks that did not pass, in report order.</summary>
    public IReadOnlyList<string> Failing => Chapter.GetProperty("checks").EnumerateArray()
        .Where(c => c.GetProperty("status").GetString() != "pass").Select(c => c.GetProperty("name").GetString()!).ToList();

    /// <summary>The step ids of the hints of a check, in the order the report shows them.</summary>
    public IReadOnlyList<string> Hints(string check) => Chapter.GetProperty("checks").EnumerateArray()
        .Single(c => c.GetProperty("name").GetString() == check)
        .GetProperty("hints").EnumerateArray().Select(h => h.GetProperty("step").GetString()!).ToList();

    /// <summary>The message of a check (its diffs), or empty.</summary>
    public string Message(string check) => Chapter.GetProperty("checks").EnumerateArray()
        .Single(c => c.GetProperty("name").GetString() == check).GetProperty("message").GetString()!;

    /// <summary>The first chapter's notes.</summary>
    public IReadOnlyList<string> Notes => Chapter.GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();

    /// <summary>Asserts that <paramref name="check"/> fails and that its message starts by naming <paramref name="pitfall"/>.</summary>
    /// <param name="check">The check's name, such as <c>app-db</c>.</param>
    /// <param name="pitfall">The start of the pitfall's line, after <c>Pitfall: </c>.</param>
    /// <exception cref="Xunit.Sdk.XunitException">It passes, or its message does not start with the pitfall.</exception>
    public void AssertPitfall(string check, string pitfall)
    {
        Assert.Contains(check, Failing);
        Assert.StartsWith("Pitfall: " + pitfall, Message(check));
    }

    /// <summary>The report as a learner reads it, for an assertion message.</summary>
    public override string ToString() => Run.StandardOutput + Run.StandardError;
}
