using Blog.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Blog;

/// <summary>The app's session with the database: queries, changes and saves go through it.</summary>
public class BlogContext(DbContextOptions<BlogContext> options) : DbContext(options)
{
    public DbSet<User> Users => Set<User>();

    // TODO 4.3: Add a DbSet<Comment> named Comments, and CommentsOf(User user): the user's comments as
    //           an IQueryable<Comment> that is not loaded until it is used (Entry(...).Collection(...).Query()).

    // TODO 4.5: SQLite gives a DateTime back with Kind Unspecified. Override ConfigureConventions and make
    //           every DateTime property use UtcConverter (below), so that timestamps read back as UTC.
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
