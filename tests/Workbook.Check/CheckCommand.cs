using Workbook.Grading;

/// <summary>What the check command does with its arguments: find the chapters, check them, report.</summary>
static class CheckCommand
{
    /// <summary>Checks the chapters that <paramref name="options"/> select, once or, with <c>--watch</c>, on every save.</summary>
    /// <param name="options">What the command line asked for.</param>
    /// <param name="console">Where the report goes, with colour and progress where the terminal supports them.</param>
    /// <param name="cancel">Ends watch mode (Ctrl+C).</param>
    /// <returns>0 when every chapter checked passes, 1 when one fails, 2 when the arguments select nothing to check.</returns>
    public static async Task<int> RunAsync(CheckOptions options, CheckConsole console, CancellationToken cancel)
    {
        var root = Workspace.FindRoot();
        var manifest = Manifest.Load(root);
        if (options.ClassFolder is { } classFolder)
            return await ClassGrading.RunAsync(Path.GetFullPath(classFolder), options.Chapter, root, manifest, console);
        if (!ChapterSelection.TryResolve(root, manifest, options.Path, options.Chapter, out var chapters, out var problem))
        {
            var result = new ChapterResult(options.Chapter ?? options.Path ?? "", "", Status.Error, false, problem, [], []);
            console.Write(Report.Details(result));
            await WriteFilesAsync(options, [result]);
            return 2;
        }

        if (!options.Watch)
            return await CheckOnceAsync(options, console, new Grader(root, manifest, useCache: !options.NoCache), chapters, manifest);

        // Each check in watch mode runs in a process of its own, as a check without --watch: a chapter rebuilt after a
        // save is then loaded fresh, with nothing of the last build (its assembly, EF Core's model of it) in memory.
        // Its builds use the SDK's build servers, kept warm from one save to the next.
        BuildServers.TurnOn();
        using var watcher = new ChapterWatcher(chapters.Select(c => c.Folder));
        var exitCode = await CheckInChildProcessAsync(cancel);
        // While the learner reads the first result, a rebuild of the chapter starts the build servers (and loads its
        // references into the compiler server), so that the first save finds them warm, as the later ones do.
        var warmUp = WarmUpAsync(chapters[0], root);
        console.Write($"\nWatching {string.Join(", ", chapters.Select(c => c.Name))}: the check runs again on every save. Ctrl+C ends.\n");
        if (BuildServers.CompilerServerOff || BuildServers.MSBuildServerOff)
            console.Write("Rebuilds use the SDK's compiler and MSBuild servers while watching; those your machine does not run stop when watching ends.\n");
        while (await watcher.WaitForChangeAsync(cancel))
        {
            console.Write($"\n{DateTime.Now:HH:mm:ss} a file changed: checking again.\n");
            await warmUp; // never two builds of one folder at once
            exitCode = await CheckInChildProcessAsync(cancel);
        }
        await warmUp;
        await BuildServers.ShutDownAsync();
        return exitCode;
    }

    /// <summary>Rebuilds <paramref name="chapter"/> as the check would; whether it compiles is the next check's to say.</summary>
    static async Task WarmUpAsync(Chapter chapter, string root)
    {
        try
        {
            await ChapterBuild.EnsureBuiltAsync(chapter, Grader.DefaultConfiguration, root, rebuild: true);
        }
        catch (Exception error) when (error is IOException or InvalidOperationException)
        {
            // No project file, or no dotnet to run: the check in the child process reports it.
        }
    }

    /// <summary>Runs this command again, without <c>--watch</c>, writing straight to this terminal; its exit code.</summary>
    static async Task<int> CheckInChildProcessAsync(CancellationToken cancel)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { UseShellExecute = false };
        start.ArgumentList.Add(typeof(CheckCommand).Assembly.Location);
        foreach (var argument in Environment.GetCommandLineArgs().Skip(1).Where(a => a != "--watch"))
            start.ArgumentList.Add(argument);
        // The learner's own settings, as this process found them before it kept them away from the chapters.
        start.Environment["HOME"] = LearnerEnvironment.RealHome;
        start.Environment["APPDATA"] = LearnerEnvironment.RealAppData;
        start.Environment["DATABASE_URL"] = LearnerEnvironment.DatabaseUrlInEnvironment;
        using var child = System.Diagnostics.Process.Start(start)!;
        try
        {
            await child.WaitForExitAsync(cancel);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            return 130;
        }
        return child.ExitCode;
    }

    static async Task<int> CheckOnceAsync(CheckOptions options, CheckConsole console, Grader grader, IReadOnlyList<Chapter> chapters, Manifest manifest)
    {
        var results = new List<ChapterResult>();
        foreach (var chapter in chapters)
            results.Add(await console.WhileAsync($"Checking {chapter.Name} (building it if its files changed)", () => grader.GradeAsync(chapter)));

        if (options.Format == "exercism")
        {
            console.WritePlain(ExercismReport.Write(results, manifest));
        }
        else
        {
            var detailed = options.Chapter is not null || results.Count == 1;
            console.Write(detailed ? string.Concat(results.Select(Report.Details)) : Report.Summary(results));
            if (!detailed && results.Any(r => r.Status != Status.Pass))
            {
                var next = results.First(r => r.Status != Status.Pass);
                console.Write($"\nTo see what differs in a chapter: dotnet run --project tests/Workbook.Check -- {next.Chapter}\n");
            }
        }
        await WriteFilesAsync(options, results);
        return results.All(r => r.Status == Status.Pass) ? 0 : 1;
    }

    static async Task WriteFilesAsync(CheckOptions options, IReadOnlyList<ChapterResult> results)
    {
        if (options.JsonFile is not null)
            await File.WriteAllTextAsync(options.JsonFile, Report.ToJson(results));
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
sealed record CheckOptions(string? Chapter, string? Path, string? JsonFile, string Format, bool Watch, bool NoCache, string? ClassFolder);
