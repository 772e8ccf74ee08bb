namespace Workbook.Grading;

/// <summary>
/// Grades a chapter folder the way a learner's work is graded, without ever running the chapter's code in this process:
/// copies the folder into the grader's workbench (<see cref="Workbench"/>; the learner's folder is only read), starts the
/// runner there in the sandbox (<see cref="ChapterRunner"/>, <see cref="Sandbox"/>) to build the chapter when its files
/// changed and run the graded checks the manifest lists, and compares what each check produced with what the solution
/// was verified to produce (the snapshots), by what the chapter does: keyed outputs such as schemas key by key, migrations
/// whatever their names. Whatever is wrong with the folder becomes a result with a message, never an exception; a check
/// that could not finish for a reason that says nothing of the work (a limit reached, no server) is an error, never a
/// failure.
/// </summary>
/// <param name="root">The repository root, whose manifest and snapshots are the expectations.</param>
/// <param name="manifest">The manifest read from <paramref name="root"/>.</param>
/// <param name="options">How to grade: where the runner is, the sandbox, the limits, the cache.</param>
public sealed class Grader(string root, Manifest manifest, GraderOptions options) : IDisposable
{
    readonly RunnerClient runners = new(root, options);
    readonly Verdicts verdicts = new(root, new HintRanking(manifest));
    // Whether each chapter folder's last grading finished every check (a pass or a failure), for WarmUpAsync.
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> finished = new();

    /// <summary>The MSBuild configuration chapters are built and loaded in unless a grader is told otherwise.</summary>
    public const string DefaultConfiguration = "Debug";

    /// <summary>How the grader grades.</summary>
    public GraderOptions Options => options;

    /// <summary>Ends the runners that serve gradings one after another, with everything they started.</summary>
    public void Dispose() => runners.Dispose();

