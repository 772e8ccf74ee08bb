using System.Text;

/// <summary>
/// Grades a whole class: every learner's clone in a folder (one sub-folder per learner), several at a time, up to the
/// machine's cores. Writes one summary, learner by chapter (<c>pass</c>, <c>fail</c>, <c>error</c>, <c>not started</c>),
/// as a table for the terminal and as CSV, and each learner's results as JSON, in <c>&lt;folder&gt;/check-results/</c>.
/// A broken clone, or a learner whose code hangs, crashes or misbehaves, is that learner's error, never the run's: each
/// learner's code runs in a sandboxed runner of its own (<see cref="Grader"/>), and the results files are written by this
/// process alone, after every runner is gone.
/// </summary>
static class ClassGrading
{
    /// <summary>Grades every learner of <paramref name="classFolder"/>.</summary>
    /// <param name="classFolder">A folder whose sub-folders are the learners' clones (or their chapters/ folders).</param>
    /// <param name="options">What the command line asked for (the chapter, the format).</param>
    /// <param name="grader">The grader, with the sandbox, limits and cache the command line asked for.</param>
    /// <param name="manifest">The manifest of the workbook whose expectations apply.</param>
    /// <param name="console">Where the table goes.</param>
    /// <param name="cancel">Ends the run (Ctrl+C).</param>
    /// <returns>0 when every learner passes every chapter graded, 1 otherwise, 2 when the folder holds no learner.</returns>
    public static async Task<int> RunAsync(string classFolder, CheckOptions options, Grader grader, Manifest manifest, CheckConsole console,
        CancellationToken cancel)
    {
        var chapterName = options.Chapter is { } name ? ChapterSelection.Match(manifest.Chapters, name)?.Folder : null;
        var learners = Directory.Exists(classFolder)
            ? Directory.GetDirectories(classFolder).Where(d => Path.GetFileName(d) != "check-results").Order(StringComparer.Ordinal).ToList()
            : [];
        if (learners.Count == 0)
            return await CheckCommand.UsageErrorAsync($"{classFolder} holds no learner's folder: give a folder with one sub-folder per learner.",
                options.Format, console, options.JsonFile);

        var root = WorkbookLayout.FindRoot();
        var results = new (string Learner, IReadOnlyList<ChapterResult> Chapters)[learners.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, learners.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = cancel },
            async (i, token) => results[i] = (Path.GetFileName(learners[i]), await GradeLearnerAsync(learners[i], chapterName, root, manifest, grader, token)));

        var output = Path.Combine(classFolder, "check-results");
        Directory.CreateDirectory(output);
        foreach (var (learner, chapters) in results)
            await File.WriteAllTextAsync(Path.Combine(output, learner + ".json"), Report.ToJson(chapters));
        var columns = results.SelectMany(r => r.Chapters.Select(c => c.Chapter)).Distinct().ToList();
        await File.WriteAllTextAsync(Path.Combine(output, "summary.csv"), Csv(results, columns));
        console.Write(Table(results, columns) + $"\nResults of each learner and summary.csv: {output}\n");
        return results.All(r => r.Chapters.All(c => c.Status == Status.Pass)) ? 0 : 1;
    }

    static async Task<IReadOnlyList<ChapterResult>> GradeLearnerAsync(string folder, string? chapterName, string root, Manifest manifest, Grader grader,
        CancellationToken cancel)
    {
        // A learner whose folder cannot be graded gets the error in every chapter asked for.
        IReadOnlyList<ChapterResult> Error(string message) => manifest.Chapters
            .Where(c => chapterName is null || c.Folder == chapterName)
            .Select(c => new ChapterResult(c.Folder, c.Title, Status.Error, false, message, [], []))
            .ToList();
        try
        {
            if (!ChapterSelection.TryResolve(root, manifest, folder, chapterName, out var chapters, out var problem))
                return Error(problem);
            var results = new List<ChapterResult>();
            foreach (var chapter in chapters)
                results.Add(await grader.GradeAsync(chapter, cancel: cancel));
            return results;
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            return Error($"{error.GetType().Name}: {error.Message}");
        }
    }

    static string State(ChapterResult? result) => result switch
    {
        null => "",
        { NotStarted: true } => "not started",
        _ => result.Status.Word(),
    };

    static string Csv((string Learner, IReadOnlyList<ChapterResult> Chapters)[] results, List<string> columns)
    {
        static string Field(string text) => text.Contains(',') || text.Contains('"') ? "\"" + text.Replace("\"", "\"\"") + "\"" : text;
        var csv = new StringBuilder("learner," + string.Join(',', columns.Select(Field)) + "\n");
        foreach (var (learner, chapters) in results)
            csv.Append(Field(learner)).Append(',')
                .Append(string.Join(',', columns.Select(c => State(chapters.FirstOrDefault(r => r.Chapter == c))))).Append('\n');
        return csv.ToString();
    }

    static string Table((string Learner, IReadOnlyList<ChapterResult> Chapters)[] results, List<string> columns)
    {
        var width = Math.Max(7, results.Max(r => r.Learner.Length)) + 2;
        var text = new StringBuilder("learner".PadRight(width) + string.Concat(columns.Select(c => c.PadRight(Math.Max(c.Length, 11) + 2))).TrimEnd() + "\n");
        foreach (var (learner, chapters) in results)
            text.Append(learner.PadRight(width))
                .Append(string.Concat(columns.Select(c => State(chapters.FirstOrDefault(r => r.Chapter == c)).PadRight(Math.Max(c.Length, 11) + 2))).TrimEnd())
                .Append('\n');
        return text.ToString();
    }
}
