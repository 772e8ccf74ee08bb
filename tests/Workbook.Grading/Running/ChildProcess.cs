using System.Diagnostics;

namespace Workbook.Grading.Running;

/// <summary>
/// Runs one program in a child process with exactly the environment it is given (nothing inherited), a wall-clock limit
/// after which the child and every process it started are killed, and a cap on how much of its output is kept.
/// </summary>
public static class ChildProcess
{
    /// <summary>How much of each output stream is kept: 1 MiB, enough for any transcript a check compares.</summary>
    public const int DefaultOutputCap = 1 << 20;

    /// <summary>Runs <paramref name="program"/> and waits for it, or for its time limit.</summary>
    /// <param name="program">The program's path or name on <c>PATH</c>.</param>
    /// <param name="arguments">Its arguments, each passed as one argument.</param>
    /// <param name="workingFolder">An existing folder to run in.</param>
    /// <param name="environment">The child's whole environment: no variable of this process is passed on.</param>
    /// <param name="timeLimit">How long it may run before it is killed with its whole process tree.</param>
    /// <param name="standardInput">Text written to its standard input, which is then closed; null closes it at once.</param>
    /// <param name="outputCap">How many characters of each output stream to keep; the rest is read and dropped.</param>
    /// <param name="cancel">Kills the child too, as the time limit does, and then throws.</param>
    /// <returns>The exit code, both outputs as far as kept, whether the limit was reached, and how long it ran.</returns>
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be started.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> was cancelled.</exception>
    public static async Task<ChildRun> RunAsync(
        string program, IReadOnlyList<string> arguments, string workingFolder, IReadOnlyDictionary<string, string> environment,
        TimeSpan timeLimit, string? standardInput = null, int outputCap = DefaultOutputCap, CancellationToken cancel = default)
    {
        var start = StartInfo(program, arguments, workingFolder, environment);
        var clock = Stopwatch.StartNew();
        using var process = await StartOnOwnThreadAsync(start);
        var (stdout, stderr) = (new StringBuilder(), new StringBuilder());
        using var stopReading = new CancellationTokenSource();
        var output = ReadCappedAsync(process.StandardOutput, stdout, outputCap, stopReading.Token);
        var error = ReadCappedAsync(process.StandardError, stderr, outputCap, stopReading.Token);
        try
        {
            if (standardInput is not null)
                await process.StandardInput.WriteAsync(standardInput);
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The child ended or closed its input before reading it all: what it did is in its exit code and output.
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(timeLimit);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancel.IsCancellationRequested;
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None);
        }
        // A process it started may hold its output open after it ends (one that left its session): what came until a
        // moment after the end is the output.
        var read = Task.WhenAll(output, error);
        if (await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)) != read)
            stopReading.Cancel();
        var cut = await output | await error;
        cancel.ThrowIfCancellationRequested();
        string Text(StringBuilder text) { lock (text) return text.ToString(); }
        return new ChildRun(process.ExitCode, Text(stdout), Text(stderr), timedOut, cut, clock.Elapsed);
    }

    /// <summary>
    /// How to start <paramref name="program"/> with exactly <paramref name="environment"/> (nothing of this process's is
    /// passed on), its three standard streams redirected, UTF-8 on the way back.
    /// </summary>
    /// <param name="program">The program's path or name on <c>PATH</c>.</param>
    /// <param name="arguments">Its arguments, each passed as one argument.</param>
    /// <param name="workingFolder">An existing folder to run in.</param>
    /// <param name="environment">The child's whole environment.</param>
    public static ProcessStartInfo StartInfo(string program, IEnumerable<string> arguments, string workingFolder, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingFolder,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment.Clear();
        foreach (var (name, value) in environment)
            start.Environment[name] = value;
        return start;
    }

    /// <summary>
    /// Starts the process from a thread of its own that lives as long as the process. On Linux a child may ask to die with
    /// its parent (bubblewrap's <c>--die-with-parent</c>, the runner's own request), and the kernel takes the parent to be
    /// the thread that started it: a pool thread that retires while the child runs would kill it.
    /// </summary>
    internal static Task<Process> StartOnOwnThreadAsync(ProcessStartInfo start)
    {
        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            Process process;
            try
            {
                process = Process.Start(start) ?? throw new InvalidOperationException($"{start.FileName} did not start.");
            }
            catch (Exception error)
            {
                started.SetException(error);
                return;
            }
            started.SetResult(process);
            try
            {
                process.WaitForExit();
            }
            catch (Exception error) when (error is InvalidOperationException or ObjectDisposedException)
            {
                // Disposed once its run was read: it has exited.
            }
        })
        { IsBackground = true, Name = "parent of " + Path.GetFileName(start.FileName) };
        thread.Start();
        return started.Task;
    }

    internal static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>
    /// Reads a stream to its end, or until <paramref name="stop"/>, into <paramref name="kept"/>, keeping its first
    /// <paramref name="cap"/> characters.
    /// </summary>
    /// <returns>True when the stream was longer than the cap.</returns>
    internal static async Task<bool> ReadCappedAsync(StreamReader reader, StringBuilder kept, int cap, CancellationToken stop)
    {
        var buffer = new char[8192];
        var cut = false;
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer, stop)) > 0)
            {
                lock (kept)
                {
                    var room = cap - kept.Length;
                    if (room > 0)
                        kept.Append(buffer, 0, Math.Min(room, read));
                    cut |= read > room;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The process ended and something it started still holds the stream: what came is kept.
        }
        return cut;
    }
}

