using Blog.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Blog;

/// <summary>The app's session with the database: queries, changes and saves go through it.</summary>
public class BlogContext(DbContextOptions<BlogContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();
    public DbSet<Comment> Comments => Set<Comment>();

    /// <summary>A user's comments as a query: add Where, OrderBy or Count before anything is loaded.</summary>
    public IQueryable<Comment> CommentsOf(User user) => Entry(user).Collection(u => u.Comments).Query();

    // SQLite keeps no time zone, so a DateTime comes back with Kind Unspecified. This app saves UTC only:
    // every DateTime property reads back marked as UTC.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
}

/// <summary>Saves a DateTime as it is, refusing a local time as Npgsql does, and reads it back with Kind Utc.</summary>
public class UtcConverter() : ValueConverter<DateTime, DateTime>(
    value => Saved(value), value => DateTime.SpecifyKind(value, DateTimeKind.Utc))
{
    // SQLite would keep a local time's digits without its offset, and they would read back as UTC: hours off.
    static DateTime Saved(DateTime value) => value.Kind == DateTimeKind.Local
        ? throw new ArgumentException("A DateTime with Kind Local cannot be saved: this app keeps UTC only (use DateTime.UtcNow, or ToUniversalTime() first).")
        : value;
}
