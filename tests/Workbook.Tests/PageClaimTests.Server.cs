using System.Collections;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Workbook.Tests;

/// <summary>
/// The page claims of chapter 07 about PostgreSQL and Npgsql: the password file, what Npgsql and EF Core throw, the URL's
/// parameters, an idempotent script, a migrations bundle, a local time refused. Those that need a server run on the test
/// run's (<see cref="Postgres.Server"/>; skipped outside CI where there is none), each with a database or a user of its own
/// that it drops.
/// </summary>
public sealed partial class PageClaimTests
{
    /// <summary>
    /// Page 07, "Where the password goes" (lines 143-145 and 163-164): Npgsql reads the password file "whenever the URL has
    /// no password", and "Without the file, Npgsql stops with 'No password has been provided but the backend requires
    /// one'". Chapter 07's built program with a URL without a password and an empty home: it ends with that
    /// <c>NpgsqlException</c> unhandled (the app has no sentence of its own for it: <c>Config.Explain</c> returns null).
    /// With a <c>.pgpass</c> (mode 0600) in that home, the same run connects, migrates, runs Play Time and exits with 0,
    /// with nothing on standard error (no migration lock line on PostgreSQL either, page 05's claim).
    /// </summary>
    [SkippableFact]
    [Trait("Category", "CommandLine")]
    public async Task Program_without_pgpass_fails_with_Npgsql_s_own_message()
    {
        var server = Postgres.Server;
        var access = server.CreateAccess(1);
        try
        {
            var chapter = Solutions.Load("07-postgresql");
            using var home = new TempFolder();
            var url = $"postgresql://{access.Username}@{access.Host}:{access.Port}/{access.Databases[0]}";
            var programs = new ProgramRunner(Generous);

            var without = await programs.RunAsync(chapter, home.Path, url);
            Assert.NotEqual(0, without.ExitCode);
            Assert.Contains("Unhandled exception. Npgsql.NpgsqlException", without.StandardError);
            Assert.Contains("No password has been provided but the backend requires one", without.StandardError);
            Assert.DoesNotContain("error: ", without.StandardError);

            WritePassFile(home[".pgpass"], access, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var with = await programs.RunAsync(chapter, home.Path, url);
            Assert.True(with is { ExitCode: 0, StandardError: "" }, with.Transcript($"DATABASE_URL={url} dotnet run"));
        }
        finally
        {
            server.DropAccess(access);
        }
    }

    /// <summary>
    /// Page 07, "Where the password goes" (lines 144-145): "On Linux and macOS the file must be readable by you alone, or the
    /// PostgreSQL programs ignore it." <c>psql -w</c> (never prompt) with a home whose <c>.pgpass</c> holds the right
    /// password: with mode 0640 it warns that the file "has group or world access" and fails for want of a password; with
    /// mode 0600 the same command logs in.
    /// </summary>
    [SkippableFact]
    public async Task Psql_ignores_a_pgpass_others_may_read()
    {
        Skip.If(OperatingSystem.IsWindows(), "The password file's mode is checked on Linux and macOS only.");
        var server = Postgres.Server;
        var access = server.CreateAccess(0);
        try
        {
            using var home = new TempFolder();
            var passFile = home[".pgpass"];
            var environment = new Dictionary<string, string> { ["HOME"] = home.Path, ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin", ["LC_ALL"] = "C.UTF-8" };
            string[] arguments = ["-h", access.Host, "-p", $"{access.Port}", "-U", access.Username, "-d", "postgres", "-w", "-tAc", "select 1"];

            WritePassFile(passFile, access, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
            var open = await ChildProcess.RunAsync(Psql(server), arguments, home.Path, environment, Generous);
            Assert.Contains($"WARNING: password file \"{passFile}\" has group or world access; permissions should be u=rw (0600) or less", open.StandardError);
            Assert.Contains("no password supplied", open.StandardError);
            Assert.NotEqual(0, open.ExitCode);

            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(passFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var closed = await ChildProcess.RunAsync(Psql(server), arguments, home.Path, environment, Generous);
            Assert.True(closed is { ExitCode: 0, StandardOutput: "1\n" }, closed.StandardError);
        }
        finally
        {
            server.DropAccess(access);
        }
    }

    /// <summary>
    /// Page 07, "Deploying: a script for the server" (lines 431-437): "Statements that PostgreSQL refuses to run inside a
    /// function fail there, such as <c>CREATE INDEX CONCURRENTLY</c> ... psql stops with 'CREATE INDEX CONCURRENTLY cannot
    /// be executed from a function'. <c>dotnet ef database update</c> runs such a migration without trouble". On a built
    /// copy of chapter 07: an empty migration <c>AboutMeIndex</c> made by <c>dotnet ef migrations add</c>, given that
    /// statement with <c>suppressTransaction: true</c>; <c>migrations script --idempotent</c> puts it in a <c>DO $EF$</c>
    /// block; <c>psql -v ON_ERROR_STOP=1 -f</c> on a database at <c>InitialCreate</c> exits with 3 and that error;
    /// <c>dotnet ef database update</c> applies it and the index is there.
    /// </summary>
    [SkippableFact]
    [Trait("Category", "CommandLine")]
    public async Task Idempotent_script_cannot_hold_CREATE_INDEX_CONCURRENTLY_and_database_update_applies_it()
    {
        var server = Postgres.Server;
        var database = server.CreateDatabase("pageclaims");
        try
        {
            using var copy = await BuiltCopy.MakeAsync("07-postgresql");
            var environment = new Dictionary<string, string?> { ["DATABASE_URL"] = server.Url(database) };
            string[] context = ["--context", "PostgresBlogContext", "--configuration", Solutions.Configuration];
            await EfAsync(copy, environment, ["database", "update", "InitialCreate", "--no-build", .. context]);
            await EfAsync(copy, environment, ["migrations", "add", "AboutMeIndex", "--no-build", .. context]);
            var migration = Directory.GetFiles(copy.Folder, "*_AboutMeIndex.cs", SearchOption.AllDirectories).Single();
            var code = File.ReadAllText(migration);
            var up = Regex.Match(code, @"void Up\(MigrationBuilder migrationBuilder\)\s*\{");
            Assert.True(up.Success, code);
            copy.Write(Path.GetRelativePath(copy.Folder, migration), code.Insert(up.Index + up.Length,
                "\n            migrationBuilder.Sql(\"CREATE INDEX CONCURRENTLY \\\"IX_Users_AboutMe\\\" ON \\\"Users\\\" (\\\"AboutMe\\\");\", suppressTransaction: true);\n"));

            var script = Path.Combine(copy.Folder, "deploy.sql");
            await EfAsync(copy, environment, ["migrations", "script", "--idempotent", "-o", script, .. context]);
            Assert.Matches(@"DO \$EF\$\s*BEGIN\s*IF NOT EXISTS\(SELECT 1 FROM ""__EFMigrationsHistory"" WHERE ""MigrationId"" = '\d{14}_AboutMeIndex'\) THEN\s*"
                + @"CREATE INDEX CONCURRENTLY ""IX_Users_AboutMe"" ON ""Users"" \(""AboutMe""\);\s*END IF;\s*END \$EF\$;", File.ReadAllText(script));

            var psql = await ChildProcess.RunAsync(Psql(server), ["-v", "ON_ERROR_STOP=1", "-f", script, server.Url(database)], copy.Folder,
                new Dictionary<string, string> { ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin", ["LC_ALL"] = "C.UTF-8" }, Generous);
            Assert.Equal(3, psql.ExitCode);
            Assert.Contains("ERROR:  CREATE INDEX CONCURRENTLY cannot be executed from a function", psql.StandardError);

            var update = await EfAsync(copy, environment, ["database", "update", "--no-build", .. context]);
            Assert.Matches(@"Applying migration '\d{14}_AboutMeIndex'\.", update.StandardOutput);
            using var connection = new NpgsqlConnection(server.ConnectionString(database));
            connection.Open();
            using var index = new NpgsqlCommand("SELECT indexdef FROM pg_indexes WHERE indexname = 'IX_Users_AboutMe'", connection);
            Assert.Equal("CREATE INDEX \"IX_Users_AboutMe\" ON public.\"Users\" USING btree (\"AboutMe\")", index.ExecuteScalar());
        }
        finally
        {
            Drop(server, database);
        }

        static async Task<CommandRun> EfAsync(BuiltCopy copy, Dictionary<string, string?> environment, string[] arguments)
        {
            var run = await DotnetCommand.RunAsync(copy.Folder, ["ef", .. arguments], environment);
            Assert.True(run.ExitCode == 0, run.Transcript("dotnet ef " + string.Join(' ', arguments)));
            return run;
        }
    }

    /// <summary>
    /// Page 07, "Deploying: a script for the server" (lines 441-445): "<c>--force</c> lets it overwrite a bundle made
    /// before". On a built copy of chapter 07 holding an <c>efbundle</c> file: <c>dotnet ef migrations bundle</c> exits
    /// with 1, says the file exists and to use <c>--force</c>, and leaves it as it was; with <c>--force</c> it exits with
    /// 0 and writes a new bundle in its place. (No server: making a bundle does not connect.)
    /// </summary>
    [Fact]
    [Trait("Category", "CommandLine")]
    public async Task Migrations_bundle_overwrites_an_existing_bundle_only_with_force()
    {
        using var copy = await BuiltCopy.MakeAsync("07-postgresql");
        var bundle = copy.PathOf("efbundle");
        File.WriteAllText(bundle, "a bundle made before\n");
        var environment = new Dictionary<string, string?> { ["DATABASE_URL"] = "postgresql://blog@localhost:5432/blog" };
        string[] command = ["ef", "migrations", "bundle", "--context", "PostgresBlogContext", "--no-build", "--configuration", Solutions.Configuration];

        var refused = await DotnetCommand.RunAsync(copy.Folder, command, environment, timeout: Generous);
        Assert.True(refused.ExitCode == 1, refused.Transcript("dotnet ef migrations bundle"));
        Assert.Contains($"The file already exists: {bundle}. Use --force flag to overwrite it.", refused.StandardOutput + refused.StandardError);
        Assert.Equal("a bundle made before\n", File.ReadAllText(bundle));

        var forced = await DotnetCommand.RunAsync(copy.Folder, [.. command, "--force"], environment, timeout: Generous);
        Assert.True(forced.ExitCode == 0, forced.Transcript("dotnet ef migrations bundle --force"));
        Assert.Contains($"Done. Migrations Bundle: {bundle}", forced.StandardOutput);
        Assert.True(new FileInfo(bundle).Length > 1_000_000, "the bundle was not written over the old file");
    }

    /// <summary>
    /// Page 07, step 7.4 (lines 688-692) and the comment in <c>Config.Explain</c>: Npgsql's execution strategy "wraps a
    /// failure that may pass (the server is down, or busy) in an <c>InvalidOperationException</c>" ("An exception has been
    /// raised that is likely due to a transient failure"), on "opening the connection and running a query, but not
    /// <c>Migrate()</c>, which throws the <c>NpgsqlException</c> itself". Chapter 07's <c>PostgresBlogContext</c>, made by
    /// its <c>Config</c>, on a port where nothing listens: <c>OpenConnection()</c> and a query throw the wrapper with the
    /// <c>NpgsqlException</c> (and its <c>SocketException</c>) inside; <c>Migrate()</c> throws the <c>NpgsqlException</c>;
    /// <c>Config.Explain</c> gives the same sentence for both shapes.
    /// </summary>
    [Fact]
    public void Execution_strategy_wraps_a_transient_failure_of_OpenConnection_and_queries_not_of_Migrate()
    {
        var (config, db) = PostgresContext("postgresql://blog:s3cret@localhost:1/blog");
        using (db)
        {
            var open = Assert.Throws<InvalidOperationException>(() => db.Database.OpenConnection());
            var query = Assert.Throws<InvalidOperationException>(() => ((IEnumerable)db.GetType().GetProperty("Users")!.GetValue(db)!).Cast<object>().ToList());
            var migrate = Assert.Throws<NpgsqlException>(() => db.Database.Migrate());
            foreach (var wrapper in new[] { open, query })
            {
                Assert.StartsWith("An exception has been raised that is likely due to a transient failure.", wrapper.Message);
                Assert.IsType<SocketException>(Assert.IsType<NpgsqlException>(wrapper.InnerException).InnerException);
            }
            Assert.IsType<SocketException>(migrate.InnerException);
            const string Unreachable = "cannot reach a PostgreSQL server at localhost:1; is it running, and are host and port in DATABASE_URL right?";
            Assert.Equal(Unreachable, Explain(config, open));
            Assert.Equal(Unreachable, Explain(config, migrate));
        }
    }

    /// <summary>
    /// Page 07, step 7.4 (lines 688-697): a refused password is no failure that may pass, so nothing wraps it: the three
    /// calls of <see cref="Execution_strategy_wraps_a_transient_failure_of_OpenConnection_and_queries_not_of_Migrate"/>,
    /// on the test run's server with a wrong password, each throw the bare <c>PostgresException</c> 28P01, and
    /// <c>Config.Explain</c> says the password was refused.
    /// </summary>
    [SkippableFact]
    public void Refused_password_is_a_bare_PostgresException_for_every_call()
    {
        var server = Postgres.Server;
        var access = server.CreateAccess(1);
        try
        {
            var (config, db) = PostgresContext(access.Url(access.Databases[0], password: "wrong"));
            using (db)
            {
                var errors = new[]
                {
                    Assert.Throws<PostgresException>(() => db.Database.OpenConnection()),
                    Assert.Throws<PostgresException>(() => ((IEnumerable)db.GetType().GetProperty("Users")!.GetValue(db)!).Cast<object>().ToList()),
                    Assert.Throws<PostgresException>(() => db.Database.Migrate()),
                };
                Assert.All(errors, error => Assert.Equal(PostgresErrorCodes.InvalidPassword, error.SqlState));
                Assert.Equal($"PostgreSQL at {access.Host}:{access.Port} refused the password of user '{access.Username}'; check the user name and password in DATABASE_URL.",
                    Explain(config, errors[0]));
            }
        }
        finally
        {
            server.DropAccess(access);
        }
    }

    /// <summary>
    /// Page 07, step 7.1 (lines 233-240 and 248-252): the URL's parameters "under libpq's names" become Npgsql's settings;
    /// "Any other parameter stops the app and is named", a message names a parameter "never its value, as it never
    /// repeats the URL". Chapter 07's <c>Config.FromDatabaseUrl</c>: the four parameters the page's runs do not show become
    /// <c>Timeout</c>, <c>Channel Binding</c>, <c>Options</c> and <c>Root Certificate</c> in the connection string the
    /// program prints (<c>Shown</c>, without the password, which the connection string keeps); a value it cannot use and a
    /// parameter it does not read are refused by name, and no message holds the password or the value.
    /// </summary>
    [Fact]
    public void Url_parameters_become_Npgsql_settings_and_the_others_are_refused_by_name()
    {
        var config = Solutions.Load("07-postgresql").Assembly.GetType("Blog.Config")!;
        var parsed = Call(config, "FromDatabaseUrl",
            "postgresql://u:pw-4711@h:5432/d?connect_timeout=3&channel_binding=prefer&options=-c%20search_path%3Dpublic&sslrootcert=/x.pem")!;
        Assert.Equal("Host=h;Port=5432;Database=d;Username=u;Timeout=3;Channel Binding=Prefer;Options=\"-c search_path=public\";Root Certificate=/x.pem",
            Get<string>(parsed, "Shown"));
        Assert.Contains("Password=pw-4711", Get<string>(parsed, "ConnectionString"));

        const string Modes = "disable, allow, prefer, require, verify-ca or verify-full";
        foreach (var (query, message) in new[]
            {
                ("sslmode=on", $"DATABASE_URL's parameter 'sslmode' has a value this app cannot use; it takes {Modes}."),
                ("connect_timeout=soon", "DATABASE_URL's parameter 'connect_timeout' has a value this app cannot use; it takes a number of seconds from 0 to 1024."),
                ("channel_binding=yes", "DATABASE_URL's parameter 'channel_binding' has a value this app cannot use; it takes disable, prefer or require."),
                ("ssl=true", "DATABASE_URL has the parameter 'ssl', which this app does not read; it reads sslmode, sslrootcert, channel_binding, connect_timeout, application_name and options."),
            })
        {
            var error = Record.Exception(() => Call(config, "FromDatabaseUrl", $"postgresql://u:pw-4711@h:5432/d?{query}"));
            Assert.Equal("ConfigException", error?.GetType().Name);
            Assert.Equal(message, error!.Message);
            Assert.DoesNotContain("pw-4711", error.Message);
        }
    }

    /// <summary>
    /// Page 07, step 7.1 (lines 233-234): <c>?sslmode=require</c> means "encrypt the connection, or do not connect".
    /// Chapter 07's <c>PostgresBlogContext</c>, made by its <c>Config</c> from the URL of the test run's server, which has
    /// no SSL: with <c>sslmode=require</c> opening the connection fails with Npgsql's "SSL connection requested. No SSL
    /// enabled connection from this host is configured."; the same URL with <c>sslmode=prefer</c> connects.
    /// </summary>
    [SkippableFact]
    public void Sslmode_require_does_not_connect_without_encryption()
    {
        var server = Postgres.Server;
        var access = server.CreateAccess(1);
        try
        {
            using (var connection = new NpgsqlConnection(access.ConnectionString(access.Databases[0])))
            {
                connection.Open();
                using var ssl = new NpgsqlCommand("SHOW ssl", connection);
                Skip.If((string?)ssl.ExecuteScalar() == "on", "The test run's PostgreSQL server has SSL on.");
            }
            var (_, required) = PostgresContext(access.Url(access.Databases[0]) + "?sslmode=require");
            using (required)
            {
                var error = Record.Exception(() => required.Database.OpenConnection());
                Assert.NotNull(error);
                Assert.Contains("SSL connection requested. No SSL enabled connection from this host is configured.",
                    (error.InnerException ?? error).Message);
            }
            var (_, preferred) = PostgresContext(access.Url(access.Databases[0]) + "?sslmode=prefer");
            using (preferred)
                preferred.Database.OpenConnection();
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            server.DropAccess(access);
        }
    }

    /// <summary>
    /// Page 07, "UTC on both engines" (lines 563-566): a local time "(<c>DateTime.Now</c>) is refused on both engines, by the
    /// <c>UtcConverter</c> before Npgsql sees it". Chapter 07's <c>PostgresBlogContext</c> on a migrated database of the
    /// test run's server: saving a user whose <c>LastSeen</c> is <c>DateTime.Now</c> throws a <c>DbUpdateException</c> whose
    /// innermost exception is the converter's own <c>ArgumentException</c> (what the shell prints), not Npgsql's refusal of
    /// a local time, and no user is saved.
    /// </summary>
    [SkippableFact]
    public void Local_DateTime_is_refused_by_the_UtcConverter_before_Npgsql_sees_it()
    {
        var server = Postgres.Server;
        var database = server.CreateDatabase("pageclaims");
        try
        {
            var (_, db) = PostgresContext(server.Url(database));
            using (db)
            {
                db.Database.Migrate();
                var users = (IQueryable)db.GetType().GetProperty("Users")!.GetValue(db)!;
                db.Add(New(users.ElementType, ("Username", "zoe"), ("Email", "zoe@example.com"), ("LastSeen", DateTime.Now)));

                var error = Assert.Throws<DbUpdateException>(() => db.SaveChanges());
                var innermost = Assert.IsType<ArgumentException>(error.GetBaseException());
                Assert.Equal("A DateTime with Kind Local cannot be saved: this app keeps UTC only (use DateTime.UtcNow, or ToUniversalTime() first).", innermost.Message);
                Assert.Contains("UtcConverter", innermost.StackTrace);
                db.ChangeTracker.Clear();
                Assert.Empty(((IEnumerable)users).Cast<object>());
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Drop(server, database);
        }
    }

    /// <summary>Chapter 07's <c>Config</c> for <paramref name="url"/> and a <c>PostgresBlogContext</c> made with it, as the app makes one.</summary>
    static (object Config, DbContext Db) PostgresContext(string url)
    {
        var chapter = Solutions.Load("07-postgresql");
        var config = Call(chapter.Assembly.GetType("Blog.Config")!, "FromDatabaseUrl", url)!;
        var type = chapter.Assembly.GetType("Blog.PostgresBlogContext")!;
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(type))!;
        config.GetType().GetMethod("UseDatabase")!.Invoke(config, [builder]);
        return (config, (DbContext)Activator.CreateInstance(type, builder.Options)!);
    }

    /// <summary>What chapter 07's <c>Config.Explain</c> says of <paramref name="error"/>.</summary>
    static string? Explain(object config, Exception error) => (string?)config.GetType().GetMethod("Explain")!.Invoke(config, [error]);

    /// <summary>Writes a password file with the one line for <paramref name="access"/>'s user, with <paramref name="mode"/>.</summary>
    static void WritePassFile(string path, PostgresAccess access, UnixFileMode mode)
    {
        File.WriteAllText(path, $"{access.Host}:{access.Port}:*:{access.Username}:{access.Password}\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode);
    }

    /// <summary><c>psql</c> beside the server's own programs, or on <c>PATH</c>.</summary>
    static string Psql(PostgresServer server) => server.Binaries is { } folder ? Path.Combine(folder, "psql") : "psql";

    /// <summary>Drops a database this test made, whoever is still connected.</summary>
    static void Drop(PostgresServer server, string database) => server.Execute($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
}
