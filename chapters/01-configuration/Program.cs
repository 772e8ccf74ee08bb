using Blog;                                      // Config, ConfigException, BlogContext
using Microsoft.EntityFrameworkCore;             // GetConnectionString(), an extension method
using Microsoft.Extensions.DependencyInjection;  // ServiceCollection, AddDbContext

// The blog has no database yet: this chapter gives it one.

// TODO 1.4: Load the Config with Config.Load(). If it throws a ConfigException, print
//           "error: " and its message to standard error and return 1.
// TODO 1.4: Register BlogContext with a ServiceCollection (AddDbContext), resolve it in a scope, and
//           print "Provider: " + db.Database.ProviderName and "Database: " + the connection string.
Console.WriteLine("No database yet.");
return 0;
