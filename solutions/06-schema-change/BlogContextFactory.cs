using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Blog;

/// <summary>How <c>dotnet ef</c> makes a BlogContext when it builds or applies migrations.</summary>
public class BlogContextFactory : IDesignTimeDbContextFactory<BlogContext>
{
    public BlogContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<BlogContext>();
        Config.Load().UseDatabase(options);
        return new BlogContext(options.Options);
    }
}
