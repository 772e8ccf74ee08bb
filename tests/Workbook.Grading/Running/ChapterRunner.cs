using System.Runtime.InteropServices;

namespace Workbook.Grading.Running;

/// <summary>
/// The grader's runner: the process, started by the grader in the sandbox, that builds a learner's chapter and runs its
/// checks, since both run learner code (an MSBuild target, a DbContext, a program). It reads a <see cref="RunnerRequest"/>
/// and answers with files in its results folder, one per check as each finishes, so that a runner killed at its time limit
/// still leaves the answers it had. Everything that compares and judges stays in the grader, which never loads the
/// chapter's code.
/// </summary>
public static partial class ChapterRunner
{
    /// <summary>The command-line word that makes the check command act as the runner: <c>Workbook.Check.dll --run-chapter REQUEST</c>.</summary>
    public const string Verb = "--run-chapter";

    /// <summary>
    /// The command-line word that makes the check command a runner that serves one request after another (watch mode):
    /// <c>Workbook.Check.dll --serve-chapters</c>, each request's file named on a line of its standard input.
    /// </summary>
    public const string ServeVerb = "--serve-chapters";

    /// <summary>
    /// Serves one request: the build if asked, then every check, all answers written to the results folder and sealed with
    /// the key the first line of standard input holds (<see cref="RunnerProtocol.Seal"/>), read before any learner code runs.
    /// </summary>
    /// <param name="requestFile">The request, as JSON.</param>
    /// <returns>0 when the answers are written (whatever they say); 2 when the request or the key cannot be read.</returns>
    public static async Task<int> RunAsync(string requestFile)
    {
        DieWithParent();
        var key = Console.In.ReadLine();
        var request = key is { Length: 64 } ? RunnerProtocol.Read<RunnerRequest>(requestFile) : null;
        if (request is null)
        {
            await Console.Error.WriteLineAsync($"The runner's request {requestFile}, or its key, cannot be read.");
            return 2;
        }
        await ServeAsync(request, key!, keepBuildServers: false);
        return 0;
    }

    /// <summary>
    /// Serves requests one after another: the first line of standard input is the key of the seals, each next line names a
    /// request file; after each request, a sealed <see cref="RunnerProtocol.DoneFile"/> in its results folder says it is
    /// served. The SDK's build servers run in the sandbox for as long as the runner does, so that each build after the
    /// first is quick; each build's chapter is loaded afresh. Ends when standard input ends.
    /// </summary>
    /// <returns>0 at the end of standard input; 2 when the key cannot be read.</returns>
    public static async Task<int> ServeAsync()
    {
        DieWithParent();
        var key = await Console.In.ReadLineAsync();
        if (key is not { Length: 64 })
            return 2;
        while (await Console.In.ReadLineAsync() is { } requestFile)
        {
            if (RunnerProtocol.Read<RunnerRequest>(requestFile) is not { } request)
                continue;
            await ServeAsync(request, key, keepBuildServers: true);
            RunnerProtocol.Write(Path.Combine(request.Results, RunnerProtocol.DoneFile), new BuildAnswer(true, []), key);
        }
        return 0;
    }

    static async Task ServeAsync(RunnerRequest request, string key, bool keepBuildServers)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        Directory.CreateDirectory(request.Results);
        var chapter = new Chapter(request.Chapter, request.Folder);

