using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Blog;

/// <summary>How <c>dotnet ef</c> makes a BlogContext, the SQLite one, when it builds or applies migrations.</summary>
public class BlogContextFactory : IDesignTimeDbContextFactory<BlogContext>
{
    public BlogContext CreateDbContext(string[] args)
    {
        var config = Config.Load();
        // SQLite's migrations on a PostgreSQL server would fail half way: send the user to the right DbContext.
        if (config.IsPostgres)
            throw new ConfigException("DATABASE_URL names a PostgreSQL server, whose migrations belong to PostgresBlogContext: "
                + "add --context PostgresBlogContext to the dotnet ef command.");
        var options = new DbContextOptionsBuilder<BlogContext>();
        config.UseDatabase(options);
        return new BlogContext(options.Options);
    }
}
