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
        // TODO 1.1: With no DATABASE_URL (null or blank), return a Config whose ConnectionString is made by
        //           a SqliteConnectionStringBuilder whose DataSource is the full path of app.db in BaseDir.
        // TODO 1.2: For sqlite:///data/blog.db use data/blog.db under BaseDir; for sqlite:////tmp/blog.db
        //           use /tmp/blog.db as it is.
        // TODO 1.3: Anything else throws a ConfigException that names DATABASE_URL and ends with
        //           Expected, without repeating the value (it may hold a password).
        throw new ConfigException("DATABASE_URL is not read yet (TODO 1.1).");
    }

    /// <summary>Points a DbContext at this database.</summary>
    public void UseDatabase(DbContextOptionsBuilder options) => options.UseSqlite(ConnectionString);
}

/// <summary>A setting is missing or malformed; the message says which one and what was expected.</summary>
public sealed class ConfigException(string message) : Exception(message);