    /// <summary>Grades one chapter folder.</summary>
    /// <param name="chapter">The chapter to grade; its folder may be anything, even missing.</param>
    /// <param name="expectationsOf">
    /// The chapter whose checks, snapshots and hints to use; by default the chapter's own (a starter is also
    /// held to the chapter before it).
    /// </param>
    /// <param name="skipChapterDatabase">Leave out the checks that read the chapter's own <c>app.db</c>.</param>
    /// <param name="cancel">Ends the grading (Ctrl+C): the runner is killed with everything it started.</param>
    /// <returns>The chapter's status and one result per check.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public async Task<ChapterResult> GradeAsync(Chapter chapter, ChapterInfo? expectationsOf = null, bool skipChapterDatabase = false,
        CancellationToken cancel = default)
    {
        var info = expectationsOf ?? chapter.Info;
        if (!Directory.Exists(chapter.Folder))
            return ChapterResult.Failed(chapter, Status.Error, $"There is no folder {chapter.Folder}.");
        try
        {
            _ = chapter.ProjectFile;
        }
        catch (FileNotFoundException error)
        {
            return ChapterResult.Failed(chapter, Status.Error, error.Message);
        }

        var notes = new List<string>();
        if (LearnerEnvironment.IgnoredSettingsNote(chapter) is { } settings)
            notes.Add(settings);
        if (!options.Sandbox.IsWalled)
            notes.Add(options.Sandbox.Description);

        Workbench bench;
        try
        {
            bench = await Workbench.OpenAsync(chapter, root, options.CacheRoot, options.Limits.WallClock);
        }
        catch (Exception error) when (error is TimeoutException or IOException or UnauthorizedAccessException)
        {
            return ChapterResult.Failed(chapter, Status.Error, $"Not graded: {error.Message}", notes);
        }
        using (bench)
        {
            bench.Mirror(chapter);
            var key = ResultCache.Key(chapter, info, root, options.Configuration, skipChapterDatabase);
            var result = options.UseCache ? ResultCache.Find(bench, key) : null;
            if (result is null)
            {
                result = await GradeInAsync(bench, chapter, info, skipChapterDatabase, notes, cancel);
                if (options.UseCache)
                    ResultCache.Store(bench, key, result);
            }
            finished[chapter.Folder] = result.Status != Status.Error;
            return result;
        }
    }

    async Task<ChapterResult> GradeInAsync(Workbench bench, Chapter chapter, ChapterInfo info, bool skipChapterDatabase, List<string> notes,
        CancellationToken cancel)
    {
        var checks = info.Checks.Select(CheckCatalog.Named).Where(check => !(skipChapterDatabase && check.ReadsChapterDatabase)).ToList();
        var outcomes = new Dictionary<string, CheckResult>();

        // Whether the learner's work passes cannot be told without a server: neither a pass nor a failure.
        var server = checks.Any(check => check.NeedsServer) ? PostgresServer.Shared : null;
        foreach (var check in checks.Where(check => check.NeedsServer && server is null))
            outcomes[check.Name] = new CheckResult(check.Name, Status.Error, $"Not run: this check needs a PostgreSQL server, and {PostgresServer.Unavailable}", []);
        var toRun = checks.Where(check => !outcomes.ContainsKey(check.Name)).ToList();

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var timings = new List<string>();
        var fingerprint = ChapterBuild.Fingerprint(chapter, options.Configuration, root);
        var record = RunnerProtocol.Read<BuildRecord>(bench[BuildRecord.File]);
        var benchChapter = new Chapter(chapter.Info, bench.Source);
        var built = record is not null && record.Inputs == fingerprint && AssemblyStamp(benchChapter, options.Configuration) == record.Assembly;
        var request = new RunnerRequest(chapter.Info, info, bench.Source, options.Configuration,
            built ? null : NewBuildRequest(),
            toRun.Select(check => check.Name).ToList(),
            toRun.Any(check => check.ReadsChapterDatabase) ? ChapterDatabaseCopy.Make(chapter, bench) : null,
            null, options.ProgramTimeLimit.TotalSeconds, Path.Combine(bench.Scratch, "results"));

        PostgresAccess? access = null;
        SocketBridge? bridge = null;
        try
        {
            if (server is not null)
            {
                access = server.CreateAccess(databases: 4);
                if (options.Sandbox.IsWalled)
                {
                    // No network in the sandbox: the runner listens on loopback there and passes connections to this socket.
                    var socket = Path.Combine(bench.Scratch, "postgres.sock");
                    bridge = SocketBridge.UnixToTcp(socket, server.Host, server.Port);
                    request = request with { Postgres = new PostgresRequest(access with { Host = "127.0.0.1" }, socket) };
                }
                else
                    request = request with { Postgres = new PostgresRequest(access, null) };
            }

            timings.Add($"prepared {clock.ElapsedMilliseconds} ms");
            var (run, key) = toRun.Count == 0 && request.Build is null ? (null, "")
                : options.KeepRunners ? await runners.ServeAsync(bench, request, cancel)
                : await runners.RunAsync(bench, request, cancel);
            timings.Add($"runner {run?.Elapsed.TotalMilliseconds ?? 0:0} ms");
            if (request.Build is not null)
            {
                var build = RunnerProtocol.Read<BuildAnswer>(Path.Combine(request.Results, RunnerProtocol.BuildFile), key);
                if (build is null)
                    return ChapterResult.Failed(chapter, Status.Error, $"The build did not finish: {runners.Ended(run!)}", notes);
                timings.Add($"build {build.Milliseconds:0} ms");
                if (!build.Succeeded)
                    return ChapterResult.Failed(chapter, Status.Error, "The chapter does not compile:\n" + string.Join("\n", build.Errors), notes);
                RunnerProtocol.Write(bench[BuildRecord.File], new BuildRecord(fingerprint, AssemblyStamp(benchChapter, options.Configuration)));
            }
            foreach (var check in toRun)
            {
                var file = Path.Combine(request.Results, RunnerProtocol.CheckFile(check.Name));
                var answer = RunnerProtocol.Read<CheckAnswer>(file, key);
                if (answer is not null)
                    timings.Add($"{check.Name} {answer.Milliseconds:0} ms");
                outcomes[check.Name] = answer switch
                {
                    null when File.Exists(file) => new CheckResult(check.Name, Status.Error,
                        "Not graded: its answer was not sealed by the runner (the chapter's code wrote it, or it was cut short).", []),
                    null => new CheckResult(check.Name, Status.Error, $"Not finished: {runners.Ended(run!)}", []),
                    { Error: { } error } => new CheckResult(check.Name, Status.Error, $"Not finished: {error}", []),
                    { Failure: { } failure } => verdicts.Unfinished(check, info, failure),
                    _ => verdicts.Compare(check, info, answer.Outputs),
                };
            }
        }
        finally
        {
            bridge?.Dispose();
            if (access is not null)
                server!.DropAccess(access);
        }

        if (Environment.GetEnvironmentVariable("WORKBOOK_CHECK_TIMINGS") is "1")
            Console.Error.WriteLine($"timings of {chapter.Name}: {string.Join(", ", timings)}, in all {clock.ElapsedMilliseconds} ms");
        var results = checks.Select(check => outcomes[check.Name]).ToList();
        var notRun = results.Where(r => r.Status == Status.Error).Select(r => r.Name).ToList();
        var status = results.Any(r => r.Status == Status.Fail) ? Status.Fail : notRun.Count > 0 ? Status.Error : Status.Pass;
        var message = status == Status.Error ? $"Not graded here: {string.Join(", ", notRun)} could not finish." : "";
        var notStarted = status != Status.Pass && await chapter.IsUntouchedAsync();
        var start = notStarted && chapter.Info.Steps is [var first, ..] ? new Hint(first.Id, first.Title, first.Hint) : null;
        return new ChapterResult(chapter.Name, chapter.Info.Title, status, notStarted, message, results, notes, start);
    }

    /// <summary>
    /// Compiles <paramref name="chapter"/> again in the runner that serves its gradings, so that the SDK's build servers in its
    /// sandbox (MSBuild's and the compiler's) are up and warm before the learner's first save: watch mode does this while the
    /// learner reads the first result. One source file of the workbench's copy gets a new write time, so that the build
    /// compiles and copies the chapter's own assembly only. The checks that run in the runner's own process run too, their
    /// answers unread, so that EF Core's code is compiled there before the first save needs it (those that run the
    /// chapter's program, whose processes start cold each time, and those that need a server do not), but only when the
    /// chapter's last grading finished every check: code that ran into a limit would hold the workbench until its limit
    /// again while the learner saves a fix. Whether it compiles and passes is the next grading's to say.
    /// </summary>
    /// <param name="chapter">The learner's chapter.</param>
    /// <param name="stop">A save: the warm-up ends after the request its runner is serving, and the workbench is free.</param>
    public async Task WarmUpAsync(Chapter chapter, CancellationToken stop = default)
    {
        if (!options.KeepRunners)
            return;
        try
        {
            using var bench = await Workbench.OpenAsync(chapter, root, options.CacheRoot, options.Limits.WallClock);
            bench.Mirror(chapter);
            var fingerprint = ChapterBuild.Fingerprint(chapter, options.Configuration, root);
            var benchChapter = new Chapter(chapter.Info, bench.Source);
            var checks = finished.GetValueOrDefault(chapter.Folder)
                ? chapter.Info.Checks.Select(CheckCatalog.Named).Where(check => !check.RunsProgram && !check.NeedsServer).ToList()
                : [];
            // A compile, the checks, a compile again: the build servers compile their own hot code again in the background
            // after their first builds, which slowed the first save's checks by up to 0.6 s. A save stops the warm-up between
            // two requests, never during one, whose answers would then come after the save's request was sent.
            foreach (var (compile, withChecks) in new[] { (true, false), (false, true), (true, false) })
            {
                if (stop.IsCancellationRequested || (withChecks && checks.Count == 0))
                    continue;
                if (compile && benchChapter.SourceFiles().FirstOrDefault() is { } source)
                    File.SetLastWriteTimeUtc(Path.Combine(bench.Source, source), DateTime.UtcNow);
                var request = new RunnerRequest(chapter.Info, chapter.Info, bench.Source, options.Configuration,
                    compile ? NewBuildRequest() : null,
                    withChecks ? checks.Select(check => check.Name).ToList() : [],
                    withChecks && checks.Any(check => check.ReadsChapterDatabase) ? ChapterDatabaseCopy.Make(chapter, bench) : null,
                    null, options.ProgramTimeLimit.TotalSeconds, Path.Combine(bench.Scratch, "results"));
                var (_, key) = await runners.ServeAsync(bench, request, CancellationToken.None);
                if (!compile)
                    continue;
                if (RunnerProtocol.Read<BuildAnswer>(Path.Combine(request.Results, RunnerProtocol.BuildFile), key) is not { Succeeded: true })
                    return;
                RunnerProtocol.Write(bench[BuildRecord.File], new BuildRecord(fingerprint, AssemblyStamp(benchChapter, options.Configuration)));
            }
        }
        catch (Exception error) when (error is TimeoutException or IOException or UnauthorizedAccessException or FileNotFoundException)
        {
            // A chapter that cannot be warmed up is graded all the same; the grading says what is wrong.
        }
    }

    /// <summary>A build of the chapter with this workbook's build settings, the compiler speaking the learner's SDK language.</summary>
    BuildRequest NewBuildRequest() =>
        new(Path.Combine(root, "Directory.Build.props"), Path.Combine(root, "Directory.Packages.props"), LearnerEnvironment.SdkLanguage);

    /// <summary>The assembly's size and time written in a chapter's build output, or null when it is not built.</summary>
    static string? AssemblyStamp(Chapter chapter, string configuration)
    {
        try
        {
            var file = new FileInfo(chapter.BuiltAssembly(configuration));
            return $"{file.Length}@{file.LastWriteTimeUtc.Ticks}";
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    /// <summary>What the last build in a workbench was made from (<see cref="File"/> in the workbench).</summary>
    /// <param name="Inputs">The <see cref="ChapterBuild.Fingerprint"/> at that build.</param>
    /// <param name="Assembly">The assembly's size and time right after it.</param>
    internal sealed record BuildRecord(string Inputs, string? Assembly)
    {
        public const string File = "build.json";
    }
}

/// <summary>How a <see cref="Grader"/> grades.</summary>
/// <param name="Runner">The built check command, <c>Workbook.Check.dll</c>, which serves as the runner in the sandbox.</param>
/// <param name="Sandbox">Where learner code runs (<see cref="Sandbox.Find"/>).</param>
/// <param name="CacheRoot">The grader's cache folder, which holds the workbenches (<see cref="Workbench.DefaultCacheRoot"/>).</param>
/// <param name="UseCache">Take the result of a chapter whose inputs have not changed since it was last graded from <see cref="ResultCache"/>.</param>
/// <param name="TimeLimit">How long one run of the chapter's program may take; the runner's limits follow from it (<see cref="Limits"/>).</param>
/// <param name="Configuration">The MSBuild configuration to build chapters in.</param>
/// <param name="KeepRunners">
/// Keep one runner per chapter running between gradings, serving one after another with the SDK's build servers warm in
/// its sandbox (watch mode); <see cref="Grader.Dispose"/> ends them. Otherwise each grading starts a runner of its own.
/// </param>
public sealed record GraderOptions(string Runner, Sandbox Sandbox, string CacheRoot, bool UseCache = false, TimeSpan? TimeLimit = null,
    string Configuration = Grader.DefaultConfiguration, bool KeepRunners = false)
{
    /// <summary>How long a run of the chapter's program may take: <see cref="TimeLimit"/>, 120 s by default.</summary>
    public TimeSpan ProgramTimeLimit => TimeLimit ?? TimeSpan.FromSeconds(120);

    /// <summary>
    /// The runner's limits: five times <see cref="ProgramTimeLimit"/> on the clock for the build and every check,
    /// one and a half times it of CPU time per process, 4 GiB of memory per process.
    /// </summary>
    public Limits Limits => new(ProgramTimeLimit * 5, ProgramTimeLimit * 1.5, 4L << 30);
}