/// <summary>What a child process did.</summary>
/// <param name="ExitCode">Its exit code; after a kill, the one the system reports for a killed process.</param>
/// <param name="StandardOutput">What it wrote to standard output, up to the cap.</param>
/// <param name="StandardError">What it wrote to standard error, up to the cap.</param>
/// <param name="TimedOut">True when it reached its time limit and was killed with its process tree.</param>
/// <param name="OutputCut">True when an output stream was longer than the cap and was cut.</param>
/// <param name="Elapsed">How long it ran, wall-clock.</param>
public sealed record ChildRun(int ExitCode, string StandardOutput, string StandardError, bool TimedOut, bool OutputCut, TimeSpan Elapsed);

/// <summary>
/// A child process left running with its standard input open, for a runner that serves one request after another: the
/// caller writes lines to it, watches for it to end, and disposes it to kill it with everything it started.
/// </summary>
public sealed class RunningChild : IDisposable
{
    readonly Process process;
    readonly StringBuilder output = new();

    RunningChild(Process process, int outputCap)
    {
        this.process = process;
        _ = ChildProcess.ReadCappedAsync(process.StandardOutput, output, outputCap, CancellationToken.None);
        _ = ChildProcess.ReadCappedAsync(process.StandardError, output, outputCap, CancellationToken.None);
        Exited = process.WaitForExitAsync();
    }

    /// <summary>Completes when the process ends.</summary>
    public Task Exited { get; }

    /// <summary>The process's exit code, once it has ended.</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>What it printed so far, both streams, up to the cap.</summary>
    public string Output
    {
        get
        {
            lock (output)
                return output.ToString();
        }
    }

    /// <summary>Starts <paramref name="program"/> with exactly <paramref name="environment"/>.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be started.</exception>
    public static async Task<RunningChild> StartAsync(string program, IReadOnlyList<string> arguments, string workingFolder,
        IReadOnlyDictionary<string, string> environment, int outputCap)
    {
        var process = await ChildProcess.StartOnOwnThreadAsync(ChildProcess.StartInfo(program, arguments, workingFolder, environment));
        process.StandardInput.AutoFlush = true;
        return new RunningChild(process, outputCap);
    }

    /// <summary>Writes one line to its standard input.</summary>
    /// <exception cref="IOException">It has ended.</exception>
    public Task WriteLineAsync(string line) => process.StandardInput.WriteLineAsync(line);

    /// <summary>Kills it with everything it started, if it still runs.</summary>
    public void Dispose()
    {
        ChildProcess.Kill(process);
        process.Dispose();
    }
}

