using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Blog;

/// <summary>How <c>dotnet ef</c> makes a BlogContext when it builds or applies migrations.</summary>
public class BlogContextFactory : IDesignTimeDbContextFactory<BlogContext>
{
    public BlogContext CreateDbContext(string[] args)
    {
        // TODO 1.5: Build DbContextOptions<BlogContext> with Config.Load().UseDatabase(...) and
        //           return a new BlogContext made with them.
        throw new NotImplementedException("The design-time factory is not written yet (TODO 1.5).");
    }
}
