using Blog.Models;
using Microsoft.EntityFrameworkCore;

namespace Blog;

/// <summary>The app's session with the database: queries, changes and saves go through it.</summary>
public class BlogContext(DbContextOptions<BlogContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Comment> Comments => Set<Comment>();

    /// <summary>A user's comments as a query: add Where, OrderBy or Count before anything is loaded.</summary>
    public IQueryable<Comment> CommentsOf(User user) => Entry(user).Collection(u => u.Comments).Query();
}
