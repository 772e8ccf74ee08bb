using Blog.Models;
using Microsoft.EntityFrameworkCore;

namespace Blog;

/// <summary>Play Time: add, query and delete users and comments, one step at a time.</summary>
public static class Play
{
    public static void Run(BlogContext db)
    {
        Step("Add a user and save it");
        // TODO 5.3: Make john (john@example.com), add him to db.Users, save the changes, and print
        //           $"{john} has Id {john.Id}".

        Step("Add a second user");
        // TODO 5.3: The same for susan (susan@example.com).

        Step("List all users");
        // TODO 5.3: Print $"{user.Id} {user.Username}" for every user in db.Users.

        Step("Find a user by primary key");
        // TODO 5.3: Find john by his Id with db.Users.Find and print $"{found} (already tracked, so no SQL was sent)".

        Step("Find a user by name");
        // TODO 5.3: Find susan with db.Users.Where(u => u.Username == "susan").FirstOrDefault() and print her.

        Step("Add a comment written by john");
        // TODO 5.3: Make the comment "my first comment!" with Author = john, add it, save, and print
        //           $"{comment} by {comment.Author}".

        Step("List john's comments");
        // TODO 5.3: Print each comment of db.CommentsOf(john).

        Step("List susan's comments");
        // TODO 5.3: Print $"{count} comments", counting db.CommentsOf(susan) in the database.

        Step("List every comment with its author");
        // TODO 5.3: Load db.Comments with Include(c => c.Author) and print $"{each.Id} {each.Author!.Username}: {each.Body}".

        Step("Users in reverse alphabetical order");
        // TODO 5.3: Print every user, ordered by Username from Z to A.

        Step("Delete everything");
        // TODO 5.3: In one transaction (db.Database.BeginTransaction(), then Commit()), delete all comments,
        //           then all users, with ExecuteDelete(); then db.ChangeTracker.Clear(), and print
        //           $"deleted {comments} comment(s) and {users} user(s)".
    }

    static void Step(string title) => Console.WriteLine($"{Environment.NewLine}== {title}");
}
