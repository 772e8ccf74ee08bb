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

    // TODO 4.2: Add Comments, the list of comments this user wrote (the other side of Comment.Author).

    public override string ToString() => $"<User {Username}>";
}
