using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace Blog.Models;

/// <summary>Someone who has an account on the blog: one row of the Users table.</summary>
// A unique index finds a user by name or email quickly and refuses a second account with the same one.
[Index(nameof(Username), IsUnique = true)]
[Index(nameof(Email), IsUnique = true)]
public class User
{
    // EF Core makes a property named Id the primary key, numbered by the database.
    public int Id { get; set; }

    [MaxLength(64)]
    public required string Username { get; set; }

    [MaxLength(120)]
    public required string Email { get; set; }

    // Optional (string?): a user may have no password yet. Never store the password itself.
    [MaxLength(128)]
    public string? PasswordHash { get; set; }

    // Optional: a profile text the user may never write.
    [MaxLength(140)]
    public string? AboutMe { get; set; }

    // UTC, set for each new user as Comment.Timestamp is; existing users get theirs from the migration.
    public DateTime LastSeen { get; set; } = DateTime.UtcNow;

    // One user, many comments: the other side of Comment.Author.
    public List<Comment> Comments { get; } = [];

    public override string ToString() => $"<User {Username}>";
}
