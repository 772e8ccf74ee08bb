using System.Collections.Concurrent;

namespace Workbook.Grading.Running;

/// <summary>
/// The grader's side of the runner (<see cref="ChapterRunner"/>): starts it in the sandbox on a request, one runner a grading
/// or one that serves a workbench's gradings one after another (<see cref="GraderOptions.KeepRunners"/>), and says in words
/// why a runner ended before it answered.
/// </summary>
/// <param name="root">The workbook's root, whose build settings the runner reads.</param>
/// <param name="options">The runner, the sandbox and the limits.</param>
public sealed class RunnerClient(string root, GraderOptions options) : IDisposable
{
    /// <summary>The runners that serve one grading after another, by workbench folder.</summary>
    readonly ConcurrentDictionary<string, (RunningChild Child, string Key)> serving = new();

    /// <summary>
    /// Starts the runner in the sandbox on <paramref name="request"/>, hands it the key of its answers' seals on its standard
    /// input, and waits for it, or for its limits.
    /// </summary>
    /// <returns>How the runner ended, and the key its answers are sealed with.</returns>
    public async Task<(ChildRun Run, string Key)> RunAsync(Workbench bench, RunnerRequest request, CancellationToken cancel)
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
    public async Task<(ChildRun Run, string Key)> ServeAsync(Workbench bench, RunnerRequest request, CancellationToken cancel)
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

    /// <summary>Ends the runners that serve gradings one after another, with everything they started.</summary>
    public void Dispose()
    {
        foreach (var (child, _) in serving.Values)
            child.Dispose();
        serving.Clear();
    }

    /// <summary>Why the runner ended before it answered, in words for the report.</summary>
    public string Ended(ChildRun run)
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
}
