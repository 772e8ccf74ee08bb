using System.Collections;
using System.Diagnostics;
using System.Text;

namespace Workbook.Tests;

/// <summary>
/// A child process that a test watches while it runs, for a claim about a program that waits or is killed: its two output
/// streams are read as they come and can be looked at at any moment, the test waits for something to happen (a line, a
/// file) by polling rather than sleeping a fixed time, and the process is killed with every process it started when it is
/// disposed, if it still runs.
/// </summary>
public sealed class RunningProcess : IDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();
    readonly StringBuilder error = new();
    readonly Task reading;

    RunningProcess(Process process)
    {
        this.process = process;
        reading = Task.WhenAll(ReadAsync(process.StandardOutput, output), ReadAsync(process.StandardError, error));
    }

    /// <summary>Starts <paramref name="program"/> with exactly <paramref name="environment"/> and no standard input.</summary>
    /// <param name="program">The program's path or name on <c>PATH</c>.</param>
    /// <param name="arguments">Its arguments, each passed as one argument.</param>
    /// <param name="workingFolder">An existing folder to run in.</param>
    /// <param name="environment">The child's whole environment: nothing of this process is passed on.</param>
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be started.</exception>
    public static RunningProcess Start(string program, IReadOnlyList<string> arguments, string workingFolder, IReadOnlyDictionary<string, string> environment)
    {
        var process = Process.Start(ChildProcess.StartInfo(program, arguments, workingFolder, environment))
            ?? throw new InvalidOperationException($"{program} did not start.");
        process.StandardInput.Close();
        return new RunningProcess(process);
    }

    /// <summary>
    /// This process's environment with <paramref name="changes"/> made (a null value removes a variable), for a command
    /// that must see what <see cref="DotnetCommand"/> gives the <c>dotnet</c> commands it runs.
    /// </summary>
    /// <param name="changes">Variables to set or, with a null value, remove.</param>
    public static Dictionary<string, string> Inherited(IReadOnlyDictionary<string, string?> changes)
    {
        var variables = new Dictionary<string, string>();
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
            variables[(string)variable.Key] = (string?)variable.Value ?? "";
        foreach (var (name, value) in changes)
        {
            if (value is null)
                variables.Remove(name);
            else
                variables[name] = value;
        }
        return variables;
    }

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>What it has written to standard output so far.</summary>
    public string StandardOutput => Text(output);

    /// <summary>What it has written to standard error so far.</summary>
    public string StandardError => Text(error);

    /// <summary>
    /// Polls <paramref name="condition"/> every few milliseconds until it holds.
    /// </summary>
    /// <param name="condition">What the test waits for.</param>
    /// <param name="what">What that is, for the failure message.</param>
    /// <param name="timeLimit">How long to wait at most.</param>
    /// <param name="whileRunning">Fail at once when the process ends before the condition holds.</param>
    /// <exception cref="Xunit.Sdk.XunitException">The condition did not hold in time, or the process ended first.</exception>
    public async Task WaitForAsync(Func<bool> condition, string what, TimeSpan timeLimit, bool whileRunning = true)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (whileRunning && process.HasExited)
            {
                await reading.WaitAsync(TimeSpan.FromSeconds(5));
                if (condition())
                    return;
                Assert.Fail($"The process ended with exit code {process.ExitCode} before {what}.\n{Transcript()}");
            }
            if (clock.Elapsed > timeLimit)
                Assert.Fail($"No {what} after {timeLimit.TotalSeconds:0} s.\n{Transcript()}");
            await Task.Delay(TimeSpan.FromMilliseconds(5));
        }
    }

    /// <summary>Waits for the process to end and for its output to be read to the end.</summary>
    /// <param name="timeLimit">How long to wait at most.</param>
    /// <returns>Its exit code.</returns>
    /// <exception cref="Xunit.Sdk.XunitException">It still ran after <paramref name="timeLimit"/>.</exception>
    public async Task<int> WaitForExitAsync(TimeSpan timeLimit)
    {
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeLimit);
            await reading.WaitAsync(timeLimit);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The process still ran after {timeLimit.TotalSeconds:0} s.\n{Transcript()}");
        }
        return process.ExitCode;
    }

    /// <summary>Kills the process alone with SIGKILL, as <c>kill -9</c> does, and waits for it to be gone.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: false);
        await process.WaitForExitAsync();
    }

    /// <summary>Both outputs so far, for a failure message.</summary>
    public string Transcript() => $"[stdout]\n{StandardOutput}\n[stderr]\n{StandardError}";

    static async Task ReadAsync(StreamReader reader, StringBuilder into)
    {
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer)) > 0)
        {
            lock (into)
                into.Append(buffer, 0, read);
        }
    }

    static string Text(StringBuilder text)
    {
        lock (text)
            return text.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>Kills the process and every process it started, if it still runs.</summary>
    public void Dispose()
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        process.Dispose();
    }
}
