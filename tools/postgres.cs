#:package Npgsql
// A throwaway PostgreSQL server for chapter 07, made from PostgreSQL's own programs (initdb, pg_ctl), with a user and a
// database `blog`. It prints the DATABASE_URL to use, without the password: the password goes to PostgreSQL's password
// file (~/.pgpass; on Windows %APPDATA%\postgresql\pgpass.conf; PGPASSFILE when set), where psql, createdb and Npgsql
// find it. So, in a chapter folder:
//   export DATABASE_URL=$(dotnet run --file ../../tools/postgres.cs -- start)    # bash
//   $env:DATABASE_URL = dotnet run --file ../../tools/postgres.cs -- start       # PowerShell
//   dotnet run --file ../../tools/postgres.cs -- status                         # does it run, and its URL
//   dotnet run --file ../../tools/postgres.cs -- stop                           # stops it, deletes its data
// Only the URL goes to standard output; what the tool says goes to standard error. The server keeps running after the
// command ends, until `stop`. Its files live in .postgres/ at the workbook's root (git ignores it), or in the folder
// WORKBOOK_POSTGRES_FOLDER names. It listens on localhost only, on 5432 when that port is free, else on another.
// As root on Linux, where PostgreSQL's programs refuse to run, it runs them as the user postgres.
// The package's version is the workbook's own (Directory.Packages.props).
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

var toolFile = AppContext.GetData("EntryPointFilePath") as string ?? ThisFile();
var workbook = Path.GetDirectoryName(Path.GetDirectoryName(toolFile))!;
var tool = new Tool(
    Path.GetFullPath(Environment.GetEnvironmentVariable("WORKBOOK_POSTGRES_FOLDER") is { Length: > 0 } folder
        ? folder
        : Path.Combine(workbook, ".postgres")),
    $"dotnet run --file {Path.GetRelativePath(Environment.CurrentDirectory, toolFile)} --");
try
{
    return args switch
    {
        ["start"] => tool.Start(),
        ["stop"] => tool.Stop(),
        ["status"] => tool.Status(),
        _ => Usage(tool.Command),
    };
}
catch (ToolException error)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}

static int Usage(string command)
{
    Console.Error.WriteLine($"""
        usage: {command} start    starts a throwaway PostgreSQL server and prints its DATABASE_URL
               {command} status   says whether it runs, and prints its DATABASE_URL
               {command} stop     stops it and deletes its data
        """);
    return 2;
}

static string ThisFile([CallerFilePath] string path = "") => path;

/// <summary>A failure the tool explains in one message, printed after <c>error: </c>.</summary>
sealed class ToolException(string message) : Exception(message);

/// <summary>
/// What <c>server.txt</c> in the tool's folder records about the server: its port, its data folder, the folder of the
/// programs that made it, and the user they run as (null: the user running the tool).
/// </summary>
sealed record Server(int Port, string Data, string Bin, string? RunAs)
{
    public static Server? Read(string file)
    {
        if (!File.Exists(file))
            return null;
        var values = File.ReadAllLines(file).Select(line => line.Split('=', 2)).Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        return values.TryGetValue("port", out var port) && values.TryGetValue("data", out var data) && values.TryGetValue("bin", out var bin)
            ? new Server(int.Parse(port), data, bin, values.GetValueOrDefault("runas") is { Length: > 0 } runAs ? runAs : null)
            : null;
    }

    public void Write(string file) =>
        File.WriteAllText(file, $"port={Port}\ndata={Data}\nbin={Bin}\nrunas={RunAs}\n");

    /// <summary>The folder that holds the data folder and the server's log.</summary>
    public string Home => Path.GetDirectoryName(Data)!;

    public string Log => Path.Combine(Home, "server.log");
}

sealed class Tool(string folder, string command)
{
    const string Host = "localhost", User = "blog", Database = "blog";

