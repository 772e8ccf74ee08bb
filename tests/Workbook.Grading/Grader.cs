using System.Globalization;
using CliWrap;
using CliWrap.Buffered;
using Workbook.Grading.Running;
using Workbook.Grading.Schema;

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
    /// <summary>The runners that serve one grading after another, by workbench folder (<see cref="GraderOptions.KeepRunners"/>).</summary>
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, (RunningChild Child, string Key)> serving = new();
    // Whether each chapter folder's last grading finished every check (a pass or a failure), for WarmUpAsync.
    readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> finished = new();

    /// <summary>The MSBuild configuration chapters are built and loaded in unless a grader is told otherwise.</summary>
    public const string DefaultConfiguration = "Debug";

    /// <summary>How the grader grades.</summary>
    public GraderOptions Options => options;

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
        var checks = info.Checks.Select(Checks.Named).Where(check => !(skipChapterDatabase && check.ReadsChapterDatabase)).ToList();
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
            toRun.Any(check => check.ReadsChapterDatabase) ? ChapterDatabase(chapter, bench) : null,
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
                : options.KeepRunners ? await ServeAsync(bench, request, cancel)
                : await RunAsync(bench, request, cancel);
            timings.Add($"runner {run?.Elapsed.TotalMilliseconds ?? 0:0} ms");
            if (request.Build is not null)
            {
                var build = RunnerProtocol.Read<BuildAnswer>(Path.Combine(request.Results, RunnerProtocol.BuildFile), key);
                if (build is null)
                    return ChapterResult.Failed(chapter, Status.Error, $"The build did not finish: {Ended(run!)}", notes);
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
                    null => new CheckResult(check.Name, Status.Error, $"Not finished: {Ended(run!)}", []),
                    { Error: { } error } => new CheckResult(check.Name, Status.Error, $"Not finished: {error}", []),
                    { Failure: { } failure } => Failed(check, info, failure),
                    _ => Compare(check, info, answer.Outputs, benchChapter),
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
        var notStarted = status != Status.Pass && await IsUntouchedAsync(chapter);
        var start = notStarted && chapter.Info.Steps is [var first, ..] ? new Hint(first.Id, first.Title, first.Hint) : null;
        return new ChapterResult(chapter.Name, chapter.Info.Title, status, notStarted, message, results, notes, start);
    }

    /// <summary>
    /// Starts the runner in the sandbox on <paramref name="request"/>, hands it the key of its answers' seals on its standard
    /// input, and waits for it, or for its limits.
    /// </summary>
    /// <returns>How the runner ended, and the key its answers are sealed with.</returns>
    async Task<(ChildRun, string)> RunAsync(Workbench bench, RunnerRequest request, CancellationToken cancel)
    {
        var key = RunnerProtocol.NewKey();
        var requestFile = Path.Combine(bench.Scratch, "request.json");
        RunnerProtocol.Write(requestFile, request);
        var run = await options.Sandbox.RunAsync(RunnerRun(bench, bench.Scratch, [ChapterRunner.Verb, requestFile]) with { StandardInput = key + "\n" }, cancel);
        return (run, key);
    }

    /// <summary>
    /// Hands <paramref name="request"/> to the runner that serves this workbench's gradings (starting one when there is none,
    /// or when the last one ended) and waits for its answer, or for the limit on the clock; a runner that reaches the limit
    /// is killed with everything it started, and the next grading starts another.
    /// </summary>
    /// <returns>How the request ended (as a run that timed out, or whose runner ended early), and the key of the seals.</returns>
    async Task<(ChildRun, string)> ServeAsync(Workbench bench, RunnerRequest request, CancellationToken cancel)
    {
        if (!serving.TryGetValue(bench.Folder, out var runner) || runner.Child.Exited.IsCompleted)
        {
            Directory.CreateDirectory(bench.Session);
            var child = await options.Sandbox.StartAsync(RunnerRun(bench, bench.Session, [ChapterRunner.ServeVerb]));
            runner = (child, RunnerProtocol.NewKey());
            await child.WriteLineAsync(runner.Key);
            serving[bench.Folder] = runner;
        }
        // The answers of this workbench's last request must not pass for this one's.
        if (Directory.Exists(request.Results))
            Directory.Delete(request.Results, recursive: true);
        var requestFile = Path.Combine(bench.Scratch, "request.json");
        RunnerProtocol.Write(requestFile, request);
        var done = Path.Combine(request.Results, RunnerProtocol.DoneFile);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            await runner.Child.WriteLineAsync(requestFile);
        }
        catch (IOException)
        {
            // The runner ended meanwhile: said below.
        }
        while (!File.Exists(done) && !runner.Child.Exited.IsCompleted && clock.Elapsed < options.Limits.WallClock)
            await Task.Delay(20, cancel);
        if (File.Exists(done))
            return (new ChildRun(0, "", "", false, false, clock.Elapsed), runner.Key);
        var timedOut = !runner.Child.Exited.IsCompleted;
        var exitCode = timedOut ? 137 : runner.Child.ExitCode;
        var printed = runner.Child.Output;
        runner.Child.Dispose();
        serving.TryRemove(bench.Folder, out _);
        return (new ChildRun(exitCode, "", printed, timedOut, false, clock.Elapsed), runner.Key);
    }

    /// <summary>The runner's run in the sandbox: the workbench's copy and scratch folder writable, what .NET needs read-only.</summary>
    SandboxRun RunnerRun(Workbench bench, string folder, IReadOnlyList<string> arguments)
    {
        var home = Path.Combine(folder, "home");
        var temp = Path.Combine(folder, "tmp");
        Directory.CreateDirectory(home);
        Directory.CreateDirectory(temp);
        var environment = ChildEnvironment.For(home, temp);
        environment["DOTNET_GCHeapHardLimit"] = "0x80000000"; // 2 GiB: the runner loads EF Core and the chapter
        var runner = Path.GetFullPath(options.Runner);
        return new SandboxRun(ChildEnvironment.Dotnet, [runner, .. arguments], folder, environment,
            ReadOnly: [ChildEnvironment.DotnetRoot, LearnerEnvironment.PackagesFolder, Path.GetDirectoryName(runner)!,
                Path.Combine(root, "Directory.Build.props"), Path.Combine(root, "Directory.Packages.props")],
            Writable: [bench.Source, bench.Scratch, folder],
            options.Limits);
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
                ? chapter.Info.Checks.Select(Checks.Named).Where(check => !check.RunsProgram && !check.NeedsServer).ToList()
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
                    withChecks && checks.Any(check => check.ReadsChapterDatabase) ? ChapterDatabase(chapter, bench) : null,
                    null, options.ProgramTimeLimit.TotalSeconds, Path.Combine(bench.Scratch, "results"));
                var (_, key) = await ServeAsync(bench, request, CancellationToken.None);
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

    /// <summary>Ends the runners that serve gradings one after another, with everything they started.</summary>
    public void Dispose()
    {
        foreach (var (child, _) in serving.Values)
            child.Dispose();
        serving.Clear();
    }

    /// <summary>Why the runner ended before it answered, in words for the report.</summary>
    string Ended(ChildRun run)
    {
        const int CpuLimitSignal = 128 + 24; // SIGXCPU: prlimit's CPU-time limit
        if (run.TimedOut)
            return string.Create(CultureInfo.InvariantCulture,
                $"the chapter's code ran longer than {options.Limits.WallClock.TotalSeconds:0} s and was stopped (a loop that never ends, or a machine too busy to finish in time).");
        if (run.ExitCode == CpuLimitSignal)
            return string.Create(CultureInfo.InvariantCulture,
                $"the chapter's code used more than {options.Limits.CpuTime.TotalSeconds:0} s of CPU time and was stopped (a loop that never ends?).");
        var said = string.Join("\n", (run.StandardError + run.StandardOutput).ReplaceLineEndings("\n").Split('\n')
            .Where(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("at ", StringComparison.Ordinal)).Take(6));
        return $"the chapter's code ended the run early (exit code {run.ExitCode}) before this check answered."
            + (said.Length > 0 ? "\nIt printed:\n" + Report.Indent(said, "  ").TrimEnd('\n') : "");
    }

    /// <summary>The grader's copy of the chapter's <c>app.db</c> (and of its <c>-wal</c> file), or why there is none.</summary>
    static ChapterDatabaseCopy ChapterDatabase(Chapter chapter, Workbench bench)
    {
        var file = Path.Combine(chapter.Folder, "app.db");
        var notes = new List<string>();
        foreach (var setting in LearnerEnvironment.DatabaseUrlSettings(chapter))
            notes.Add($"Your DATABASE_URL in {setting.Source} points to {setting.Target}: `dotnet ef` and `dotnet run` use that, "
                + "not app.db. Remove it (`dotnet user-secrets remove DATABASE_URL` in the chapter folder, or unset the variable) "
                + "and run `dotnet ef database update` again.");
        foreach (var stray in StrayDatabases(chapter))
            notes.Add($"There is an app.db in {stray}: a program that opened `Data Source=app.db` made it in the folder it ran in. "
                + "The app and `dotnet ef` must agree on one file: the chapter's Config puts it in the project folder.");
        if (!File.Exists(file))
            return new ChapterDatabaseCopy(null, "No app.db in the chapter folder yet: run `dotnet ef database update` there.\n", notes);
        if (new FileInfo(file).Length == 0)
            return new ChapterDatabaseCopy(null, "app.db is empty (running the app creates the file): run `dotnet ef database update` in the chapter folder.\n", notes);
        // A copy, so that reading it leaves nothing beside the learner's app.db (SQLite makes -wal and -shm files) and waits for no lock.
        var folder = Path.Combine(bench.Scratch, "app-db");
        Directory.CreateDirectory(folder);
        File.Copy(file, Path.Combine(folder, "app.db"));
        if (File.Exists(file + "-wal"))
            File.Copy(file + "-wal", Path.Combine(folder, "app.db-wal"));
        return new ChapterDatabaseCopy(Path.Combine(folder, "app.db"), "", notes);
    }

    /// <summary>
    /// Other <c>app.db</c> files a learner's program may have made by opening a relative path: in the chapter's build
    /// output folders and in the folders above the chapter (the workbook root, where <c>dotnet run --project</c> starts).
    /// </summary>
    static IEnumerable<string> StrayDatabases(Chapter chapter)
    {
        var bin = Path.Combine(chapter.Folder, "bin");
        var inBuild = Directory.Exists(bin) ? Directory.EnumerateFiles(bin, "app.db", SearchOption.AllDirectories) : [];
        var above = new[] { Path.GetDirectoryName(chapter.Folder), Path.GetDirectoryName(Path.GetDirectoryName(chapter.Folder)) }
            .Where(folder => folder is not null && File.Exists(Path.Combine(folder, "app.db")))
            .Select(folder => Path.Combine(folder!, "app.db"));
        return inBuild.Concat(above).Select(path => Path.GetRelativePath(chapter.Folder, Path.GetDirectoryName(path)!) is var relative && relative == "." ? chapter.Folder : relative);
    }

    /// <summary>A check whose run threw because of the chapter's code: a failure, with the pitfall it shows and the hints of the steps that own the check.</summary>
    CheckResult Failed(Check check, ChapterInfo info, string cause)
    {
        var pitfalls = Pitfalls.Recognise(check.Name, [new Output("error", cause)], ["error"]).Select(line => $"Pitfall: {line}\n");
        return new CheckResult(check.Name, Status.Fail, $"{string.Concat(pitfalls)}The check could not finish: {cause}", Hints(info, check.Name, [(null, null)]));
    }

    /// <summary>Compares a check's outputs with the expectations: a pass, or a failure with its diffs, pitfalls and hints.</summary>
    CheckResult Compare(Check check, ChapterInfo info, IReadOnlyList<Output> outputs, Chapter built)
    {
        var expected = Expectations.Read(root, info.Folder, check.Name);
        var messages = new List<string>();
        var causes = new List<(string? Output, string? Key)>();
        // Outputs a check could not make because something graded elsewhere is missing: one line per reason.
        var blocked = outputs.Where(o => o.BlockedBy is not null).GroupBy(o => o.Text.TrimEnd()).ToList();
        foreach (var reason in blocked)
            messages.Add($"{string.Join(", ", reason.Select(o => o.Name))}: not checked. {reason.Key}");
        foreach (var output in outputs.Where(o => o.BlockedBy is null))
        {
            if (!expected.TryGetValue(output.Name, out var text))
            {
                messages.Add($"{output.Name}: no expected output of this name exists.");
                causes.Add((output.Name, null));
                continue;
            }
            var (want, got) = (Scrub.MigrationNames(text), Scrub.MigrationNames(Scrub.Lines(output.Text)));
            if (want == got)
                continue;
            if (output.Keyed)
            {
                var difference = KeyedText.Compare(want, got);
                if (difference.Keys.Count == 0)
                    continue;
                messages.Add($"{output.Name}: differs from the expected output.\n{Shorten(difference.Diff)}".TrimEnd());
                causes.AddRange(difference.Keys.Select(key => ((string?)output.Name, (string?)key)));
            }
            else
            {
                messages.Add($"{output.Name}: differs from the expected output.\n{Shorten(TextDiff.Lines(want, got))}".TrimEnd());
                causes.Add((output.Name, null));
            }
        }
        foreach (var name in expected.Keys.Except(outputs.Select(o => o.Name)).Order(StringComparer.Ordinal))
        {
            messages.Add($"{name}: was expected and not produced.\n{Shorten(TextDiff.Lines(expected[name], ""))}".TrimEnd());
            causes.Add((name, null));
        }
        if (messages.Count == 0)
            return new CheckResult(check.Name, Status.Pass, "", []);
        var differing = causes.Where(c => c.Output is not null).Select(c => c.Output!).ToHashSet();
        messages.InsertRange(0, Pitfalls.Recognise(check.Name, outputs, differing).Select(line => "Pitfall: " + line));
        return new CheckResult(check.Name, Status.Fail, string.Join("\n\n", messages), Hints(info, check.Name, causes, expected));
    }

    // A whole missing file as a diff drowns the rest of the report: its first lines say enough.
    static string Shorten(string diff)
    {
        const int MaxLines = 25;
        var lines = diff.TrimEnd('\n').Split('\n');
        return lines.Length <= MaxLines ? diff : string.Join('\n', lines.Take(MaxLines)) + $"\n... ({lines.Length - MaxLines} more lines)\n";
    }

    /// <summary>
    /// The hints of the steps that best explain what differs in a check, as a likelihood: every step that names the check
    /// (<see cref="ChapterInfo.StepsFor"/>) is a candidate with the differences it owns and the things it names that did
    /// <em>not</em> differ (its "wrong predictions": had that step not been done, those would differ too). A candidate
    /// whose differences are all owned by another that predicts no more wrongly is left out (it explains less, no better);
    /// the others come most differences first, then fewest wrong predictions, then the most precise reference, then step
    /// order. So a learner who has done every step but one sees that step's hint first, not a neighbour's that names part of
    /// the same output. Advice to compare with the previous solution when no step owns a difference; none when every output
    /// was blocked by something another check grades (that check has the hint).
    /// </summary>
    /// <param name="info">The chapter whose steps apply.</param>
    /// <param name="check">The check.</param>
    /// <param name="causes">The differences: an output and the key of a line in it (null for the output as a whole); an
    /// output of null for the check as a whole (it could not finish).</param>
    /// <param name="expected">The check's expected outputs by name, to count what a step names that did not differ.</param>
    IReadOnlyList<Hint> Hints(ChapterInfo info, string check, IReadOnlyList<(string? Output, string? Key)> causes,
        IReadOnlyDictionary<string, string>? expected = null)
    {
        if (causes.Count == 0)
            return [];
        expected ??= new Dictionary<string, string>();
        var differingOutputs = causes.Where(c => c.Output is not null).Select(c => c.Output!).ToHashSet();
        var candidates = info.Steps
            .Select(step =>
            {
                var owned = causes.Select((cause, i) => (i, Closeness: step.Checks.Max(reference => ChapterInfo.Score(reference, check, cause.Output, cause.Key))))
                    .Where(match => match.Closeness >= 0).ToList();
                return (Step: step, Owns: owned.Select(match => match.i).ToHashSet(), Closeness: owned.Select(match => match.Closeness).DefaultIfEmpty(-1).Max(),
                    Wrong: step.Checks.Sum(reference => WrongPredictions(reference, check, expected, differingOutputs, causes)));
            })
            .Where(candidate => candidate.Owns.Count > 0)
            .ToList();
        var kept = candidates.Where(candidate => !candidates.Any(other => other.Step != candidate.Step
                && other.Owns.IsSupersetOf(candidate.Owns) && other.Wrong <= candidate.Wrong
                && (other.Owns.Count > candidate.Owns.Count || other.Wrong < candidate.Wrong || other.Closeness > candidate.Closeness)))
            .OrderByDescending(candidate => candidate.Owns.Count)
            .ThenBy(candidate => candidate.Wrong)
            .ThenByDescending(candidate => candidate.Closeness)
            .ThenBy(candidate => candidate.Step.Id, StringComparer.Ordinal)
            .Select(candidate => new Hint(candidate.Step.Id, candidate.Step.Title, candidate.Step.Hint))
            .ToList();
        if (kept.Count > 0)
            return kept;
        var earlier = manifest.Previous(info)?.Folder ?? info.Folder;
        return [new Hint("", "", $"No step of this chapter changes what '{check}' checks: it passed when the chapter started. "
            + $"Compare your files with solutions/{earlier}.")];
    }

    /// <summary>
    /// How many of the things <paramref name="reference"/> names in <paramref name="check"/> did not differ: for the whole
    /// check, its expected outputs that matched; for an output, 1 when it matched; for the lines of a keyed output whose
    /// key starts with a prefix, how many such keys of the expected output did not differ.
    /// </summary>
    static int WrongPredictions(string reference, string check, IReadOnlyDictionary<string, string> expected, HashSet<string> differingOutputs,
        IReadOnlyList<(string? Output, string? Key)> causes)
    {
        var (refCheck, output, prefix) = StepReference.Parse(reference);
        if (refCheck != check || causes.Any(cause => cause.Output is null))
            return 0;
        if (output is null)
            return expected.Keys.Count(name => !differingOutputs.Contains(name));
        if (prefix is null)
            return expected.ContainsKey(output) && !differingOutputs.Contains(output) ? 1 : 0;
        if (!expected.TryGetValue(output, out var text))
            return 0;
        var differingKeys = causes.Where(cause => cause.Output == output && cause.Key is not null).Select(cause => cause.Key!).ToHashSet();
        return text.Split('\n').Where(line => line.Trim().Length > 0).Select(KeyedText.KeyOf).Distinct()
            .Count(key => ChapterInfo.Score(reference, check, output, key) >= 0 && !differingKeys.Contains(key));
    }

    /// <summary>
    /// True when the chapter looks as it did when the learner got it: every step's <c>TODO n.m</c> marker is
    /// still in its sources and, where git can tell, nothing in the folder has changed since the last commit. Git is asked
    /// without its optional locks, so that it does not refresh the index of the learner's clone.
    /// </summary>
    /// <param name="chapter">The learner's chapter.</param>
    public static async Task<bool> IsUntouchedAsync(Chapter chapter)
    {
        if (!Directory.Exists(chapter.Folder))
            return false;
        var sources = string.Concat(chapter.SourceFiles().Select(f => File.ReadAllText(Path.Combine(chapter.Folder, f))));
        if (!chapter.Info.Steps.All(step => sources.Contains($"TODO {step.Id}:")))
            return false;
        try
        {
            var status = await Cli.Wrap("git").WithArguments(["--no-optional-locks", "status", "--porcelain", "--untracked-files=all", "--", "."])
                .WithWorkingDirectory(chapter.Folder).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            return status.ExitCode != 0 || status.StandardOutput.Trim().Length == 0;
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return true; // no git: the TODO markers decide
        }
    }

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
