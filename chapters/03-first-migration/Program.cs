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

// Register the DbContext with the service provider, the way .NET apps share one.
var services = new ServiceCollection()
    .AddDbContext<BlogContext>(options => config.UseDatabase(options))
    .BuildServiceProvider();

using var scope = services.CreateScope();
var db = scope.ServiceProvider.GetRequiredService<BlogContext>();

Console.WriteLine($"Provider: {db.Database.ProviderName}");
Console.WriteLine($"Database: {db.Database.GetConnectionString()}");

// ToString() decides how a User prints, as __repr__ does in Python.
var susan = new User { Username = "susan", Email = "susan@example.com" };
Console.WriteLine(susan);

// TODO 3.1: This step is a command: in this folder, run `dotnet ef migrations add UsersTable`.
// TODO 3.2: This step is a command: run `dotnet ef database update` to create app.db.
// TODO 3.3: Print "Applied migrations: " and "Pending migrations: " followed by the ids from
//           db.Database.GetAppliedMigrations() and GetPendingMigrations(), joined with ", ", or "none".
return 0;
