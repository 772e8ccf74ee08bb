using System.Reflection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;

namespace Blog;

/// <summary>Where the app keeps its data, read once at start-up.</summary>
public sealed class Config
{
    // The project folder, which Blog.csproj writes into the assembly when it builds it (AssemblyMetadata).
    // Both `dotnet run` and `dotnet ef` find app.db here, whatever folder you run them from.
    public static readonly string BaseDir = typeof(Config).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "ProjectDir").Value!;

    // How every error message ends: the two URL forms the app accepts.
    const string Expected = "expected a SQLite URL such as sqlite:///app.db (relative to the project folder) "
        + "or sqlite:////home/you/blog/app.db (absolute)";

    public required string ConnectionString { get; init; }

    /// <summary>Reads DATABASE_URL from user secrets or the environment (the environment wins).</summary>
    public static Config Load()
    {
        var settings = new ConfigurationBuilder()
            .AddUserSecrets<Config>(optional: true) // secrets stay in your user profile, not in git
            .AddEnvironmentVariables()
            .Build();
        return FromDatabaseUrl(settings["DATABASE_URL"]);
    }

    /// <summary>Turns a URL such as <c>sqlite:///app.db</c> into a SQLite connection string.</summary>
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
        if (!engine.Equals("sqlite", StringComparison.OrdinalIgnoreCase))
            throw new ConfigException($"DATABASE_URL names the engine '{engine}', which this app does not support; {Expected}.");

        var path = url[(schemeEnd + 3)..];
        if (!path.StartsWith('/') || path.Length == 1)
            throw new ConfigException($"DATABASE_URL has no database file after 'sqlite:///'; {Expected}.");

        return new Config { ConnectionString = new SqliteConnectionStringBuilder { DataSource = Path.GetFullPath(path[1..], BaseDir) }.ToString() };
    }

    /// <summary>Points a DbContext at this database.</summary>
    public void UseDatabase(DbContextOptionsBuilder options) => options.UseSqlite(ConnectionString);
}

/// <summary>A setting is missing or malformed; the message says which one and what was expected.</summary>
public sealed class ConfigException(string message) : Exception(message);