        if (request.Build is { } build)
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var answer = await BuildAsync(chapter, request, build, keepBuildServers);
            answer = answer with { Milliseconds = clock.Elapsed.TotalMilliseconds };
            RunnerProtocol.Write(Path.Combine(request.Results, RunnerProtocol.BuildFile), answer, key);
            if (!answer.Succeeded)
                return;
        }
        if (request.Checks.Count == 0)
            return;

        ChapterAssembly assembly;
        try
        {
            assembly = ChapterAssembly.Load(chapter, request.Configuration);
        }
        catch (Exception error) when (error is FileNotFoundException or BadImageFormatException or FileLoadException)
        {
            foreach (var name in request.Checks)
                RunnerProtocol.Write(Path.Combine(request.Results, RunnerProtocol.CheckFile(name)), new CheckAnswer(name, [], Error: error.Message), key);
            return;
        }

        using var bridge = request.Postgres is { Socket: { } socket } postgres ? SocketBridge.TcpToUnix(postgres.Access.Port, socket) : null;
        var context = new CheckContext(assembly, request.GradedAs, new ProgramRunner(TimeSpan.FromSeconds(request.ProgramTimeLimitSeconds)),
            request.ChapterDatabase, request.Postgres?.Access);
        var checks = request.Checks.Select(CheckCatalog.Named).OrderByDescending(check => check.RunsProgram).ToList();
        await Task.WhenAll(checks.Select(check => Task.Run(async () =>
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var answer = await AnswerAsync(check, context);
            RunnerProtocol.Write(Path.Combine(request.Results, RunnerProtocol.CheckFile(check.Name)), answer with { Milliseconds = clock.Elapsed.TotalMilliseconds }, key);
        })));
    }

    /// <summary>Runs one check; what it threw becomes a failure of the chapter, or an error when a limit was reached.</summary>
    public static async Task<CheckAnswer> AnswerAsync(Check check, CheckContext context)
    {
        try
        {
            return new CheckAnswer(check.Name, await check.Run(context));
        }
        catch (LimitReachedException error)
        {
            return new CheckAnswer(check.Name, [], Error: error.Message);
        }
        catch (OutOfMemoryException)
        {
            return new CheckAnswer(check.Name, [], Error: "The chapter's code used more memory than the check allows (an allocation that never ends?).");
        }
        catch (ChapterCodeException error)
        {
            return new CheckAnswer(check.Name, [], Failure: error.Message);
        }
        catch (Exception error)
        {
            return new CheckAnswer(check.Name, [], Failure: $"{error.GetType().Name}: {error.Message}");
        }
    }

    static async Task<BuildAnswer> BuildAsync(Chapter chapter, RunnerRequest request, BuildRequest build, bool keepBuildServers)
    {
        var environment = ChildEnvironment.For(Environment.GetEnvironmentVariable("HOME") ?? Path.GetTempPath(), Path.GetTempPath());
        environment["DOTNET_CLI_UI_LANGUAGE"] = build.UiLanguage;
        if (keepBuildServers)
        {
            // The compiler and MSBuild servers, which live in the sandbox as long as this runner serves.
            environment["UseSharedCompilation"] = "true";
            environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "1";
            environment.Remove("MSBUILDDISABLENODEREUSE");
        }
        // The restore is skipped while what it reads is unchanged since the last one in this folder; a build that then finds
        // the restore's output missing or stale is run again with it.
        var restoreInputs = ChapterBuild.RestoreInputs(chapter, build.BuildProps, build.PackagesProps, Path.Combine(ChildEnvironment.DotnetRoot, "sdk"));
        var restoreRecord = Path.Combine(chapter.Folder, "obj", RestoreRecord);
        var restored = File.Exists(Path.Combine(chapter.Folder, "obj", "project.assets.json"))
            && File.Exists(restoreRecord) && File.ReadAllText(restoreRecord) == restoreInputs;
        var arguments = ChapterBuild.Arguments(chapter.ProjectFile, request.Configuration, build.BuildProps, build.PackagesProps);
        var run = await ChildProcess.RunAsync(ChildEnvironment.Dotnet, restored ? [.. arguments, "--no-restore"] : [.. arguments],
            chapter.Folder, environment, TimeSpan.FromMinutes(5));
        if (restored && run.ExitCode != 0 && RestoreOutputProblem().IsMatch(run.StandardOutput + run.StandardError))
        {
            restored = false;
            run = await ChildProcess.RunAsync(ChildEnvironment.Dotnet, arguments, chapter.Folder, environment, TimeSpan.FromMinutes(5));
        }
        if (run.TimedOut)
            return new BuildAnswer(false, ["The build ran longer than 300 s and was stopped (a target of the project that never ends?)."]);
        var output = run.StandardOutput + "\n" + run.StandardError;
        // A build that restored and then failed to compile (a learner's save is often half written) still restored.
        if (!restored && (run.ExitCode == 0 || !RestoreOutputProblem().IsMatch(output) && !RestoreError().IsMatch(output)))
            File.WriteAllText(restoreRecord, restoreInputs);
        return run.ExitCode == 0 ? new BuildAnswer(true, []) : new BuildAnswer(false, ChapterBuild.Errors(output, chapter.Folder, run.ExitCode));
    }

    /// <summary>
    /// The SDK's errors that say the restore's output is missing, stale or points at a package no longer there (NETSDK1004,
    /// NETSDK1005, NETSDK1047, NETSDK1064), whatever the UI language: a build skipped its restore when it should not have.
    /// </summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\bNETSDK10(04|05|47|64)\b")]
    private static partial System.Text.RegularExpressions.Regex RestoreOutputProblem();

    /// <summary>A NuGet error (NU1xxx) in a build's output: its restore did not finish.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"\berror NU\d{4}\b")]
    private static partial System.Text.RegularExpressions.Regex RestoreError();

    /// <summary>The file in the chapter's <c>obj/</c> that holds the <see cref="ChapterBuild.RestoreInputs"/> of its last restore.</summary>
    const string RestoreRecord = "workbook.restore-inputs";

    /// <summary>
    /// On Linux, asks the kernel to end this process when the grader that started it ends, however it ends (without a
    /// sandbox, nothing else would stop a runner whose grader was killed).
    /// </summary>
    static void DieWithParent()
    {
        if (!OperatingSystem.IsLinux())
            return;
        const int PrSetPdeathsig = 1, SigKill = 9;
        try
        {
            _ = prctl(PrSetPdeathsig, SigKill, 0, 0, 0);
        }
        catch (Exception error) when (error is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not a glibc or musl system: the grader's own kill on its time limit still applies.
        }
    }

    [DllImport("libc", SetLastError = true)]
    static extern int prctl(int option, ulong arg2, ulong arg3, ulong arg4, ulong arg5);
}
