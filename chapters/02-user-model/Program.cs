using Blog;
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

// TODO 2.3: Make a User named susan (susan@example.com) and print it with Console.WriteLine.
return 0;
