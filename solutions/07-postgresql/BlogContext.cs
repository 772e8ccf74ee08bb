using Blog.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Blog;

/// <summary>The app's session with the database: queries, changes and saves go through it. Its migrations are SQLite's.</summary>
// DbContextOptions, not DbContextOptions<BlogContext>: PostgresBlogContext passes options of its own type.
public class BlogContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Comment> Comments => Set<Comment>();

    /// <summary>A user's comments as a query: add Where, OrderBy or Count before anything is loaded.</summary>
    public IQueryable<Comment> CommentsOf(User user) => Entry(user).Collection(u => u.Comments).Query();

    // SQLite keeps no time zone, so a DateTime comes back with Kind Unspecified. This app saves UTC only:
    // every DateTime property reads back marked as UTC. On PostgreSQL the column is timestamp with time zone,
    // which Npgsql reads back as UTC already, and refuses a DateTime that is not UTC when saving.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
}

/// <summary>Saves a DateTime as it is, and reads it back with Kind Utc.</summary>
public class UtcConverter() : ValueConverter<DateTime, DateTime>(
    value => value, value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
