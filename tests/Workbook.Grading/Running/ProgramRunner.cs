namespace Workbook.Grading.Running;

/// <summary>
/// Runs a chapter's built program in a child process, as <c>dotnet run --no-build</c> would, each run in a folder of its
/// own that is also its home (so it finds no user secret), with the environment of <see cref="ChildEnvironment.ForProgram"/>
/// and a wall-clock limit. In the grader's runner this happens inside the sandbox the runner lives in.
/// </summary>
/// <param name="timeLimit">How long one run may take before it is killed with every process it started.</param>
public sealed class ProgramRunner(TimeSpan timeLimit)
{
    /// <summary>How long one run may take.</summary>
    public TimeSpan TimeLimit => timeLimit;

    /// <summary>Runs <c>dotnet &lt;assembly&gt; &lt;arguments&gt;</c> in <paramref name="workingFolder"/>.</summary>
    /// <param name="chapter">The loaded chapter, whose <see cref="ChapterAssembly.Path"/> is run.</param>
    /// <param name="workingFolder">An existing folder to run in and to be the program's home, such as a <see cref="TempFolder"/>.</param>
    /// <param name="databaseUrl">The <c>DATABASE_URL</c> to set, or null to leave it unset.</param>
    /// <param name="arguments">Command-line arguments for the program.</param>
    /// <param name="standardInput">Text piped to the program's standard input, or null for none.</param>
    /// <returns>The exit code and both output streams as printed (an output longer than 1 MiB is cut, and says so).</returns>
    /// <exception cref="LimitReachedException">The program ran longer than the time limit and was stopped.</exception>
    public async Task<CommandRun> RunAsync(
        ChapterAssembly chapter, string workingFolder, string? databaseUrl, IReadOnlyList<string>? arguments = null, string? standardInput = null)
    {
        var environment = ChildEnvironment.ForProgram(workingFolder, Path.GetTempPath());
        if (databaseUrl is not null)
            environment["DATABASE_URL"] = databaseUrl;
        var run = await ChildProcess.RunAsync(ChildEnvironment.Dotnet, [chapter.Path, .. arguments ?? []], workingFolder, environment, timeLimit, standardInput);
        if (run.TimedOut)
        {
            var command = arguments is { Count: > 0 } ? "dotnet run -- " + string.Join(' ', arguments) : "dotnet run";
            throw new LimitReachedException(string.Create(CultureInfo.InvariantCulture,
                $"`{command}` ran longer than {timeLimit.TotalSeconds:0} s and was stopped (a loop that never ends, or a machine too busy to finish in time)."));
        }
        var cut = run.OutputCut ? $"[output cut after {ChildProcess.DefaultOutputCap} characters]\n" : "";
        return new CommandRun(run.ExitCode, run.StandardOutput + cut, run.StandardError);
    }
}

/// <summary>
/// Learner code reached a limit of the grader (time, CPU time, memory): the check could not finish, which is an error of
/// that check, never a failure, since a busy machine reaches a time limit too.
/// </summary>
/// <param name="message">Which limit, in a sentence for the report.</param>
public sealed class LimitReachedException(string message) : Exception(message);

/// <summary>What a command did: its exit code and what it printed.</summary>
/// <param name="ExitCode">The process exit code; 0 means success.</param>
/// <param name="StandardOutput">Everything written to standard output.</param>
/// <param name="StandardError">Everything written to standard error.</param>
public sealed record CommandRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>
    /// The run as a person reads it: a prompt line <c>[folder]$ command</c>, standard output, then standard
    /// error with each line marked <c>[stderr]</c>, then the exit code.
    /// </summary>
    /// <param name="command">How a learner would type the command, such as <c>dotnet run</c>.</param>
    /// <param name="folder">The folder it is typed in, relative to the workbook, or null to show none.</param>
    public string Transcript(string command, string? folder = null)
    {
        var text = new StringBuilder(folder is null ? $"$ {command}\n" : $"[{folder}]$ {command}\n").Append(StandardOutput.ReplaceLineEndings("\n"));
        foreach (var line in StandardError.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            text.Append("[stderr] ").Append(line).Append('\n');
        return text.Append($"[exit code {ExitCode}]\n").ToString();
    }
}
