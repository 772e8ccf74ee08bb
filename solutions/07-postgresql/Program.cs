using Blog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// What to run: Play Time (no argument), the shell or a backup. Anything else is a typo: say so.
if (args is not ([] or ["shell"] or ["backup"]))
{
    Console.Error.WriteLine("error: unknown arguments; use `dotnet run`, `dotnet run -- shell` or `dotnet run -- backup`.");
    return 2;
}

Config config;
try
{
    config = Config.Load();
}
catch (ConfigException error)
{
    // A bad setting is the user's to fix: say what is wrong, without a stack trace.
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}

// Print the SQL that EF Core sends, as SQLAlchemy's echo=True does; switched on for Play Time only.
var echo = false;

// How every DbContext of this app is set up: the database, and the SQL echo.
void Configure(DbContextOptionsBuilder options) => config.UseDatabase(options
    .LogTo(message => { if (echo) Console.WriteLine(message); },
        [RelationalEventId.CommandExecuted], LogLevel.Information, DbContextLoggerOptions.None)
    // Warning: this logs the values sent (emails, password hashes); only for Play Time on a learning database.
    .EnableSensitiveDataLogging(args is not ["shell"])
    // After a command that failed unlogged (Migrate's first look for its history table on PostgreSQL), EF Core skips
    // logging for up to a second by default; zero logs every command.
    .ConfigureLoggingCacheTime(TimeSpan.Zero));

// Register the DbContext with the service provider, the way .NET apps share one. On PostgreSQL the app asks
// for a BlogContext and gets a PostgresBlogContext, whose migrations are PostgreSQL's.
var services = new ServiceCollection();
if (config.IsPostgres)
    services.AddDbContext<BlogContext, PostgresBlogContext>(Configure);
else
    services.AddDbContext<BlogContext>(Configure);

using var scope = services.BuildServiceProvider().CreateScope();
var db = scope.ServiceProvider.GetRequiredService<BlogContext>();

Console.WriteLine($"Provider: {db.Database.ProviderName}");
// Never the password: Shown leaves it out.
Console.WriteLine($"Database: {config.Shown}");

// Back up before Migrate: the copy must hold the database as it was, before this version changes it.
if (args is ["backup"] && config.IsPostgres)
{
    Console.Error.WriteLine("error: `dotnet run -- backup` copies a SQLite file; back a PostgreSQL database up with pg_dump.");
    return 1;
}
if (args is ["backup"])
    return Backup.Run(config.ConnectionString);

// Connect first: a server that cannot be reached, a refused password or a missing database is the user's to fix.
try
{
    db.Database.OpenConnection();
}
catch (Exception error) when (config.Explain(error) is { } message)
{
    Console.Error.WriteLine($"error: {message}");
    return 1;
}

// Bring the database up to date, as `dotnet ef database update` does. Not db.Database.EnsureCreated():
// it makes the tables without __EFMigrationsHistory, and no migration could be applied after it.
db.Database.Migrate();

// Which migrations this database has had (`dotnet ef database update`) and which it still lacks.
Console.WriteLine($"Applied migrations: {string.Join(", ", db.Database.GetAppliedMigrations().DefaultIfEmpty("none"))}");
Console.WriteLine($"Pending migrations: {string.Join(", ", db.Database.GetPendingMigrations().DefaultIfEmpty("none"))}");

if (args is ["shell"])
{
    await Shell.RunAsync(db);
}
else
{
    echo = true;
    Play.Run(db);
}
return 0;