    /// <summary>How the learner runs this tool from the current folder, such as <c>dotnet run --file tools/postgres.cs --</c>.</summary>
    public string Command => command;

    string StateFile => Path.Combine(folder, "server.txt");

    /// <summary>Where the server's files are: the tool's folder, or the folder it records (see <see cref="StartNew"/>).</summary>
    string Where(Server server) => server.Home == folder ? Show(folder) : $"{server.Home} (recorded in {Show(folder)})";

    static string Url(int port) => $"postgresql://{User}@{Host}:{port}/{Database}";

    public int Start()
    {
        var server = Server.Read(StateFile);
        if (server is not null && File.Exists(Path.Combine(server.Data, "PG_VERSION")))
            return Restart(server);
        if (server is not null)
        {
            // A start that did not finish (the tool was stopped half way): begin again.
            Delete(server);
        }
        else if (Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
        {
            throw new ToolException($"{Show(folder)} holds files but no server of this tool (no server.txt); move it away, then start again.");
        }
        return StartNew();
    }

    /// <summary>The server was made before: say it runs, or start it again (after a restart of the machine).</summary>
    int Restart(Server server)
    {
        if (IsRunning(server))
        {
            Say($"The workbook's server already runs on {Host}:{server.Port} (its data in {Where(server)}); nothing changed.");
            if (PassFile.Password(folder, server.Port) is null)
                Say($"Note: {Show(PassFile.Path)} no longer holds the password of {User}; run `{command} stop`, then start again.");
            Console.WriteLine(Url(server.Port));
            return 0;
        }
        var password = PassFile.Password(folder, server.Port) ?? throw new ToolException(
            $"the workbook's server in {Show(folder)} is stopped, and {Show(PassFile.Path)} no longer holds the password of {User}; "
            + $"delete the server with `{command} stop`, then start a new one.");
        var port = PortIsFree(server.Port) ? server.Port : FreePort();
        server = server with { Port = port };
        server.Write(StateFile);
        StartServer(server);
        PassFile.Set(folder, Host, port, User, password);
        CheckLogin(port);
        Say($"Started the workbook's server again on {Host}:{port}, with its data in {Where(server)}.");
        Console.WriteLine(Url(port));
        return 0;
    }

    int StartNew()
    {
        var bin = FindPrograms() ?? throw new ToolException(NoPostgres);
        // "pg_ctl (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)": the third word.
        var version = Run(null, Program(bin, "pg_ctl"), ["--version"]).Output.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [_, _, var v, ..] ? v.Trim() : "?";
        string? runAs = null;
        if (!OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess)
        {
            if (!OperatingSystem.IsLinux() || Run(null, "id", ["-u", "postgres"]).ExitCode != 0)
                throw new ToolException("PostgreSQL's programs refuse to run as root, and this machine has no user postgres to run them as; "
                    + "run this as a user who is not root.");
            runAs = "postgres";
        }

        Directory.CreateDirectory(folder);
        var home = folder;
        if (runAs is not null)
        {
            Run(null, "chown", [runAs, folder]);
            if (Run(runAs, "test", ["-w", folder, "-a", "-x", folder], folder: "/").ExitCode != 0)
            {
                // A folder above it is closed to other users (such as /root): the data go to the temporary folder.
                home = Path.Combine(Path.GetTempPath(), "workbook-postgres-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folder)))[..12]);
                Directory.CreateDirectory(home);
                Run(null, "chown", [runAs, home]);
            }
        }
        var server = new Server(PortIsFree(5432) ? 5432 : FreePort(), Path.Combine(home, "data"), bin, runAs);
        server.Write(StateFile); // first, so that `stop` can clean up whatever follows
        try
        {
            // The superuser's password is needed once, to make the user blog; it is never written anywhere else.
            var superuser = Password();
            var passwordFile = Path.Combine(home, "superuser-password");
            WritePrivate(passwordFile, superuser + "\n");
            if (runAs is not null)
                Run(null, "chown", [runAs, passwordFile]);
            Check(Run(runAs, Program(bin, "initdb"), ["-D", server.Data, "-U", "postgres", "--pwfile", passwordFile,
                "-A", "scram-sha-256", "-E", "UTF8", "--no-locale", "--no-sync"], folder: home));
            File.Delete(passwordFile);
            // Loopback only, and no Unix-domain socket (its path may be too long, and the URL uses TCP): clients come through localhost.
            File.AppendAllText(Path.Combine(server.Data, "postgresql.conf"),
                "\n# tools/postgres.cs: loopback only, no Unix-domain socket; the port is given at each start\n"
                + "listen_addresses = 'localhost'\nunix_socket_directories = ''\n");
            StartServer(server);

            var password = Password();
            var admin = new NpgsqlConnectionStringBuilder
            {
                Host = Host, Port = server.Port, Username = "postgres", Password = superuser, Database = "postgres", Pooling = false,
            };
            using (var connection = new NpgsqlConnection(admin.ConnectionString))
            {
                connection.Open();
                using var create = new NpgsqlCommand($"CREATE ROLE {User} LOGIN CREATEDB PASSWORD '{password}'", connection);
                create.ExecuteNonQuery();
                create.CommandText = $"CREATE DATABASE {Database} OWNER {User}";
                create.ExecuteNonQuery();
            }
            PassFile.Set(folder, Host, server.Port, User, password);
            CheckLogin(server.Port);
        }
        catch (Exception error) when (error is ToolException or NpgsqlException or IOException or UnauthorizedAccessException)
        {
            var log = File.Exists(server.Log) ? File.ReadLines(server.Log).TakeLast(5).ToList() : [];
            Delete(server);
            throw new ToolException($"the server did not start: {error.Message}"
                + (log.Count > 0 ? $"\nThe last lines of its log:\n{string.Join('\n', log)}" : ""));
        }

        Say($"PostgreSQL {version} from {bin}" + (runAs is null ? "." : $", run as the user {runAs} (its programs refuse root)."));
        Say($"Started a server for this workbook on {Host}:{server.Port}, with its data in {Where(server)}.");
        if (home != folder)
            Say($"(The user {runAs} cannot reach {Show(folder)}: a folder above it is closed to other users.)");
        Say($"Made the user {User}, who may create databases, and the database {Database}.");
        Say($"The password of {User} is in {Show(PassFile.Path)}, where psql, createdb and Npgsql find it: the URL needs none.");
        Say($"Stop the server and delete its data with: {command} stop");
        Console.WriteLine(Url(server.Port));
        return 0;
    }

    public int Stop()
    {
        var server = Server.Read(StateFile);
        if (server is null)
        {
            PassFile.Remove(folder);
            Say($"No server of the workbook runs here ({Show(folder)} does not exist); nothing to stop.");
            return 0;
        }
        var wasRunning = IsRunning(server);
        if (wasRunning)
            Check(Run(server.RunAs, Program(server.Bin, "pg_ctl"), ["stop", "-D", server.Data, "-m", "fast", "-w", "-t", "60", "-s"], folder: server.Home));
        Delete(server);
        Say((wasRunning ? $"Stopped the workbook's server on {Host}:{server.Port}" : $"The workbook's server on {Host}:{server.Port} was not running")
            + $"; deleted its data in {Where(server)} and the password of {User} in {Show(PassFile.Path)}.");
        return 0;
    }

    public int Status()
    {
        var server = Server.Read(StateFile);
        if (server is null)
        {
            Say($"No server of the workbook runs ({Show(folder)} does not exist); start one with: {command} start");
            return 1;
        }
        if (!IsRunning(server))
        {
            Say($"The workbook's server in {Show(folder)} is stopped (after a restart of the machine?); "
                + $"start it again with `{command} start`, or delete it with `{command} stop`.");
            return 1;
        }
        try
        {
            var version = CheckLogin(server.Port);
            Say($"The workbook's server runs on {Host}:{server.Port} (PostgreSQL {version}, its data in {Where(server)}); "
                + $"{User} logs in with the password in {Show(PassFile.Path)}.");
            Console.WriteLine(Url(server.Port));
            return 0;
        }
        catch (ToolException error)
        {
            Say($"The workbook's server runs on {Host}:{server.Port}, but {error.Message}");
            Console.WriteLine(Url(server.Port));
            return 1;
        }
    }

    /// <summary>
    /// Logs in as the app will, with no password in the connection string, so that Npgsql reads the password file.
    /// </summary>
    /// <returns>The server's version, such as 15.18.</returns>
    static string CheckLogin(int port)
    {
        var url = new NpgsqlConnectionStringBuilder { Host = Host, Port = port, Username = User, Database = Database, Pooling = false };
        try
        {
            using var connection = new NpgsqlConnection(url.ConnectionString);
            connection.Open();
            return connection.PostgreSqlVersion.ToString();
        }
        catch (Exception error) when (error is NpgsqlException or InvalidOperationException)
        {
            throw new ToolException($"{User} cannot log in with the password in {Show(PassFile.Path)}: {error.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Starts the server on its port and waits until it takes connections.</summary>
    static void StartServer(Server server)
    {
        string[] arguments = ["start", "-D", server.Data, "-l", server.Log, "-w", "-t", "60", "-s", "-o", $"-p {server.Port}"];
        if (OperatingSystem.IsWindows())
        {
            // Without the shell, the server would inherit this process's handles, and a PowerShell that reads this
            // tool's output would wait for the server to end. The shell starts it with none of them.
            var start = new ProcessStartInfo(Program(server.Bin, "pg_ctl")) { UseShellExecute = true, WindowStyle = ProcessWindowStyle.Hidden };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start) ?? throw new ToolException("pg_ctl did not start");
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new ToolException($"pg_ctl start exited with {process.ExitCode}");
            return;
        }
        Check(Run(server.RunAs, Program(server.Bin, "pg_ctl"), arguments, folder: server.Home));
    }

    static bool IsRunning(Server server) =>
        Directory.Exists(server.Bin) && File.Exists(Path.Combine(server.Data, "PG_VERSION"))
        && Run(server.RunAs, Program(server.Bin, "pg_ctl"), ["status", "-D", server.Data], folder: server.Home).ExitCode == 0;

    /// <summary>Deletes the server's folders and its password-file line; the server must be stopped.</summary>
    void Delete(Server server)
    {
        if (IsRunning(server))
            Run(server.RunAs, Program(server.Bin, "pg_ctl"), ["stop", "-D", server.Data, "-m", "immediate", "-w", "-s"], folder: server.Home);
        // The data's own folder when it is not the tool's (see StartNew), but nothing else, whatever server.txt says.
        if (server.Home != folder && Path.GetFileName(server.Home).StartsWith("workbook-postgres-", StringComparison.Ordinal) && Directory.Exists(server.Home))
            Directory.Delete(server.Home, recursive: true);
        if (Directory.Exists(folder))
            Directory.Delete(folder, recursive: true);
        PassFile.Remove(folder);
    }

    const string NoPostgres = """
        PostgreSQL's programs (initdb, pg_ctl) are neither on PATH nor in /usr/lib/postgresql/*/bin, Homebrew's folders
        or C:\Program Files\PostgreSQL\*\bin. Install PostgreSQL and run this again (Debian, Ubuntu: apt-get install
        postgresql; macOS: brew install postgresql@17; Windows: the installer from postgresql.org), or run the postgres
        container image instead, as docs/07-postgresql.md shows.
        """;

    /// <summary>
    /// The folder of PostgreSQL's programs: <c>PATH</c> first, then the newest of the places installers put them. A
    /// link on <c>PATH</c> (<c>/usr/local/bin/initdb</c>) leads to the folder that also holds <c>psql</c> and <c>createdb</c>.
    /// </summary>
    static string? FindPrograms()
    {
        static IEnumerable<string> Newest(string parent, string pattern, string below) =>
            Directory.Exists(parent)
                ? Directory.GetDirectories(parent, pattern)
                    .OrderByDescending(d => int.TryParse(new string(Path.GetFileName(d).Where(char.IsDigit).ToArray()), out var v) ? v : 0)
                    .Select(d => Path.Combine(d, below))
                : [];
        var programFiles = Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles);
        var places = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(Newest("/usr/lib/postgresql", "*", "bin"))                                   // Debian, Ubuntu
            .Concat(["/usr/local/pgsql/bin"])                                                   // built from source
            .Concat(programFiles.Length > 0 ? Newest(Path.Combine(programFiles, "PostgreSQL"), "*", "bin") : []) // Windows' installer
            .Concat(Newest("/opt/homebrew/opt", "postgresql*", "bin"))                          // Homebrew on Apple silicon
            .Concat(Newest("/usr/local/opt", "postgresql*", "bin"))                             // Homebrew on Intel
            .Concat(["/Applications/Postgres.app/Contents/Versions/latest/bin"]);               // Postgres.app
        var found = places.FirstOrDefault(dir => File.Exists(Program(dir, "initdb")) && File.Exists(Program(dir, "pg_ctl")));
        return found is null ? null
            : new FileInfo(Program(found, "initdb")).ResolveLinkTarget(returnFinalTarget: true) is { } target
                ? Path.GetDirectoryName(target.FullName)
                : found;
    }

    static string Program(string bin, string name) => Path.Combine(bin, OperatingSystem.IsWindows() ? name + ".exe" : name);

    /// <summary>True when nothing listens on the port on either loopback address.</summary>
    static bool PortIsFree(int port)
    {
        static bool CanListen(IPAddress address, int port)
        {
            try
            {
                var listener = new TcpListener(address, port);
                listener.Start();
                listener.Stop();
                return true;
            }
            catch (SocketException error) when (error.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AddressFamilyNotSupported)
            {
                return true; // no such address on this machine (IPv6 turned off): nothing can listen there either
            }
            catch (SocketException)
            {
                return false;
            }
        }
        return CanListen(IPAddress.Loopback, port) && (!Socket.OSSupportsIPv6 || CanListen(IPAddress.IPv6Loopback, port));
    }

    static int FreePort()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (PortIsFree(port))
                return port;
        }
        throw new ToolException("found no free port on localhost");
    }

    /// <summary>A random password of letters and digits, nothing the password file would need to escape.</summary>
    static string Password() => RandomNumberGenerator.GetString("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789", 24);

    static void Say(string line) => Console.Error.WriteLine(line);

    /// <summary>A path as the learner knows it: <c>~/...</c> under the home folder (not on Windows).</summary>
    public static string Show(string path)
    {
        var home = Environment.GetEnvironmentVariable("HOME");
        return !OperatingSystem.IsWindows() && home is { Length: > 1 } && path.StartsWith(home.TrimEnd('/') + "/", StringComparison.Ordinal)
            ? "~" + path[home.TrimEnd('/').Length..]
            : path;
    }

    /// <summary>Writes a file only its owner may read (mode 0600), as PostgreSQL asks of its password file.</summary>
    public static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var writer = new StreamWriter(path, new UTF8Encoding(false), options))
            writer.Write(text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    static void Check((int ExitCode, string Output, string Error) run)
    {
        if (run.ExitCode != 0)
            throw new ToolException((run.Error + run.Output).Trim() is { Length: > 0 } said ? said : $"exit code {run.ExitCode}");
    }

    /// <summary>Runs a program and waits for it; as <paramref name="runAs"/> through <c>runuser</c> when given.</summary>
    static (int ExitCode, string Output, string Error) Run(string? runAs, string program, string[] arguments, string? folder = null)
    {
        var start = new ProcessStartInfo(runAs is null ? program : "runuser")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (folder is not null)
            start.WorkingDirectory = folder; // the user postgres may not enter the current folder
        if (runAs is not null)
        {
            foreach (var argument in new[] { "-u", runAs, "--", program })
                start.ArgumentList.Add(argument);
        }
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start) ?? throw new ToolException($"{program} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new ToolException($"{Path.GetFileName(program)} did not finish in 2 minutes");
        }
        return (process.ExitCode, output.Result, error.Result);
    }
}

