using System.Reflection;

namespace Workbook.Grading.Checks;

/// <summary>
/// The checks of chapter 07's PostgreSQL side. The chapter's <c>PostgresBlogContext</c> (its DbContext type for
/// PostgreSQL, with migrations of its own) is made with Npgsql directly, never through the learner's configuration.
/// <see cref="Model"/> and <see cref="Text"/> need no server; <see cref="Server"/> runs on <see cref="PostgresServer.Shared"/>.
/// </summary>
static class PostgresChecks
{
    /// <summary>The name of the DbContext type the chapter's PostgreSQL migrations belong to.</summary>
    public const string ContextName = "PostgresBlogContext";

    // A connection string for what needs none: scripts and the model are made without connecting.
    const string Offline = "Host=localhost;Port=5432;Database=blog;Username=blog";

    /// <summary>
    /// Graded, no server. <c>create-script.sql</c>: the PostgreSQL create script of the model
    /// (<c>GenerateCreateScript</c>); <c>pending-model-changes.txt</c>: whether the PostgreSQL migrations hold the model.
    /// </summary>
    public static IReadOnlyList<Output> Model(ChapterAssembly chapter)
    {
        if (Create(chapter, Offline) is not { } db)
            return [new("create-script.sql", Missing), new("pending-model-changes.txt", Missing)];
        using (db)
        {
            var migrations = db.GetService<IMigrationsAssembly>();
            var pending = migrations.ModelSnapshot is null
                ? $"No PostgreSQL migrations yet: run `dotnet ef migrations add InitialCreate --context {ContextName} --output-dir Migrations/Postgres` with a postgresql:// DATABASE_URL.\n"
                : db.Database.HasPendingModelChanges()
                    ? $"The model has changes that no PostgreSQL migration holds yet: add one with `dotnet ef migrations add <Name> --context {ContextName}`.\n"
                    : "No changes since the last PostgreSQL migration.\n";
            return [new("create-script.sql", Scrub.Lines(db.Database.GenerateCreateScript())), new("pending-model-changes.txt", pending)];
        }
    }

    /// <summary>
    /// Solutions only, no server. <c>list.txt</c> and <c>&lt;Name&gt;.cs</c>: the PostgreSQL migrations and their code;
    /// <c>model-snapshot.cs</c>; <c>idempotent.sql</c>: the deployment script of
    /// <c>dotnet ef migrations script --idempotent --context PostgresBlogContext</c>.
    /// </summary>
    public static IReadOnlyList<Output> Text(ChapterAssembly chapter)
    {
        if (Create(chapter, Offline) is not { } db)
            return [new("list.txt", Missing)];
        using (db)
        {
            var outputs = MigrationChecks.CodeOf(chapter, db);
            if (db.GetService<IMigrationsAssembly>().Migrations.Count > 0)
                outputs.Add(new("idempotent.sql", Scrub.Volatile(Scrub.Lines(db.GetService<IMigrator>().GenerateScript(
                    options: MigrationsSqlGenerationOptions.Idempotent)))));
            return outputs;
        }
    }

    /// <summary>
    /// Graded, needs a server: databases made for this grading (<see cref="CheckContext.Postgres"/>). <c>schema.txt</c>:
    /// the PostgreSQL migrations applied to a new database, read back from the server's catalog
    /// (<see cref="DatabaseSchema.ReadPostgres"/>); <c>play.txt</c> and <c>shell.txt</c>: Play Time and the chapter's <see cref="ChapterInfo.ShellSession"/>
    /// run by the chapter's program with a <c>postgresql://</c> DATABASE_URL on new databases; <c>bad-input.txt</c>: the
    /// program run with a password the server refuses, a database that does not exist, a port where no server listens and a
    /// URL that does not parse. Host, port, database names and the password are replaced by placeholders; a password the
    /// program printed shows as <c>{PASSWORD PRINTED}</c>.
    /// </summary>
    /// <param name="context">The chapter, and the databases on the server.</param>
    /// <exception cref="InvalidOperationException">The context has no PostgreSQL databases, or fewer than four.</exception>
    public static async Task<IReadOnlyList<Output>> Server(CheckContext context)
    {
        var server = context.Postgres is { Databases.Count: >= 4 } access ? access
            : throw new InvalidOperationException("The postgres check needs four databases on a PostgreSQL server.");
        var chapter = context.Chapter;

        string schema;
        var db = Create(chapter, server.ConnectionString(server.Databases[0]));
        if (db is null)
            schema = Missing;
        else
        {
            using (db)
            {
                try
                {
                    await db.Database.MigrateAsync();
                    schema = DatabaseSchema.ReadPostgres(server.ConnectionString(server.Databases[0]));
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    schema = $"The PostgreSQL migrations fail when they are applied: {(error.InnerException ?? error).Message}\n";
                }
            }
        }

        var play = RunAsync(context, server.Url(server.Databases[1]), [], null);
        var shell = RunAsync(context, server.Url(server.Databases[2]), ["shell"], context.GradedAs.ShellInput);
        var bad = new List<Task<string>>
        {
            RunAsync(context, server.Url(server.Databases[3], password: "wrong-password"), [], null),
            RunAsync(context, server.Url("no_such_database"), [], null),
            RunAsync(context, $"postgresql://blog:s3cret@127.0.0.1:{UnusedPort()}/blog", [], null),
            RunAsync(context, "postgresql://blog:s3cret@localhost:five-four-three-two/blog", [], null),
        };
        return
        [
            new("schema.txt", schema, Keyed: db is not null && !schema.StartsWith("The PostgreSQL", StringComparison.Ordinal)),
            new("play.txt", await play),
            new("shell.txt", await shell),
            new("bad-input.txt", string.Join("\n", await Task.WhenAll(bad))),
        ];
    }

