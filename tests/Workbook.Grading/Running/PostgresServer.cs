using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Workbook.Grading.Running;

/// <summary>
/// A PostgreSQL server for the checks and tests that need one: the server <c>WORKBOOK_POSTGRES_URL</c> names, or else a
/// throwaway one started from PostgreSQL's binaries (<c>PATH</c>, then <c>/usr/lib/postgresql/*/bin</c>): a cluster made
/// by <c>initdb</c> in a temporary folder, listening on a free loopback port, stopped and deleted when this process
/// exits. <c>initdb</c> refuses to run as root, so as root the server runs as the <c>postgres</c> user. One server per
/// process (<see cref="Shared"/>), one database per caller (<see cref="CreateDatabase"/>).
/// </summary>
public sealed class PostgresServer
{
    /// <summary>The environment variable that points the checks at an existing server instead of a throwaway one.</summary>
    public const string UrlVariable = "WORKBOOK_POSTGRES_URL";

    /// <summary>What to do when no server can be had, for reports and skip reasons.</summary>
    public const string HowToGetOne = "install PostgreSQL (Debian/Ubuntu: apt-get install postgresql; or run the postgres container image "
        + $"and set {UrlVariable}=postgresql://postgres:password@localhost:5432/postgres)";

    static readonly Lazy<(PostgresServer? Server, string? Reason)> Instance = new(Start);

    readonly NpgsqlConnectionStringBuilder admin;

    PostgresServer(NpgsqlConnectionStringBuilder admin, TimeSpan startTime, string? binaries)
    {
        this.admin = admin;
        StartTime = startTime;
        Binaries = binaries;
    }

    /// <summary>
    /// The server of this process, started on first use; null when none can be had (see <see cref="Unavailable"/>).
    /// </summary>
    public static PostgresServer? Shared => Instance.Value.Server;

    /// <summary>Why <see cref="Shared"/> is null, in one line that ends with how to get a server; null when it is not.</summary>
    public static string? Unavailable => Instance.Value.Reason;

    /// <summary>How long finding or starting the server took (initdb, start and first connection for a throwaway one).</summary>
    public TimeSpan StartTime { get; }

    /// <summary>True for a server this process started; false for the one <c>WORKBOOK_POSTGRES_URL</c> names.</summary>
    public bool Throwaway => Binaries is not null;

    /// <summary>
    /// The folder of PostgreSQL's programs (<c>psql</c>, <c>createdb</c>) for a throwaway server; null for the server
    /// <c>WORKBOOK_POSTGRES_URL</c> names, whose programs are looked up on <c>PATH</c>.
    /// </summary>
    public string? Binaries { get; }

    /// <summary>Runs one SQL statement as the superuser, in the database the server was found or started with.</summary>
    /// <param name="sql">The statement, such as <c>CREATE ROLE ...</c>.</param>
    /// <exception cref="NpgsqlException">The server refused.</exception>
    public void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(ConnectionString(admin.Database ?? "postgres"));
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    /// <summary>The server's host name as connections use it.</summary>
    public string Host => admin.Host!;

    /// <summary>The server's TCP port.</summary>
    public int Port => admin.Port;

    /// <summary>The user the checks connect as, a superuser.</summary>
    public string Username => admin.Username!;

