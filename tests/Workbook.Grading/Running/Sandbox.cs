namespace Workbook.Grading.Running;

/// <summary>
/// Where learner code runs: in a child process, inside bubblewrap (<c>bwrap</c>) where the system has it. The sandbox
/// sees the system's programs and libraries read-only, the .NET SDK and the NuGet package folder read-only, the folders
/// a run names (read-only or writable) and nothing else of the machine: no home folder, no other learner's work, no
/// process of the machine (a PID namespace of its own), no network (a network namespace with only its own loopback). Its
/// environment is the one the run gives, nothing inherited. Killing the sandbox's first process ends every process in it,
/// one that left its session (<c>setsid</c>) included, since they all live in its PID namespace. Where the system has no
/// bubblewrap (Windows, macOS, a Linux without user namespaces) or the grader is told not to use it, the run gets the same
/// environment and limits without the walls, and <see cref="Description"/> says so.
/// </summary>
public sealed class Sandbox
{
    static readonly string[] SystemFolders = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc"];

    Sandbox(string? bubblewrap, string? prlimit, string description)
    {
        Bubblewrap = bubblewrap;
        Prlimit = prlimit;
        Description = description;
    }

    /// <summary>The <c>bwrap</c> program runs go through, or null for runs without walls.</summary>
    public string? Bubblewrap { get; }

    /// <summary>The <c>prlimit</c> program that sets a run's CPU-time and memory limits, or null where there is none.</summary>
    public string? Prlimit { get; }

    /// <summary>One sentence for the report: the sandbox in use, or why there is none.</summary>
    public string Description { get; }

    /// <summary>True when runs go through bubblewrap.</summary>
    public bool IsWalled => Bubblewrap is not null;

    /// <summary>
    /// The sandbox of this machine: bubblewrap when it is on <c>PATH</c> and can make its namespaces here (tried once with
    /// <c>bwrap ... true</c>), else none, with the reason.
    /// </summary>
    /// <param name="turnedOff">True when the user asked for no sandbox (<c>--no-sandbox</c>).</param>
    public static Sandbox Find(bool turnedOff = false)
    {
        var prlimit = OperatingSystem.IsLinux() ? OnPath("prlimit") : null;
        if (turnedOff)
            return new(null, prlimit, "No sandbox (--no-sandbox): learner code ran with your rights, within its time and memory limits only.");
        if (!OperatingSystem.IsLinux())
            return new(null, null, "No sandbox on this system (bubblewrap is Linux's): learner code ran with your rights, within its time limits only.");
        if (OnPath("bwrap") is not { } bwrap)
            return new(null, prlimit, "No sandbox: bubblewrap (bwrap) is not installed (Debian/Ubuntu: apt-get install bubblewrap), so learner code "
                + "ran with your rights, within its time and memory limits only.");
        if (Tried.Value is { } failure)
            return new(null, prlimit, $"No sandbox: bubblewrap cannot make its namespaces here ({failure}), so learner code ran with your "
                + "rights, within its time and memory limits only.");
        return new(bwrap, prlimit, "Learner code ran in a sandbox (bubblewrap): no network, no access to your files, time and memory limited.");
    }

    static readonly Lazy<string?> Tried = new(() =>
    {
        try
        {
            var run = ChildProcess.RunAsync("bwrap", [.. SystemBinds(), "--unshare-all", "--die-with-parent", "--", "/bin/true"], "/",
                new Dictionary<string, string>(), TimeSpan.FromSeconds(20)).GetAwaiter().GetResult();
            return run.ExitCode == 0 ? null : (run.StandardError.Trim() is { Length: > 0 } why ? why.Split('\n')[0] : $"exit code {run.ExitCode}");
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return error.Message;
        }
    });

