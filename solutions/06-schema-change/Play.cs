using Blog.Models;
using Microsoft.EntityFrameworkCore;

namespace Blog;

/// <summary>Play Time: add, query and delete users and comments, one step at a time.</summary>
public static class Play
{
    public static void Run(BlogContext db)
    {
        Step("Add a user and save it");
        var john = new User { Username = "john", Email = "john@example.com" };
        db.Users.Add(john);  // tracked, not yet in the database
        db.SaveChanges();    // the commit: the INSERT runs now, and john gets his Id
        Console.WriteLine($"{john} has Id {john.Id}");

        Step("Add a second user");
        var susan = new User { Username = "susan", Email = "susan@example.com" };
        db.Users.Add(susan);
        db.SaveChanges();
        Console.WriteLine($"{susan} has Id {susan.Id}");

        Step("List all users");
        foreach (var user in db.Users.ToList())
            Console.WriteLine($"{user.Id} {user.Username}");

        Step("Find a user by primary key");
        // Find looks in the DbContext first: john is already tracked, so no SQL is sent.
        var found = db.Users.Find(john.Id);
        Console.WriteLine($"{found} (already tracked, so no SQL was sent)");

        Step("Find a user by name");
        // Where is the filter: EF Core turns the lambda into SQL (ToQueryString() on the query shows it
        // without running it), and FirstOrDefault() reads one row, or gives null when none matches, as SQLAlchemy's
        // .first() does (First() would throw).
        var byName = db.Users.Where(u => u.Username == "susan").FirstOrDefault();
        Console.WriteLine(byName);

        Step("Add a comment written by john");
        var comment = new Comment { Text = "my first comment!", Author = john };
        db.Comments.Add(comment);
        db.SaveChanges();
        Console.WriteLine($"{comment} by {comment.Author}");

        Step("List john's comments");
        // A query, not a loaded list: EF Core adds "WHERE UserId = ..." and reads only these rows.
        foreach (var mine in db.CommentsOf(john).ToList())
            Console.WriteLine(mine);

        Step("List susan's comments");
        Console.WriteLine($"{db.CommentsOf(susan).Count()} comments");

        Step("List every comment with its author");
        // Include loads each comment's Author in the same query (a JOIN).
        foreach (var each in db.Comments.Include(c => c.Author).ToList())
            Console.WriteLine($"{each.Id} {each.Author!.Username}: {each.Text}");

        Step("Users in reverse alphabetical order");
        foreach (var user in db.Users.OrderByDescending(u => u.Username).ToList())
            Console.WriteLine(user);

        Step("Delete everything");
        // ExecuteDelete runs one DELETE in the database, without loading the rows first.
        // One transaction around both: all of it is deleted, or nothing.
        using var transaction = db.Database.BeginTransaction();
        var comments = db.Comments.ExecuteDelete();
        var users = db.Users.ExecuteDelete();
        transaction.Commit();
        // ExecuteDelete bypasses the change tracker, which still holds john, susan and the comment: forget them.
        db.ChangeTracker.Clear();
        Console.WriteLine($"deleted {comments} comment(s) and {users} user(s)");
    }

    static void Step(string title) => Console.WriteLine($"{Environment.NewLine}== {title}");
}
