using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Workbook.Grading.Schema;

namespace Workbook.Grading;

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
            var migrations = db.GetService<IMigrationsAssembly>();
            var sources = chapter.Chapter.SourceFiles().ToList();
            var outputs = new List<Output> { new("list.txt", string.Concat(migrations.Migrations.Keys.Select(id => id[(id.IndexOf('_') + 1)..] + "\n"))) };
            foreach (var id in migrations.Migrations.Keys)
                outputs.Add(new($"{id[(id.IndexOf('_') + 1)..]}.cs", Source(chapter.Chapter, sources, id + ".cs")));
            if (migrations.ModelSnapshot is { } snapshot)
                outputs.Add(new("model-snapshot.cs", Source(chapter.Chapter, sources, snapshot.GetType().Name + ".cs")));
            if (migrations.Migrations.Count > 0)
                outputs.Add(new("idempotent.sql", Scrub.Volatile(Scrub.Lines(db.GetService<IMigrator>().GenerateScript(
                    options: MigrationsSqlGenerationOptions.Idempotent)))));
            return outputs;
        }
    }

    /// <summary>
    /// Graded, needs a server (<see cref="PostgresServer.Shared"/>). <c>schema.txt</c>: the PostgreSQL migrations
    /// applied to a new database, read back from the server's catalog (<see cref="DatabaseSchema.ReadPostgres"/>);
    /// <c>play.txt</c> and <c>shell.txt</c>: Play Time and <see cref="ShellSession"/> run by the chapter's program with a
    /// <c>postgresql://</c> DATABASE_URL on new databases; <c>bad-input.txt</c>: the program run with a password the server
    /// refuses, a database that does not exist, a port where no server listens and a URL that does not parse. Host,
    /// port, database names and the password are replaced by placeholders; a password the program printed shows as
    /// <c>{PASSWORD PRINTED}</c>. The grader does not run it without a server (the check's status is then an error).
    /// </summary>
    /// <exception cref="InvalidOperationException">No server can be had (<see cref="PostgresServer.Unavailable"/>).</exception>
    public static async Task<IReadOnlyList<Output>> Server(ChapterAssembly chapter)
    {
        var server = PostgresServer.Shared ?? throw new InvalidOperationException($"No PostgreSQL server: {PostgresServer.Unavailable}");

        var schemaDatabase = server.CreateDatabase("grading");
        string schema;
        var db = Create(chapter, server.ConnectionString(schemaDatabase));
        if (db is null)
            schema = Missing;
        else
        {
            using (db)
            {
                try
                {
                    db.Database.Migrate();
                    schema = DatabaseSchema.ReadPostgres(server.ConnectionString(schemaDatabase));
                }
                catch (Exception error) when (error is not OutOfMemoryException)
                {
                    schema = $"The PostgreSQL migrations fail when they are applied: {(error.InnerException ?? error).Message}\n";
                }
            }
        }

        var play = RunAsync(chapter, server, server.Url(server.CreateDatabase("grading")), [], null);
        var shell = RunAsync(chapter, server, server.Url(server.CreateDatabase("grading")), ["shell"], ShellSession + "\n");
        var bad = new List<Task<string>>
        {
            RunAsync(chapter, server, server.Url(server.CreateDatabase("grading"), password: "wrong-password"), [], null),
            RunAsync(chapter, server, server.Url("no_such_database"), [], null),
            RunAsync(chapter, server, $"postgresql://blog:s3cret@127.0.0.1:{UnusedPort()}/blog", [], null),
            RunAsync(chapter, server, "postgresql://blog:s3cret@localhost:five-four-three-two/blog", [], null),
        };
        return
        [
            new("schema.txt", schema, Keyed: db is not null && !schema.StartsWith("The PostgreSQL", StringComparison.Ordinal)),
            new("play.txt", await play),
            new("shell.txt", await shell),
            new("bad-input.txt", string.Join("\n", await Task.WhenAll(bad))),
        ];
    }

    /// <summary>
    /// The statements of the piped shell session on PostgreSQL: a user and a comment saved, a second user with the same
    /// name (PostgreSQL's unique-violation message), a timestamp read back (its <c>Kind</c>), and a comment with a local
    /// time, which Npgsql refuses to write to <c>timestamp with time zone</c>.
    /// </summary>
    public const string ShellSession = """
        var ann = new User { Username = "ann", Email = "ann@example.com" };
        db.Users.Add(ann);
        db.SaveChanges()
        db.Comments.Add(new Comment { Text = "hello from the shell", Author = ann });
        db.SaveChanges()
        db.Users.Add(new User { Username = "ann", Email = "ann2@example.com" });
        db.SaveChanges()
        db.Users.Select(u => u.Username).ToList()
        db.Comments.First().Timestamp.Kind
        db.Comments.Add(new Comment { Text = "local time", UserId = ann.Id, Timestamp = DateTime.SpecifyKind(new DateTime(2026, 1, 1, 12, 0, 0), DateTimeKind.Local) });
        db.SaveChanges()
        db.Comments.Count()
        """;

    const string Missing = $"The chapter has no {ContextName}: a class that derives from BlogContext, with a constructor that takes "
        + $"DbContextOptions<{ContextName}>, whose migrations are PostgreSQL's.\n";

    static async Task<string> RunAsync(ChapterAssembly chapter, PostgresServer server, string url, string[] arguments, string? input)
    {
        using var temp = new TempFolder();
        var run = await ChapterProgram.RunAsync(chapter, temp.Path, url, arguments, input);
        // The password as the URL holds it (between the user name's ':' and the '@'), read without Uri: some URLs here do not parse.
        var password = System.Text.RegularExpressions.Regex.Match(url, "^[a-z]+://[^:@/]*:([^@/]*)@") is { Success: true } m
            ? Uri.UnescapeDataString(m.Groups[1].Value) : null;
        var shownUrl = password is { Length: > 0 } ? url.Replace(":" + Uri.EscapeDataString(password) + "@", ":{password}@") : url;
        var command = $"DATABASE_URL='{shownUrl}' dotnet run{(arguments.Length > 0 ? " -- " + string.Join(' ', arguments) : "")}";
        var text = run.Transcript(command);
        var transcriptBody = text[(text.IndexOf('\n') + 1)..];
        if (password is { Length: > 3 } && transcriptBody.Contains(password, StringComparison.Ordinal))
            text = text[..(text.IndexOf('\n') + 1)] + transcriptBody.Replace(password, "{PASSWORD PRINTED}");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"grading_[0-9a-f]{8,}", "{database}");
        text = text.Replace($"{server.Host}:{server.Port}", "{host}:{port}")
            .Replace($"Host={server.Host};Port={server.Port}", "Host={host};Port={port}");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"127\.0\.0\.1:\d+", "127.0.0.1:{port}");
        text = System.Text.RegularExpressions.Regex.Replace(text, @"Host=127\.0\.0\.1;Port=\d+", "Host=127.0.0.1;Port={port}");
        return Scrub.All(text, (chapter.Chapter.Folder, "{chapter}"), (temp.Path, "{temp}"));
    }

    static int UnusedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    static string Source(Chapter chapter, List<string> sources, string fileName) =>
        sources.FirstOrDefault(path => Path.GetFileName(path) == fileName) is { } path
            ? Scrub.Volatile(Scrub.Lines(File.ReadAllText(Path.Combine(chapter.Folder, path))))
            : $"(no file named {fileName})\n";

    /// <summary>The chapter's PostgresBlogContext on Npgsql with <paramref name="connectionString"/>; null when it has none.</summary>
    static DbContext? Create(ChapterAssembly chapter, string connectionString)
    {
        var type = chapter.Assembly.GetTypes().FirstOrDefault(t => t.Name == ContextName && typeof(DbContext).IsAssignableFrom(t) && !t.IsAbstract);
        if (type is null)
            return null;
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(type))!;
        builder.UseNpgsql(connectionString);
        var constructor = type.GetConstructors().FirstOrDefault(c => c.GetParameters() is [var p] && p.ParameterType.IsAssignableFrom(builder.Options.GetType()));
        if (constructor is null)
            return null;
        try
        {
            return (DbContext)constructor.Invoke([builder.Options]);
        }
        catch (TargetInvocationException error) when (error.InnerException is { } inner)
        {
            throw new ChapterCodeException($"{ContextName}'s constructor threw {inner.GetType().Name}: {inner.Message}", inner);
        }
    }
}
