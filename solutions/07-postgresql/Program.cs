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
// The Async forms of the calls that wait for the server leave the thread free meanwhile, as a web app needs.
try
{
    await db.Database.OpenConnectionAsync();
}
catch (Exception error) when (config.Explain(error) is { } message)
{
    Console.Error.WriteLine($"error: {message}");
    return 1;
}

// A migration stopped halfway (Ctrl+C, a crash) can leave its row in __EFMigrationsLock behind, and Migrate() then
// waits for that row to go, for ever and without a word: say what it is waiting for. (PostgreSQL's lock goes with
// the connection that took it.)
if (MigrationLockIsTaken(db))
{
    var file = db.Database.GetDbConnection().DataSource;
    Console.Error.WriteLine($"Waiting for the migration lock: {file} has a row in __EFMigrationsLock, left by a program that is migrating it or that was stopped halfway.");
    Console.Error.WriteLine($"If no other program is migrating it, delete the row from another terminal: sqlite3 \"{file}\" \"DELETE FROM __EFMigrationsLock;\"");
}

// Bring the database up to date, as `dotnet ef database update` does. Not db.Database.EnsureCreated():
// it makes the tables without __EFMigrationsHistory, and no migration could be applied after it.
await db.Database.MigrateAsync();

// Which migrations this database has had (`dotnet ef database update`) and which it still lacks.
Console.WriteLine($"Applied migrations: {string.Join(", ", (await db.Database.GetAppliedMigrationsAsync()).DefaultIfEmpty("none"))}");
Console.WriteLine($"Pending migrations: {string.Join(", ", (await db.Database.GetPendingMigrationsAsync()).DefaultIfEmpty("none"))}");

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

// Whether a SQLite database that exists holds a row in __EFMigrationsLock, the lock EF Core takes while it migrates.
static bool MigrationLockIsTaken(BlogContext db) =>
    db.Database.IsSqlite() && File.Exists(db.Database.GetDbConnection().DataSource)
    && db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM sqlite_master WHERE name = '__EFMigrationsLock'").Single() == 1
    && db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM __EFMigrationsLock").Single() > 0;
