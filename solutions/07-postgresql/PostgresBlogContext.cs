using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Blog;

/// <summary>
/// The same DbContext on PostgreSQL. A type of its own, because EF Core keeps one set of migrations per
/// DbContext type: these are in Migrations/Postgres, SQLite's stay in Migrations.
/// </summary>
public class PostgresBlogContext(DbContextOptions<PostgresBlogContext> options) : BlogContext(options);

/// <summary>How <c>dotnet ef ... --context PostgresBlogContext</c> makes one: from a postgresql:// DATABASE_URL.</summary>
public class PostgresBlogContextFactory : IDesignTimeDbContextFactory<PostgresBlogContext>
{
    public PostgresBlogContext CreateDbContext(string[] args)
    {
        var config = Config.Load();
        if (!config.IsPostgres)
            throw new ConfigException("PostgresBlogContext needs DATABASE_URL=postgresql://user:password@host:5432/database "
                + "(in the environment or in dotnet user-secrets).");
        var options = new DbContextOptionsBuilder<PostgresBlogContext>();
        config.UseDatabase(options);
        return new PostgresBlogContext(options.Options);
    }
}
