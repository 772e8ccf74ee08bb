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

// Which migrations this database has had (`dotnet ef database update`) and which it still lacks.
Console.WriteLine($"Applied migrations: {string.Join(", ", db.Database.GetAppliedMigrations().DefaultIfEmpty("none"))}");
Console.WriteLine($"Pending migrations: {string.Join(", ", db.Database.GetPendingMigrations().DefaultIfEmpty("none"))}");

// TODO 4.4: This step is a command: run `dotnet ef migrations add CommentsTable`, then
//           `dotnet ef database update`. The users already in app.db stay there.
return 0;
