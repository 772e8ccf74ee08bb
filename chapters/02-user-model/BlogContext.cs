using Microsoft.EntityFrameworkCore;

namespace Blog;

/// <summary>The app's session with the database: queries, changes and saves go through it.</summary>
public class BlogContext(DbContextOptions<BlogContext> options) : DbContext(options)
{
    // TODO 2.4: Add a DbSet<User> property named Users, so that EF Core maps User to a Users table.
}
