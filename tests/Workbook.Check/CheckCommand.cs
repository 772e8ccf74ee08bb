/// <summary>What the check command does with its arguments: find the chapters, check them, report.</summary>
static class CheckCommand
{
    /// <summary>The exit code of a run where every chapter checked passes.</summary>
    public const int Passed = 0;

    /// <summary>The exit code of a run where a chapter fails, does not compile or could not be graded.</summary>
    public const int NotPassed = 1;

    /// <summary>The exit code of a usage error: arguments that select nothing to check, or a file that cannot be written.</summary>
    public const int UsageError = 2;

    /// <summary>Checks the chapters that <paramref name="options"/> select, once or, with <c>--watch</c>, on every save.</summary>
    /// <param name="options">What the command line asked for.</param>
    /// <param name="console">Where the report goes, with colour and progress where the terminal supports them.</param>
    /// <param name="cancel">Ends the run (Ctrl+C).</param>
    /// <returns><see cref="Passed"/>, <see cref="NotPassed"/> or <see cref="UsageError"/>.</returns>
    public static async Task<int> RunAsync(CheckOptions options, CheckConsole console, CancellationToken cancel)
    {
        var root = WorkbookLayout.FindRoot();
        var manifest = Manifest.Load(root);
        if (options.JsonFile is { } json && JsonFileProblem(json) is { } jsonProblem)
            return await UsageErrorAsync(jsonProblem, options.Format, console);
        if (options.Chapter is { } name && ChapterSelection.Match(manifest.Chapters, name) is null)
            return await UsageErrorAsync(ChapterSelection.NoSuchChapter(name, manifest.Chapters), options.Format, console, options.JsonFile);
        using var grader = new Grader(root, manifest, GraderOptionsFor(options) with { KeepRunners = options.Watch });
        if (options.ClassFolder is { } classFolder)
            return await ClassGrading.RunAsync(Path.GetFullPath(classFolder), options, grader, manifest, console, cancel);
        if (!ChapterSelection.TryResolve(root, manifest, options.Path, options.Chapter, out var chapters, out var problem))
            return await UsageErrorAsync(problem, options.Format, console, options.JsonFile);

        if (!options.Watch)
            return await CheckOnceAsync(options, console, grader, chapters, manifest, cancel);

        // Watch mode keeps a runner per chapter in its sandbox, with the SDK's build servers warm there between saves; each
        // save's build is loaded afresh by the runner, never by this process.
        using var watcher = new ChapterWatcher(chapters.Select(c => c.Folder));
        var exitCode = NotPassed;
        try
        {
            exitCode = await CheckOnceAsync(options, console, grader, chapters, manifest, cancel);
            // While the learner reads the first result, the runners warm up (their build servers, EF Core's code), so that the
            // first save finds them warm; that save ends the warm-up.
            using var firstSave = new CancellationTokenSource();
            var warmUp = Task.WhenAll(chapters.Select(chapter => grader.WarmUpAsync(chapter, firstSave.Token)));
            console.Write($"\nWatching {string.Join(", ", chapters.Select(c => c.Name))}: the check runs again on every save. Ctrl+C ends.\n");
            while (await watcher.WaitForChangeAsync(cancel))
            {
                await firstSave.CancelAsync();
                console.Write($"\n{DateTime.Now:HH:mm:ss} a file changed: checking again.\n");
                exitCode = await CheckOnceAsync(options, console, grader, chapters, manifest, cancel);
            }
            await warmUp;
        }
        catch (OperationCanceledException)
        {
            return 130; // Ctrl+C
        }
        return exitCode;
    }

    /// <summary>The grader's settings for these options: the sandbox of this machine (or none with <c>--no-sandbox</c>), the limits, the cache.</summary>
    public static GraderOptions GraderOptionsFor(CheckOptions options) =>
        new(typeof(CheckCommand).Assembly.Location, Sandbox.Find(turnedOff: options.NoSandbox), Workbench.DefaultCacheRoot,
            UseCache: !options.NoCache, TimeLimit: options.TimeLimit);

