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
