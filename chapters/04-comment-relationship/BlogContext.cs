using Blog.Models;
using Microsoft.EntityFrameworkCore;

namespace Blog;

/// <summary>The app's session with the database: queries, changes and saves go through it.</summary>
public class BlogContext(DbContextOptions<BlogContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    // TODO 4.3: Add a DbSet<Comment> named Comments, and CommentsOf(User user): the user's comments as
    //           an IQueryable<Comment> that is not loaded until it is used (Entry(...).Collection(...).Query()).
}