    static string? OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);

    /// <summary>The system's own folders, read-only, as they are (a folder bound, a link made again as a link).</summary>
    static IEnumerable<string> SystemBinds()
    {
        foreach (var folder in SystemFolders)
        {
            var info = new DirectoryInfo(folder);
            if (!info.Exists && info.LinkTarget is null)
                continue;
            string[] bind = info.LinkTarget is { } link ? ["--symlink", link, folder] : ["--ro-bind", folder, folder];
            foreach (var argument in bind)
                yield return argument;
        }
    }

    /// <summary>Runs a program as <paramref name="run"/> says, in the sandbox where there is one.</summary>
    /// <param name="run">What to run, what it may see and for how long.</param>
    /// <param name="cancel">Ends the run early (Ctrl+C): the sandbox is killed and the call throws.</param>
    /// <returns>What the program did; <see cref="ChildRun.TimedOut"/> when it reached its wall-clock limit.</returns>
    /// <exception cref="System.ComponentModel.Win32Exception">The program (or bwrap) cannot be started.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public Task<ChildRun> RunAsync(SandboxRun run, CancellationToken cancel = default)
    {
        var (program, arguments, environment) = CommandLine(run);
        return ChildProcess.RunAsync(program, arguments, run.WorkingFolder, environment, run.Limits.WallClock, run.StandardInput, run.Limits.OutputCap, cancel);
    }

    /// <summary>
    /// Starts a program as <paramref name="run"/> says, in the sandbox where there is one, and leaves it running with its
    /// standard input open: a runner that serves one request after another (watch mode). Its wall-clock limit is the
    /// caller's to keep, per request; its CPU-time limit is left out, since a long session adds up.
    /// </summary>
    /// <param name="run">What to run and what it may see.</param>
    /// <returns>The running process; dispose it to kill it with everything it started.</returns>
    /// <exception cref="System.ComponentModel.Win32Exception">The program (or bwrap) cannot be started.</exception>
    public Task<RunningChild> StartAsync(SandboxRun run)
    {
        var (program, arguments, environment) = CommandLine(run with { Limits = run.Limits with { CpuTime = TimeSpan.Zero } });
        return RunningChild.StartAsync(program, arguments, run.WorkingFolder, environment, run.Limits.OutputCap);
    }

    /// <summary>
    /// The program, arguments and environment that run <paramref name="run"/>: bwrap with its binds and the run's environment
    /// where there is a sandbox, <c>prlimit</c> with the limits where there is one, then the program.
    /// </summary>
    (string Program, IReadOnlyList<string> Arguments, IReadOnlyDictionary<string, string> Environment) CommandLine(SandboxRun run)
    {
        var limited = new List<string>();
        if (Prlimit is not null)
        {
            limited.AddRange([Prlimit, $"--data={run.Limits.Memory.ToString(CultureInfo.InvariantCulture)}"]);
            // A soft limit below the hard one: the kernel sends SIGXCPU at the soft one (exit code 152, which says why) and
            // SIGKILL only at the hard one, for a process that ignores SIGXCPU.
            if (run.Limits.CpuTime > TimeSpan.Zero)
            {
                var cpu = (int)Math.Ceiling(run.Limits.CpuTime.TotalSeconds);
                limited.Add($"--cpu={cpu}:{cpu + 5}");
            }
            limited.Add("--");
        }
        limited.Add(run.Program);
        limited.AddRange(run.Arguments);
        var environment = new Dictionary<string, string>(run.Environment);

        if (Bubblewrap is null)
            return (limited[0], limited.Skip(1).ToList(), environment);

        var arguments = new List<string> { "--die-with-parent", "--new-session", "--unshare-all", "--cap-drop", "ALL" };
        arguments.AddRange(SystemBinds());
        arguments.AddRange(["--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]);
        // Parents before children, so that a folder bound inside another one is not hidden by it.
        var binds = run.ReadOnly.Select(path => (Path: Path.GetFullPath(path), Writable: false))
            .Concat(run.Writable.Select(path => (Path: Path.GetFullPath(path), Writable: true)))
            .Where(bind => File.Exists(bind.Path) || Directory.Exists(bind.Path))
            .DistinctBy(bind => bind.Path)
            .OrderBy(bind => bind.Path.Count(c => c == '/'))
            .ThenBy(bind => bind.Path, StringComparer.Ordinal);
        foreach (var (path, writable) in binds)
            arguments.AddRange([writable ? "--bind" : "--ro-bind", path, path]);
        arguments.Add("--clearenv");
        foreach (var (name, value) in environment)
            arguments.AddRange(["--setenv", name, value]);
        arguments.AddRange(["--chdir", run.WorkingFolder, "--"]);
        arguments.AddRange(limited);
        return (Bubblewrap, arguments, new Dictionary<string, string>());
    }
}

/// <summary>One run in the <see cref="Sandbox"/>.</summary>
/// <param name="Program">The program, an absolute path (inside the sandbox there is no <c>PATH</c> lookup but the run's own).</param>
/// <param name="Arguments">Its arguments.</param>
/// <param name="WorkingFolder">The folder it starts in; it must be one of <paramref name="Writable"/> or <paramref name="ReadOnly"/>.</param>
/// <param name="Environment">Its whole environment.</param>
/// <param name="ReadOnly">Files and folders it may read, at their own paths; missing ones are left out.</param>
/// <param name="Writable">Folders it may write, at their own paths.</param>
/// <param name="Limits">How long it may run, how much CPU time and memory it may use, how much output is kept.</param>
/// <param name="StandardInput">Text for its standard input, or null.</param>
public sealed record SandboxRun(
    string Program, IReadOnlyList<string> Arguments, string WorkingFolder, IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> ReadOnly, IReadOnlyList<string> Writable, Limits Limits, string? StandardInput = null);

/// <summary>The limits of one run of learner code.</summary>
/// <param name="WallClock">How long it may run, measured on the clock, before it is killed with every process it started.</param>
/// <param name="CpuTime">How much CPU time each of its processes may use (<c>prlimit --cpu</c>, where the system has it): a loop
/// ends here even on a machine so busy that the wall clock would take much longer.</param>
/// <param name="Memory">How many bytes of data memory each of its processes may map (<c>prlimit --data</c>).</param>
/// <param name="OutputCap">How many characters of each output stream are kept.</param>
public sealed record Limits(TimeSpan WallClock, TimeSpan CpuTime, long Memory, int OutputCap = ChildProcess.DefaultOutputCap);
