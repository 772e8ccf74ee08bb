using Blog;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

// Register the DbContext with the service provider, the way .NET apps share one.
var services = new ServiceCollection()
    .AddDbContext<BlogContext>(options => config.UseDatabase(options
        .LogTo(message => { if (echo) Console.WriteLine(message); },
            [RelationalEventId.CommandExecuted], LogLevel.Information, DbContextLoggerOptions.None)
        // Warning: this logs the values sent (emails, password hashes); only for Play Time on a learning database.
        .EnableSensitiveDataLogging(args is not ["shell"])))
    .BuildServiceProvider();

using var scope = services.CreateScope();
var db = scope.ServiceProvider.GetRequiredService<BlogContext>();

Console.WriteLine($"Provider: {db.Database.ProviderName}");
Console.WriteLine($"Database: {db.Database.GetConnectionString()}");

// A migration stopped halfway (Ctrl+C, a crash) can leave its row in __EFMigrationsLock behind, and Migrate() then
// waits for that row to go, for ever and without a word: say what it is waiting for.
if (MigrationLockIsTaken(db))
{
    var file = db.Database.GetDbConnection().DataSource;
    Console.Error.WriteLine($"Waiting for the migration lock: {file} has a row in __EFMigrationsLock, left by a program that is migrating it or that was stopped halfway.");
    Console.Error.WriteLine($"If no other program is migrating it, delete the row from another terminal: sqlite3 \"{file}\" \"DELETE FROM __EFMigrationsLock;\"");
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

// Whether a SQLite database that exists holds a row in __EFMigrationsLock, the lock EF Core takes while it migrates.
static bool MigrationLockIsTaken(BlogContext db) =>
    db.Database.IsSqlite() && File.Exists(db.Database.GetDbConnection().DataSource)
    && db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM sqlite_master WHERE name = '__EFMigrationsLock'").Single() == 1
    && db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM __EFMigrationsLock").Single() > 0;
