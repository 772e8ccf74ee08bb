using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using Microsoft.EntityFrameworkCore;

namespace Blog.Models;

/// <summary>Something a user wrote on the blog: one row of the Comments table.</summary>
// Indexed so that comments can be listed in time order without reading them all.
[Index(nameof(Timestamp))]
public class Comment
{
    public int Id { get; set; }

    // Was Body, at most 140 characters; the CommentText migration keeps every comment's text.
    [MaxLength(280)]
    public required string Text { get; set; }

    // Evaluated for each new Comment, so every row gets the moment it was made, not the moment
    // the app started. UTC, because readers and servers live in different time zones.
    public DateTime Timestamp { get; set; } = DateTime.UtcNow;

    // The foreign key: the Id of the user who wrote this comment. EF Core indexes it.
    public int UserId { get; set; }

    // The navigation to that user. EF Core pairs it with UserId and with User.Comments.
    [ForeignKey(nameof(UserId))]
    public User? Author { get; set; }

    public override string ToString() => $"<Comment {Text}>";
}
