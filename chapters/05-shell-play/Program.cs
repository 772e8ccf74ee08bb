using Blog;
using Blog.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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

// TODO 5.2: Echo the SQL that EF Core sends, as SQLAlchemy's echo=True does, for Play Time only: add
//           `var echo = false;` here; in AddDbContext, pass config.UseDatabase the options after
//           .LogTo(message => { if (echo) Console.WriteLine(message); }, [RelationalEventId.CommandExecuted],
//           LogLevel.Information, DbContextLoggerOptions.None) and .EnableSensitiveDataLogging(args is not ["shell"])
//           (it logs the values sent: Play Time only, never in the shell or a real app).

// Register the DbContext with the service provider, the way .NET apps share one.
var services = new ServiceCollection()
    .AddDbContext<BlogContext>(options => config.UseDatabase(options))
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

// TODO 5.1: Bring the database up to date here, as `dotnet ef database update` does.

// TODO 5.3: Replace the three lines about susan with Play Time, after the migrations are printed:
//           `await Shell.RunAsync(db)` when args is ["shell"], else `echo = true;` and `Play.Run(db)`.
// ToString() decides how a User prints, as __repr__ does in Python.
var susan = new User { Username = "susan", Email = "susan@example.com" };
Console.WriteLine(susan);

// Which migrations this database has had (`dotnet ef database update`) and which it still lacks.
Console.WriteLine($"Applied migrations: {string.Join(", ", db.Database.GetAppliedMigrations().DefaultIfEmpty("none"))}");
Console.WriteLine($"Pending migrations: {string.Join(", ", db.Database.GetPendingMigrations().DefaultIfEmpty("none"))}");
return 0;

// Whether a SQLite database that exists holds a row in __EFMigrationsLock, the lock EF Core takes while it migrates.
static bool MigrationLockIsTaken(BlogContext db) =>
    db.Database.IsSqlite() && File.Exists(db.Database.GetDbConnection().DataSource)
    && db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM sqlite_master WHERE name = '__EFMigrationsLock'").Single() == 1
    && db.Database.SqlQuery<int>($"SELECT COUNT(*) AS Value FROM __EFMigrationsLock").Single() > 0;