    const string Missing = $"The chapter has no {ContextName}: a class that derives from BlogContext, with a constructor that takes "
        + $"DbContextOptions<{ContextName}>, whose migrations are PostgreSQL's.\n";

    static async Task<string> RunAsync(CheckContext context, string url, string[] arguments, string? input)
    {
        var server = context.Postgres!;
        using var temp = new TempFolder();
        var run = await context.Programs.RunAsync(context.Chapter, temp.Path, url, arguments, input);
        var password = url.Contains(Uri.EscapeDataString(server.Password), StringComparison.Ordinal) ? server.Password
            : url.Contains(":s3cret@", StringComparison.Ordinal) ? "s3cret" : url.Contains(":wrong-password@", StringComparison.Ordinal) ? "wrong-password" : null;
        var shownUrl = password is null ? url : url.Replace(":" + Uri.EscapeDataString(password) + "@", ":{password}@");
        var command = $"DATABASE_URL='{shownUrl}' dotnet run{(arguments.Length > 0 ? " -- " + string.Join(' ', arguments) : "")}";
        var text = run.Transcript(command);
        var transcriptBody = text[(text.IndexOf('\n') + 1)..];
        if (password is { Length: > 3 } && transcriptBody.Contains(password, StringComparison.Ordinal))
            text = text[..(text.IndexOf('\n') + 1)] + transcriptBody.Replace(password, "{PASSWORD PRINTED}");
        text = text.Replace(server.Username, "{user}");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"grading_[0-9a-f]{8,}", "{database}");
        text = text.Replace($"{server.Host}:{server.Port}", "{host}:{port}")
            .Replace($"Host={server.Host};Port={server.Port}", "Host={host};Port={port}");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"127\.0\.0\.1:\d+", "127.0.0.1:{port}");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"Host=127\.0\.0\.1;Port=\d+", "Host=127.0.0.1;Port={port}");
        return Scrub.All(text, (context.Chapter.Chapter.Folder, "{chapter}"), (temp.Path, "{temp}"));
    }

    static int UnusedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The chapter's PostgresBlogContext on Npgsql with <paramref name="connectionString"/>; null when it has none.</summary>
    static DbContext? Create(ChapterAssembly chapter, string connectionString)
    {
        var type = chapter.Assembly.GetTypes().FirstOrDefault(t => t.Name == ContextName && typeof(DbContext).IsAssignableFrom(t) && !t.IsAbstract);
        if (type is null)
            return null;
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(type))!;
        builder.UseNpgsql(connectionString);
        return ChapterAssembly.NewDbContext(type, builder.Options);
    }
}

/// <summary>
/// Databases on a PostgreSQL server made for one grading, and a user of their own that owns them: not the server's
/// administrator, whose password learner code never sees.
/// </summary>
/// <param name="Host">The host the chapter's program connects to.</param>
/// <param name="Port">The port it connects to.</param>
/// <param name="Username">The user that owns the databases.</param>
/// <param name="Password">That user's password.</param>
/// <param name="Databases">Empty databases that user owns, named <c>grading_...</c>.</param>
public sealed record PostgresAccess(string Host, int Port, string Username, string Password, IReadOnlyList<string> Databases)
{
    /// <summary>An Npgsql connection string for <paramref name="database"/>, without pooling.</summary>
    public string ConnectionString(string database) => new Npgsql.NpgsqlConnectionStringBuilder
    {
        Host = Host, Port = Port, Username = Username, Password = Password, Database = database, Pooling = false,
    }.ConnectionString;

    /// <summary>A <c>postgresql://</c> URL for <paramref name="database"/>, user name and password percent-encoded.</summary>
    /// <param name="database">The database's name.</param>
    /// <param name="password">The password to put in the URL; the real one when null.</param>
    public string Url(string database, string? password = null) =>
        $"postgresql://{Uri.EscapeDataString(Username)}:{Uri.EscapeDataString(password ?? Password)}@{Host}:{Port}/{Uri.EscapeDataString(database)}";
}