    /// <summary>
    /// Creates a new empty database with a unique name that starts with <paramref name="prefix"/>.
    /// </summary>
    /// <param name="prefix">Letters, digits and underscores that say who made it, such as <c>chapter07</c>.</param>
    /// <param name="owner">The user that owns it, or null for the superuser.</param>
    /// <returns>The database's name.</returns>
    /// <exception cref="NpgsqlException">The server refused.</exception>
    public string CreateDatabase(string prefix, string? owner = null)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 63)].ToLowerInvariant();
        Execute($"CREATE DATABASE \"{name}\"{(owner is null ? "" : $" OWNER \"{owner}\"")}");
        return name;
    }

    /// <summary>
    /// A user of its own for one grading, with a random password and no right but to log in, and
    /// <paramref name="databases"/> new empty databases it owns: learner code gets these, never the superuser's password.
    /// </summary>
    /// <param name="databases">How many databases to make.</param>
    /// <exception cref="NpgsqlException">The server refused.</exception>
    public PostgresAccess CreateAccess(int databases)
    {
        var user = $"learner_{Guid.NewGuid():N}"[..24];
        var password = Guid.NewGuid().ToString("N");
        Execute($"CREATE ROLE \"{user}\" LOGIN PASSWORD '{password}'");
        return new PostgresAccess(Host, Port, user, password, Enumerable.Range(0, databases).Select(_ => CreateDatabase("grading", user)).ToList());
    }

    /// <summary>Drops the databases and the user of <see cref="CreateAccess"/>, whoever is still connected; a failure is left to the server's end.</summary>
    /// <param name="access">What <see cref="CreateAccess"/> made.</param>
    public void DropAccess(PostgresAccess access)
    {
        try
        {
            foreach (var database in access.Databases)
                Execute($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            Execute($"DROP ROLE IF EXISTS \"{access.Username}\"");
        }
        catch (NpgsqlException)
        {
            // The throwaway server is deleted with its data when this process ends.
        }
    }

    /// <summary>An Npgsql connection string for <paramref name="database"/> on this server, with the password.</summary>
    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder(admin.ConnectionString) { Database = database, Pooling = false }.ConnectionString;

    /// <summary>
    /// A <c>postgresql://</c> URL for <paramref name="database"/> on this server, the form an app's <c>DATABASE_URL</c>
    /// takes; user name and password percent-encoded.
    /// </summary>
    /// <param name="database">The database's name.</param>
    /// <param name="password">The password to put in the URL; the real one when null.</param>
    public string Url(string database, string? password = null) =>
        $"postgresql://{Uri.EscapeDataString(Username)}:{Uri.EscapeDataString(password ?? admin.Password ?? "")}@{Host}:{Port}/{Uri.EscapeDataString(database)}";

    static (PostgresServer?, string?) Start()
    {
        var clock = Stopwatch.StartNew();
        if (Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url)
        {
            try
            {
                var builder = Parse(url);
                using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false }.ConnectionString))
                    connection.Open();
                return (new PostgresServer(builder, clock.Elapsed, binaries: null), null);
            }
            catch (Exception error) when (error is NpgsqlException or UriFormatException or ArgumentException)
            {
                return (null, $"{UrlVariable} is set, but its server cannot be used ({error.Message.Split('\n')[0]}); fix it or unset it.");
            }
        }
        if (FindBinaries() is not { } bin)
            return (null, $"PostgreSQL's binaries (initdb, pg_ctl) are neither on PATH nor in /usr/lib/postgresql/*/bin: {HowToGetOne}.");
        try
        {
            return (StartThrowaway(bin, clock), null);
        }
        catch (Exception error) when (error is InvalidOperationException or IOException or NpgsqlException or System.ComponentModel.Win32Exception)
        {
            return (null, $"a throwaway PostgreSQL server from {bin} did not start ({error.Message.Split('\n')[0]}); set {UrlVariable} to use another server.");
        }
    }

    /// <summary>Reads a <c>postgresql://</c> URL into an Npgsql connection string builder.</summary>
    static NpgsqlConnectionStringBuilder Parse(string url)
    {
        var uri = new Uri(url);
        var user = uri.UserInfo.Split(':', 2);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port,
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            Database = uri.AbsolutePath.Trim('/') is { Length: > 0 } database ? Uri.UnescapeDataString(database) : "postgres",
        };
    }

    /// <summary>The folder that holds <c>initdb</c> and <c>pg_ctl</c>: on PATH first, then the newest /usr/lib/postgresql version.</summary>
    static string? FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var version) ? version : 0)
                .Select(d => Path.Combine(d, "bin"))
            : [];
        var found = onPath.Concat(debian).FirstOrDefault(dir =>
            File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
        // A link on PATH (/usr/local/bin/initdb -> /usr/lib/postgresql/15/bin/initdb): the real folder has psql and createdb too.
        return found is null ? null
            : new FileInfo(Path.Combine(found, "initdb")).ResolveLinkTarget(returnFinalTarget: true) is { } target
                ? Path.GetDirectoryName(target.FullName)
                : found;
    }

    static PostgresServer StartThrowaway(string bin, Stopwatch clock)
    {
        // initdb refuses root: the server then runs as the postgres user, in folders that user owns.
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        var folder = Path.Combine(Path.GetTempPath(), $"workbook-pg-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        var data = Path.Combine(folder, "data");
        var log = Path.Combine(folder, "server.log");
        var password = Guid.NewGuid().ToString("N");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "password"), password + "\n");
        if (runAs is not null)
            Run(null, "chown", "-R", runAs, folder);

        Run(runAs, Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--pwfile", Path.Combine(folder, "password"),
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync");
        File.Delete(Path.Combine(folder, "password"));

        var port = FreePort();
        Run(runAs, Path.Combine(bin, "pg_ctl"), "-D", data, "-l", log, "-w", "-t", "30",
            "-o", $"-k {folder} -p {port} -h 127.0.0.1 -c fsync=off -c full_page_writes=off", "start");
        // A watcher outside this process stops the server and deletes its folder once this process is gone, however
        // it ends (a test host that is killed runs no exit handler).
        var stop = $"{Quote(Path.Combine(bin, "pg_ctl"))} -D {Quote(data)} -m immediate -w stop";
        if (runAs is not null)
            stop = $"runuser -u {runAs} -- {stop}";
        var watch = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 0.5; done; {stop}; rm -rf {Quote(folder)}";
        Run(null, "sh", "-c", $"setsid -f sh -c {Quote(watch)} </dev/null >/dev/null 2>&1");

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Username = "postgres", Password = password, Database = "postgres",
        };
        using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false }.ConnectionString))
            connection.Open();
        return new PostgresServer(builder, clock.Elapsed, bin);
    }

    static string Quote(string text) => "'" + text.Replace("'", "'\\''") + "'";

    static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Runs a program, as <paramref name="user"/> through <c>runuser</c> when given, and throws if it fails.</summary>
    static void Run(string? user, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(user is null ? program : "runuser")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (user is not null)
        {
            start.ArgumentList.Add("-u");
            start.ArgumentList.Add(user);
            start.ArgumentList.Add("--");
            start.ArgumentList.Add(program);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{Path.GetFileName(program)} did not finish in 60 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(program)} exited with {process.ExitCode}: {error.Result.Trim()} {output.Result.Trim()}".Trim());
    }
}
