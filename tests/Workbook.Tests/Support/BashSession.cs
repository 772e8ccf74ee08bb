using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Workbook.Tests;

/// <summary>
/// A real <c>bash</c> that runs commands one after another, as a learner types them in one terminal: the folder a
/// <c>cd</c> goes to, a variable an <c>export</c> sets and <c>$?</c> carry over from one command to the next. Each command's
/// output (standard output and standard error as they come, in one stream, as a terminal shows them), its exit code and
/// the folder the session is in afterwards are read back after it ends. A command reads no input (its standard input is
/// <c>/dev/null</c>), so that one that waits for typing cannot swallow the commands after it.
/// </summary>
public sealed class BashSession : IAsyncDisposable
{
    const string Marker = "@@workbook-bash@@";
    readonly Process bash;
    readonly StringBuilder received = new();
    readonly SemaphoreSlim arrived = new(0);
    int next;

    BashSession(Process bash)
    {
        this.bash = bash;
        _ = ReadAsync();
    }

    /// <summary>Starts <c>bash --noprofile --norc</c> in <paramref name="folder"/> with exactly <paramref name="environment"/>.</summary>
    /// <param name="folder">The folder the session starts in.</param>
    /// <param name="environment">The session's whole environment.</param>
    public static BashSession Start(string folder, IReadOnlyDictionary<string, string> environment)
    {
        var bash = Process.Start(ChildProcess.StartInfo("bash", ["--noprofile", "--norc"], folder, environment))
            ?? throw new InvalidOperationException("bash did not start.");
        bash.StandardInput.AutoFlush = true;
        bash.StandardInput.Write("exec 2>&1\n__workbook_rc=0\n");
        return new BashSession(bash);
    }

    /// <summary>Runs one command line and waits for it to end.</summary>
    /// <param name="command">The command, one line, as typed after the prompt.</param>
    /// <param name="timeLimit">How long it may take; after that the session is killed and the call throws.</param>
    /// <returns>What it printed, its exit code (<c>$?</c>) and the session's folder afterwards.</returns>
    /// <exception cref="TimeoutException">The command ran longer than <paramref name="timeLimit"/>.</exception>
    public async Task<BashCommand> RunAsync(string command, TimeSpan timeLimit)
    {
        var id = next++;
        var end = $"\n{Marker} {id} ";
        // ( exit N ) gives the command the exit code of the one before it in $?, as in a terminal.
        await bash.StandardInput.WriteAsync(
            $"( exit $__workbook_rc ); {{ {command}\n}} </dev/null; __workbook_rc=$?; printf '\\n{Marker} {id} %d %s\\n' $__workbook_rc \"$PWD\"\n");
        using var limit = new CancellationTokenSource(timeLimit);
        while (true)
        {
            string text;
            lock (received)
                text = received.ToString();
            var at = text.IndexOf(end, StringComparison.Ordinal);
            var lineEnd = at < 0 ? -1 : text.IndexOf('\n', at + end.Length);
            if (lineEnd >= 0)
            {
                var fields = text[(at + end.Length)..lineEnd].Split(' ', 2);
                lock (received)
                    received.Remove(0, lineEnd + 1);
                return new BashCommand(text[..at], int.Parse(fields[0], CultureInfo.InvariantCulture), fields[1]);
            }
            if (bash.HasExited)
                throw new InvalidOperationException($"bash ended while `{command}` ran; it printed:\n{text}");
            try
            {
                await arrived.WaitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                Kill();
                throw new TimeoutException($"`{command}` ran longer than {timeLimit.TotalSeconds:0} s; it printed:\n{text}");
            }
        }
    }

    async Task ReadAsync()
    {
        var buffer = new char[8192];
        int read;
        while ((read = await bash.StandardOutput.ReadAsync(buffer)) > 0)
        {
            lock (received)
                received.Append(buffer, 0, read);
            arrived.Release();
        }
        arrived.Release();
    }

    void Kill()
    {
        try
        {
            bash.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>Ends the session (its input closed, then killed with what it started if it lingers).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            bash.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await bash.WaitForExitAsync(wait.Token);
        }
        catch (Exception error) when (error is OperationCanceledException or IOException)
        {
            Kill();
        }
        bash.Dispose();
    }
}

/// <summary>One command run in a <see cref="BashSession"/>.</summary>
/// <param name="Output">What it printed, both streams in the order they came.</param>
/// <param name="ExitCode">Its exit code.</param>
/// <param name="Folder">The session's folder after it.</param>
public sealed record BashCommand(string Output, int ExitCode, string Folder);
