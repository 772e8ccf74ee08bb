using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Npgsql;

namespace Blog;

/// <summary>Where the app keeps its data, read once at start-up.</summary>
public sealed class Config
{
    // The project folder, which Blog.csproj writes into the assembly when it builds it (AssemblyMetadata).
    // Both `dotnet run` and `dotnet ef` find app.db here, whatever folder you run them from.
    public static readonly string BaseDir = typeof(Config).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "ProjectDir").Value!;

    // How every error message ends: the URL forms the app accepts.
    const string Expected = "expected a SQLite URL such as sqlite:///app.db (relative to the project folder) "
        + "or sqlite:////home/you/blog/app.db (absolute), or postgresql://user:password@host:5432/database";

    public required string ConnectionString { get; init; }

    // True for a PostgreSQL server, false for a SQLite file.
    public bool IsPostgres { get; init; }

    // The connection string to print: PostgreSQL's without its password.
    public string Shown => IsPostgres
        ? new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null }.ConnectionString
        : ConnectionString;

    /// <summary>Reads DATABASE_URL from user secrets or the environment (the environment wins).</summary>
    public static Config Load()
    {
        var settings = new ConfigurationBuilder()
            .AddUserSecrets<Config>(optional: true) // secrets stay in your user profile, not in git
            .AddEnvironmentVariables()
            .Build();
        return FromDatabaseUrl(settings["DATABASE_URL"]);
    }

    /// <summary>Turns a URL such as <c>sqlite:///app.db</c> or <c>postgresql://...</c> into a connection string.</summary>
    public static Config FromDatabaseUrl(string? url)
    {
        // No DATABASE_URL: fall back to app.db beside the code. The builder quotes the path where it must: a ';'
        // in a folder name would end a "Data Source=" + path string early.
        if (string.IsNullOrWhiteSpace(url))
            return new Config { ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(BaseDir, "app.db") }.ToString() };

        // The value is never echoed back: it might hold a password.
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            throw new ConfigException($"DATABASE_URL is not a database URL; {Expected}.");

        var engine = url[..schemeEnd];
        if (engine.ToLowerInvariant() is "postgresql" or "postgres")
            return FromPostgresUrl(url);
        if (!engine.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
            throw new ConfigException($"DATABASE_URL names the engine '{engine}', which this app does not support; {Expected}.");

        var path = url[(schemeEnd + 3)..];
        if (!path.StartsWith('/') || path.Length == 1)
            throw new ConfigException($"DATABASE_URL has no database file after 'sqlite:///'; {Expected}.");

        return new Config { ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path[1..], BaseDir) }.ToString() };
    }

    // postgresql://user:password@host:port/database?sslmode=require. Uri splits it and decodes nothing by itself, so
    // user name and password are unescaped (%40 is @); NpgsqlConnectionStringBuilder writes the connection string.
    static Config FromPostgresUrl(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || uri.AbsolutePath.Trim('/').Length == 0)
            throw new ConfigException($"DATABASE_URL is not a PostgreSQL URL that can be read (it needs a host and a database); {Expected}.");
        var user = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.Port > 0 ? uri.Port : 5432, // PostgreSQL's default port
            Database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/')),
            Username = Uri.UnescapeDataString(user[0]),
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
        };
        ApplyParameters(uri.Query, builder);
        return new Config { ConnectionString = builder.ConnectionString, IsPostgres = true };
    }

    // The parameters after '?' that hosted PostgreSQL services put in their URLs (libpq's names), as Npgsql's settings.
    const string Parameters = "sslmode, sslrootcert, channel_binding, connect_timeout, application_name and options";

    // Any other parameter is refused by name: dropped in silence, ?sslmode=verify-full would no longer check the
    // server's certificate. A message names the parameter, never its value, as it never repeats the URL.
    static void ApplyParameters(string query, NpgsqlConnectionStringBuilder builder)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            var name = Uri.UnescapeDataString(parts[0]);
            var value = parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "";
            switch (name)
            {
                case "sslmode":
                    builder.SslMode = value switch
                    {
                        "disable" => SslMode.Disable,
                        "allow" => SslMode.Allow,
                        "prefer" => SslMode.Prefer,
                        "require" => SslMode.Require,
                        "verify-ca" => SslMode.VerifyCA,
                        "verify-full" => SslMode.VerifyFull,
                        _ => throw Unusable(name, "disable, allow, prefer, require, verify-ca or verify-full"),
                    };
                    break;
                case "sslrootcert": // the file of the certificate authority to trust
                    builder.RootCertificate = value;
                    break;
                case "channel_binding":
                    builder.ChannelBinding = value switch
                    {
                        "disable" => ChannelBinding.Disable,
                        "prefer" => ChannelBinding.Prefer,
                        "require" => ChannelBinding.Require,
                        _ => throw Unusable(name, "disable, prefer or require"),
                    };
                    break;
                case "connect_timeout": // seconds
                    builder.Timeout = int.TryParse(value, out var seconds) && seconds is >= 0 and <= 1024
                        ? seconds
                        : throw Unusable(name, "a number of seconds from 0 to 1024");
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "options": // such as -c search_path=blog
                    builder.Options = value;
                    break;
                default:
                    throw new ConfigException($"DATABASE_URL has the parameter '{name}', which this app does not read; it reads {Parameters}.");
            }
        }
    }

    static ConfigException Unusable(string name, string allowed) =>
        new($"DATABASE_URL's parameter '{name}' has a value this app cannot use; it takes {allowed}.");

    /// <summary>Points a DbContext at this database, with the provider of its engine.</summary>
    public void UseDatabase(DbContextOptionsBuilder options)
    {
        if (IsPostgres)
            options.UseNpgsql(ConnectionString);
        else
            options.UseSqlite(ConnectionString);
    }

    /// <summary>
    /// What went wrong when connecting to PostgreSQL, in a sentence that says what to do; null for anything else.
    /// Built from the URL's parts, never from the password.
    /// </summary>
    public string? Explain(Exception error)
    {
        // EF Core's execution strategy for Npgsql wraps a failure that may pass (the server is down) in an
        // InvalidOperationException, on the calls that go through it: OpenConnection and queries, not Migrate.
        if (!IsPostgres || (error as NpgsqlException ?? error.InnerException as NpgsqlException) is not { } failure)
            return null;
        var where = new NpgsqlConnectionStringBuilder(ConnectionString);
        return failure switch
        {
            PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
                $"PostgreSQL at {where.Host}:{where.Port} refused the password of user '{where.Username}'; check the user name and password in DATABASE_URL.",
            PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } =>
                $"the database '{where.Database}' does not exist on {where.Host}:{where.Port}; create it with `createdb {where.Database}` "
                + "(or CREATE DATABASE), then run again.",
            { InnerException: System.Net.Sockets.SocketException or TimeoutException } =>
                $"cannot reach a PostgreSQL server at {where.Host}:{where.Port}; is it running, and are host and port in DATABASE_URL right?",
            _ => null,
        };
    }
}

/// <summary>A setting is missing or malformed; the message says which one and what was expected.</summary>
public sealed class ConfigException(string message) : Exception(message);