/// <summary>
/// PostgreSQL's password file, which libpq (psql, createdb) and Npgsql read when a connection gives no password:
/// <c>PGPASSFILE</c>, else <c>%APPDATA%\postgresql\pgpass.conf</c> on Windows and <c>~/.pgpass</c> elsewhere. Each
/// line this tool writes follows a comment that names the tool's folder, so that it replaces or removes only its own;
/// it goes first in the file, since the first line that matches a connection gives its password.
/// </summary>
static class PassFile
{
    const string Marker = "# tools/postgres.cs of the workbook, for the server in ";

    public static string Path =>
        Environment.GetEnvironmentVariable("PGPASSFILE") is { Length: > 0 } file ? System.IO.Path.GetFullPath(file)
        : OperatingSystem.IsWindows()
            ? System.IO.Path.Combine(Environment.GetEnvironmentVariable("APPDATA") is { Length: > 0 } appData
                ? appData : Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData), "postgresql", "pgpass.conf")
            : System.IO.Path.Combine(Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home
                ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".pgpass");

    /// <summary>The password of this tool's line for <paramref name="folder"/> on <paramref name="port"/>, or null.</summary>
    public static string? Password(string folder, int port)
    {
        var lines = Read();
        for (var i = 0; i + 1 < lines.Count; i++)
        {
            if (lines[i] == Marker + folder && lines[i + 1].Split(':') is [_, var linePort, _, _, var password] && linePort == port.ToString())
                return password;
        }
        return null;
    }

    /// <summary>
    /// Puts this tool's line for <paramref name="folder"/> first, in place of the tool's earlier lines for the same folder
    /// or for the same host, port and user.
    /// </summary>
    public static void Set(string folder, string host, int port, string user, string password)
    {
        var entry = $"{host}:{port}:*:{user}:";
        var kept = Without(Read(), (marker, next) => marker == Marker + folder || next.StartsWith(entry, StringComparison.Ordinal));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        Tool.WritePrivate(Path, string.Join('\n', [Marker + folder, entry + password, .. kept]) + "\n");
    }

    /// <summary>Removes this tool's line for <paramref name="folder"/>; deletes the file if nothing is left.</summary>
    public static void Remove(string folder)
    {
        var lines = Read();
        var kept = Without(lines, (marker, _) => marker == Marker + folder);
        if (kept.Count == lines.Count)
            return;
        if (kept.All(string.IsNullOrWhiteSpace))
            File.Delete(Path);
        else
            Tool.WritePrivate(Path, string.Join('\n', kept) + "\n");
    }

    static List<string> Read() => File.Exists(Path) ? File.ReadAllLines(Path).ToList() : [];

    /// <summary>The lines without each of this tool's markers that <paramref name="drop"/> picks, and the line after it.</summary>
    static List<string> Without(List<string> lines, Func<string, string, bool> drop)
    {
        var kept = new List<string>();
        for (var i = 0; i < lines.Count; i++)
        {
            var next = i + 1 < lines.Count ? lines[i + 1] : "";
            if (lines[i].StartsWith(Marker, StringComparison.Ordinal) && drop(lines[i], next))
                i++; // the marker and its line
            else
                kept.Add(lines[i]);
        }
        return kept;
    }
}