    /// <summary>
    /// Reports a usage error in the format asked for (with Exercism's, a results file whose status is <c>error</c>), writes
    /// it to the JSON file too where one was asked for and can be written, and returns <see cref="UsageError"/>.
    /// </summary>
    /// <param name="problem">What is wrong with the arguments, in a sentence.</param>
    /// <param name="format"><c>text</c> or <c>exercism</c>.</param>
    /// <param name="console">Where the report goes.</param>
    /// <param name="jsonFile">The JSON file asked for, or null.</param>
    public static async Task<int> UsageErrorAsync(string problem, string format, CheckConsole console, string? jsonFile = null)
    {
        var result = new ChapterResult("", "", Status.Error, false, problem, [], []);
        if (format == "exercism")
            console.WritePlain(ExercismReport.Write([result], null));
        else
            console.WriteError($"error: {problem}\n");
        if (jsonFile is not null && JsonFileProblem(jsonFile) is null)
            await File.WriteAllTextAsync(jsonFile, Report.ToJson([result]));
        return UsageError;
    }

    /// <summary>Why <paramref name="path"/> cannot take the JSON report, or null when it can.</summary>
    static string? JsonFileProblem(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            return $"--json {path} is a folder: give the path of a file to write.";
        if (Path.GetDirectoryName(full) is { } folder && !Directory.Exists(folder))
            return $"--json {path}: there is no folder {folder} to write it in.";
        return null;
    }

    static async Task<int> CheckOnceAsync(CheckOptions options, CheckConsole console, Grader grader, IReadOnlyList<Chapter> chapters, Manifest manifest,
        CancellationToken cancel)
    {
        var results = new List<ChapterResult>();
        // The progress view: a chapter still as its starter came is not started, and needs no build to say so.
        var progress = options.Chapter is null && chapters.Count > 1 && options.Format == "text" && options.JsonFile is null;
        foreach (var chapter in chapters)
            results.Add(progress && await chapter.IsUntouchedAsync()
                ? ChapterResult.Failed(chapter, Status.Fail, "") with { NotStarted = true }
                : await console.WhileAsync($"Checking {chapter.Name} (building it if its files changed)", () => grader.GradeAsync(chapter, cancel: cancel)));

        if (options.Format == "exercism")
        {
            console.WritePlain(ExercismReport.Write(results, manifest));
        }
        else
        {
            var detailed = options.Chapter is not null || results.Count == 1;
            console.Write(detailed ? string.Concat(results.Select(Report.Details)) : Report.Summary(results));
            if (!detailed && Report.NextChapter(results) is { } next)
                console.Write(next.NotStarted
                    ? $"\nNext: ./check {next.Chapter[..2]} shows where {next.Chapter} starts.\n"
                    : $"\nNext: ./check {next.Chapter[..2]} shows what differs in {next.Chapter} and the hint of its step.\n");
        }
        if (options.JsonFile is not null)
            await File.WriteAllTextAsync(options.JsonFile, Report.ToJson(results));
        // The progress view asks whether what the learner started is right: a chapter not started yet is no failure there.
        return results.Where(r => !(progress && r.NotStarted)).All(r => r.Status == Status.Pass) ? Passed : NotPassed;
    }
}

/// <summary>What the check command was asked to do.</summary>
/// <param name="Chapter">A chapter folder name or its number (<c>03</c>), or null for all chapters.</param>
/// <param name="Path">A workbook clone, a chapters folder or one chapter folder; null for this workbook's <c>chapters/</c>.</param>
/// <param name="JsonFile">A file to write the JSON report to, or null.</param>
/// <param name="Format"><c>text</c> (the report for people) or <c>exercism</c> (Exercism's results.json on standard output).</param>
/// <param name="Watch">Check again on every save until Ctrl+C.</param>
/// <param name="NoCache">Grade every chapter afresh, even when its inputs have not changed since its last result.</param>
/// <param name="ClassFolder">A folder of learners' clones to grade as a class (see <see cref="ClassGrading"/>), or null.</param>
/// <param name="NoSandbox">Run learner code without the sandbox, with its limits only.</param>
/// <param name="TimeLimit">How long one run of a chapter's program may take.</param>
sealed record CheckOptions(string? Chapter, string? Path, string? JsonFile, string Format, bool Watch, bool NoCache, string? ClassFolder,
    bool NoSandbox = false, TimeSpan? TimeLimit = null)
{
    /// <summary>The report formats <c>--format</c> takes.</summary>
    public static readonly string[] Formats = ["text", "exercism"];
}
