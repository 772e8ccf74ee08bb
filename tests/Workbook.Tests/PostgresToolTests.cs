using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using Xunit.Abstractions;

namespace Workbook.Tests;

/// <summary>
/// <c>dotnet run --file tools/postgres.cs -- start | status | stop</c>, the learner's throwaway PostgreSQL server for
/// chapter 07, run as a learner runs it, with the server's folder in a temporary folder (<c>WORKBOOK_POSTGRES_FOLDER</c>)
/// and a temporary home folder, so that the machine's <c>~/.pgpass</c> is never read or written. Where PostgreSQL's
/// programs cannot be found, the tests are skipped with the tool's reason, except in CI (<c>CI=true</c>), where they fail.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class PostgresToolTests(ITestOutputHelper output) : IDisposable
{
    static readonly string Root = FindRoot();

    readonly string temp = Path.Combine(Path.GetTempPath(), "workbook-pgtool-" + Guid.NewGuid().ToString("N")[..8]);
    string? folder;

    string Home => Path.Combine(temp, "home");

    /// <summary>Where PostgreSQL's programs look for the password file with this home folder (and no <c>PGPASSFILE</c>).</summary>
    string PassFile => OperatingSystem.IsWindows() ? Path.Combine(Home, "postgresql", "pgpass.conf") : Path.Combine(Home, ".pgpass");

    /// <summary>
    /// <c>start</c> prints only a URL without a password, and puts the password first in the password file, above the
    /// learner's own line; Npgsql and psql log in with the URL and that file, and the user may create a database;
    /// <c>status</c> logs in the same way; a second <c>start</c> prints the same URL and changes nothing; <c>stop</c>
    /// stops the server, deletes its folder and its line, and a second <c>stop</c> has nothing to do.
    /// </summary>
    [SkippableFact]
    public void Start_gives_a_url_without_password_that_logs_in_through_the_password_file_and_stop_removes_it()
    {
        folder = Path.Combine(Home, "workbook", ".postgres"); // shown as ~/workbook/.postgres, as on the page
        Directory.CreateDirectory(Path.GetDirectoryName(PassFile)!);
        File.WriteAllText(PassFile, "db.example.com:5432:*:ann:hers\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(PassFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var portWasFree = PortIsFree(5432);

        var start = RunTool("start");
        var url = start.Output.TrimEnd('\n', '\r');
        Assert.Matches(@"^postgresql://blog@localhost:\d+/blog$", url);
        var uri = new Uri(url);
        if (portWasFree)
            Assert.Equal(5432, uri.Port);
        Assert.True(File.Exists(Path.Combine(folder, "server.txt")), "start wrote no server.txt");

        PageShows("$ export DATABASE_URL=$(dotnet run --file tools/postgres.cs -- start)", start.Error, uri.Port);

        var lines = File.ReadAllLines(PassFile);
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("# ", lines[0]);
        Assert.Matches($@"^localhost:{uri.Port}:\*:blog:[A-Za-z0-9]{{24}}$", lines[1]);
        Assert.Equal("db.example.com:5432:*:ann:hers", lines[2]);
        var password = lines[1].Split(':')[4];
        Assert.DoesNotContain(password, start.Output + start.Error);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(PassFile));

        // Npgsql with the URL's parts and no password: it reads the password file.
        var viaFile = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host, Port = uri.Port, Username = "blog", Database = "blog", Passfile = PassFile, Pooling = false,
        };
        using (var connection = new NpgsqlConnection(viaFile.ConnectionString))
        {
            connection.Open();
            using var create = new NpgsqlCommand("CREATE DATABASE tool_check", connection);
            create.ExecuteNonQuery();
        }
        using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(viaFile.ConnectionString) { Database = "tool_check" }.ConnectionString))
        {
            connection.Open();
            using var who = new NpgsqlCommand("SELECT current_user || ' in ' || current_database()", connection);
            Assert.Equal("blog in tool_check", who.ExecuteScalar());
        }

        // psql finds the file in the home folder by itself, with the URL as it is.
        if (Psql() is { } psql)
        {
            var run = Run(psql, [url, "-w", "-tAc", "SELECT current_user"], ToolEnvironment());
            Assert.True(run.ExitCode == 0, $"psql did not log in:\n{run.Error}");
            Assert.Equal("blog", run.Output.Trim());
        }

        // status logs in as the app does: Npgsql finds ~/.pgpass through HOME.
        var status = RunTool("status");
        Assert.Equal(url, status.Output.TrimEnd('\n', '\r'));
        Assert.Contains("blog logs in with the password in", status.Error);

        var again = RunTool("start");
        Assert.Equal(url, again.Output.TrimEnd('\n', '\r'));
        Assert.Contains("already runs", again.Error);
        Assert.Equal(lines, File.ReadAllLines(PassFile));

        var stop = RunTool("stop");
        Assert.Contains($"Stopped the workbook's server on localhost:{uri.Port}", stop.Error);
        Assert.Equal("", stop.Output);
        PageShows("$ dotnet run --file tools/postgres.cs -- stop", stop.Error, uri.Port);
        Assert.False(Directory.Exists(folder), "stop left the server's folder");
        Assert.Equal(["db.example.com:5432:*:ann:hers"], File.ReadAllLines(PassFile));
        var withPassword = new NpgsqlConnectionStringBuilder(viaFile.ConnectionString) { Password = password, Timeout = 5 };
        using (var connection = new NpgsqlConnection(withPassword.ConnectionString))
            Assert.ThrowsAny<NpgsqlException>(connection.Open);

        var stopAgain = RunTool("stop");
        Assert.Contains("nothing to stop", stopAgain.Error);
        Assert.Equal("", RunTool("status", expectedExitCode: 1).Output);
    }

    /// <summary>
    /// As root on Linux, where the server runs as the user postgres: a workbook under a folder closed to other users (such
    /// as <c>/root</c>) gets its data in the temporary folder, recorded in its own folder, and <c>stop</c> deletes both.
    /// </summary>
    [SkippableFact]
    public void As_root_a_workbook_in_a_closed_folder_still_gets_a_server()
    {
        Skip.IfNot(OperatingSystem.IsLinux() && System.Environment.IsPrivilegedProcess, "only as root on Linux");
        var closed = Path.Combine(temp, "closed");
        Directory.CreateDirectory(closed);
        if (OperatingSystem.IsLinux())
            File.SetUnixFileMode(closed, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        folder = Path.Combine(closed, "workbook", ".postgres");

        var start = RunTool("start");
        var url = start.Output.TrimEnd('\n');
        Assert.Contains("cannot reach", start.Error);
        var data = File.ReadAllLines(Path.Combine(folder, "server.txt")).Single(line => line.StartsWith("data=", StringComparison.Ordinal))[5..];
        Assert.StartsWith(Path.Combine(Path.GetTempPath(), "workbook-postgres-"), data);
        var uri = new Uri(url);
        using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host, Port = uri.Port, Username = "blog", Database = "blog", Passfile = PassFile, Pooling = false,
        }.ConnectionString))
            connection.Open();

        RunTool("stop");
        Assert.False(Directory.Exists(folder), "stop left the server's folder");
        Assert.False(Directory.Exists(Path.GetDirectoryName(data)), "stop left the data's folder");
        Assert.False(File.Exists(PassFile), "stop left a password file with nothing else in it");
    }

    /// <summary>
    /// <c>docs/07-postgresql.md</c> shows <paramref name="said"/> after <paramref name="command"/> (in a <c>text</c>
    /// block, which the page tests do not run), with the port 5432 for <paramref name="port"/>; the first line of
    /// <c>start</c>, PostgreSQL's version and folder, is the machine's and is not compared.
    /// </summary>
    static void PageShows(string command, string said, int port)
    {
        var page = File.ReadAllLines(Path.Combine(Root, "docs", "07-postgresql.md"));
        var at = Array.IndexOf(page, command);
        Assert.True(at >= 0, $"docs/07-postgresql.md does not show `{command}`");
        var shown = page.Skip(at + 1).TakeWhile(line => !line.StartsWith("$ ", StringComparison.Ordinal) && !line.StartsWith("```", StringComparison.Ordinal)).ToList();
        var printed = said.Replace($"localhost:{port}", "localhost:5432").ReplaceLineEndings("\n").TrimEnd('\n').Split('\n').ToList();
        if (command.EndsWith("-- start)", StringComparison.Ordinal))
        {
            Assert.StartsWith("PostgreSQL ", printed[0]);
            Assert.StartsWith("PostgreSQL ", shown[0]);
            (printed, shown) = (printed[1..], shown[1..]);
        }
        Assert.Equal(shown, printed);
    }

    /// <summary>Stops a server a failed test left running, and deletes the temporary folder.</summary>
    public void Dispose()
    {
        if (folder is not null && File.Exists(Path.Combine(folder, "server.txt")))
        {
            try
            {
                RunTool("stop");
            }
            catch (Exception error)
            {
                output.WriteLine($"stop after the test failed: {error.Message}");
            }
        }
        if (Directory.Exists(temp))
            Directory.Delete(temp, recursive: true);
    }

    /// <summary>
    /// Runs <c>dotnet run --file tools/postgres.cs -- ARGUMENT</c> from the workbook's root and checks its exit code; where
    /// PostgreSQL's programs cannot be found, skips the test (outside CI) or fails it (in CI) with what the tool said.
    /// </summary>
    (int ExitCode, string Output, string Error) RunTool(string argument, int expectedExitCode = 0)
    {
        var run = Run("dotnet", ["run", "--file", Path.Combine("tools", "postgres.cs"), "--", argument], ToolEnvironment(), Root);
        output.WriteLine($"$ dotnet run --file tools/postgres.cs -- {argument}\n{run.Output}{run.Error}[exit code {run.ExitCode}]");
        if (run.ExitCode != 0 && run.Error.Contains("PostgreSQL's programs (initdb, pg_ctl) are neither", StringComparison.Ordinal))
        {
            if (string.Equals(System.Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"CI=true, but there is no PostgreSQL: {run.Error}");
            Skip.If(true, $"No PostgreSQL: {run.Error}");
        }
        Assert.True(run.ExitCode == expectedExitCode, $"`{argument}` exited with {run.ExitCode}:\n{run.Output}{run.Error}");
        return run;
    }

    /// <summary>
    /// The tool's environment: the temporary home (its <c>.local/share</c> is where <c>dotnet run --file</c> keeps its
    /// build), no password file, password or <c>DATABASE_URL</c> of the machine, and the machine's NuGet packages.
    /// </summary>
    Dictionary<string, string?> ToolEnvironment()
    {
        Directory.CreateDirectory(Path.Combine(Home, ".local", "share"));
        return new()
        {
            ["HOME"] = Home,
            ["APPDATA"] = Home,
            ["WORKBOOK_POSTGRES_FOLDER"] = folder,
            ["PGPASSFILE"] = null,
            ["PGPASSWORD"] = null,
            ["DATABASE_URL"] = null,
            ["NUGET_PACKAGES"] = Packages.Value,
        };
    }

    /// <summary>
    /// The machine's NuGet package folder: the test host runs with a home folder of the suite's own, so NuGet is asked
    /// where it is with no <c>HOME</c> at all (then it takes the user's home from the system).
    /// </summary>
    static readonly Lazy<string> Packages = new(() =>
    {
        if (System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages)
            return packages;
        var run = Run("dotnet", ["nuget", "locals", "global-packages", "--list"], new() { ["HOME"] = null }, Path.GetTempPath());
        const string prefix = "global-packages: ";
        var line = run.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line?[prefix.Length..] ?? throw new InvalidOperationException($"dotnet nuget locals said no package folder:\n{run.Output}{run.Error}");
    });

    /// <summary><c>psql</c> beside the <c>initdb</c> the tool used, if it has one.</summary>
    string? Psql()
    {
        var bin = File.ReadAllLines(Path.Combine(folder!, "server.txt")).Single(line => line.StartsWith("bin=", StringComparison.Ordinal))[4..];
        var psql = Path.Combine(bin, OperatingSystem.IsWindows() ? "psql.exe" : "psql");
        return File.Exists(psql) ? psql : null;
    }

    static bool PortIsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    static (int ExitCode, string Output, string Error) Run(string program, string[] arguments, Dictionary<string, string?> environment, string? workingFolder = null)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
            WorkingDirectory = workingFolder ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
        {
            if (value is null)
                start.Environment.Remove(name);
            else
                start.Environment[name] = value;
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} did not finish in 3 minutes");
        }
        return (process.ExitCode, output.Result, error.Result);
    }

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Workbook.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Workbook.sln above {AppContext.BaseDirectory}");
    }
}
