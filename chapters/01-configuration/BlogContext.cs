using Microsoft.EntityFrameworkCore;

namespace Blog;

/// <summary>The app's session with the database: queries, changes and saves go through it.</summary>
public class BlogContext(DbContextOptions<BlogContext> options) : DbContext(options)
{
}
