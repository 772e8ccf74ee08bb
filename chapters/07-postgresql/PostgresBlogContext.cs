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
    // TODO 7.2: refuse a DATABASE_URL that is not PostgreSQL's (a ConfigException saying what to set), then make the
    // DbContext as BlogContextFactory does, with DbContextOptionsBuilder<PostgresBlogContext>. With a postgresql://
    // DATABASE_URL, run `dotnet ef migrations add InitialCreate --context PostgresBlogContext --output-dir Migrations/Postgres`.
    public PostgresBlogContext CreateDbContext(string[] args) =>
        throw new ConfigException("PostgresBlogContextFactory is not written yet (TODO 7.2).");
}
