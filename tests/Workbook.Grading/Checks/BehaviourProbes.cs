using System.Collections;
using System.Reflection;

namespace Workbook.Grading.Checks;

/// <summary>
/// Graded checks of what a schema cannot show, probed by running the chapter's own entity types and DbContext on a
/// new SQLite file made from its model (<c>EnsureCreated</c>, so that the probes grade the model and the C# code, and
/// the migrations are graded on their own). Each output is a few sentences that read the same for every correct
/// chapter; a wrong behaviour changes its sentence into what was seen instead. Nothing here is compiled against the
/// chapter's types: they are found by name and used through reflection.
/// </summary>
static class BehaviourProbes
{
    /// <summary>
    /// <c>to-string.txt</c>: what <c>ToString()</c> of a new user named susan returns; <c>unique.txt</c>: whether the
    /// database refuses a second user with the same username, and one with the same email.
    /// </summary>
    public static IReadOnlyList<Output> Users(ChapterAssembly chapter)
    {
        using var temp = new TempFolder();
        using var db = NewDatabase(chapter, temp);
        if (EntityType(db, "User") is not { } user)
        {
            var blocked = new Output("", "User is not an entity type of the model: see the model check.\n", BlockedBy: "model/schema.txt#User table");
            return [blocked with { Name = "to-string.txt" }, blocked with { Name = "unique.txt" }];
        }

        var susan = New(user, ("Username", "susan"), ("Email", "susan@example.com"));
        var toString = $"A user named susan prints as {susan}\n";

        db.Add(susan);
        db.SaveChanges();
        var unique = Refused(db, New(user, ("Username", "susan"), ("Email", "other@example.com")), "A second user named susan")
            + Refused(db, New(user, ("Username", "other"), ("Email", "susan@example.com")), "A second user with the email susan@example.com");
        return [new("to-string.txt", toString), new("unique.txt", unique)];
    }

    /// <summary>
    /// <c>timestamp.txt</c>: whether a new comment's <c>Timestamp</c> is the UTC time at which it was made, every time
    /// (two comments made 20 ms apart get increasing times within the moments around their creation; a missing,
    /// fixed or local-time default fails); <c>read-back.txt</c>: whether it is the same instant, and UTC
    /// (<c>DateTimeKind.Utc</c>), when read back through a DbContext that did not make it; <c>to-string.txt</c>:
    /// what <c>ToString()</c> of a comment returns; <c>cascade-delete.txt</c>: whether deleting a user who wrote two
    /// comments deletes them too; <c>comments-of.txt</c>: whether <c>CommentsOf(user)</c> is a query that finds that
    /// user's comments and no one else's.
    /// </summary>
    /// <param name="chapter">The chapter's built assembly.</param>
    /// <param name="gradedAs">The chapter whose names apply (<see cref="ChapterInfo.PropertyName"/>: chapter 06 renames <c>Body</c> to <c>Text</c>).</param>
    public static IReadOnlyList<Output> Comments(ChapterAssembly chapter, ChapterInfo gradedAs)
    {
        using var temp = new TempFolder();
        Output[] Blocked(string why, string by) =>
        [
            new("timestamp.txt", why, BlockedBy: by), new("read-back.txt", why, BlockedBy: by), new("to-string.txt", why, BlockedBy: by),
            new("cascade-delete.txt", why, BlockedBy: by), new("comments-of.txt", why, BlockedBy: by),
        ];
        using var db = NewDatabase(chapter, temp);
        if (EntityType(db, "User") is not { } user)
            return Blocked("User is not an entity type of the model: see the model check.\n", "model/schema.txt#User table");
        if (EntityType(db, "Comment") is not { } comment)
            return Blocked("Comment is not an entity type of the model: see the model check.\n", "model/schema.txt#Comment table");
        if (comment.GetProperty("Timestamp") is not { PropertyType: var timestampType } timestamp || timestampType != typeof(DateTime))
            return Blocked("Comment has no DateTime property Timestamp: see the model check.\n", "model/schema.txt#Comment.Timestamp");

        var text = gradedAs.PropertyName("Comment", "Body");
        if (comment.GetProperty(text) is not { PropertyType: var textType } || textType != typeof(string))
            return Blocked($"Comment has no string property {text}: see the model check.\n", $"model/schema.txt#Comment.{text}");

        // Two comments, 20 ms apart, each with the clock read just before and just after it is made.
        var john = New(user, ("Username", "john"), ("Email", "john@example.com"));
        var before1 = DateTime.UtcNow;
        var first = New(comment, (text, "my first comment!"));
        var after1 = DateTime.UtcNow;
        Thread.Sleep(20);
        var before2 = DateTime.UtcNow;
        var second = New(comment, (text, "and a second one"));
        var after2 = DateTime.UtcNow;
        var time1 = (DateTime)timestamp.GetValue(first)!;
        var time2 = (DateTime)timestamp.GetValue(second)!;
        var timestampText = Made("A new comment", time1, before1, after1) + (time2 > time1
            ? "A comment made later gets a later Timestamp.\n"
            : $"A comment made 20 ms later gets {Show(time2)}, not a later time: the time must be read from the clock for each new comment.\n");
        var toString = $"A comment whose {text} is \"my first comment!\" prints as {first}\n";

        var readBackText = "";
        var cascade = "";
        var commentsOf = "";
        try
        {
            foreach (var each in new[] { first, second })
                SetAuthor(comment, each, john);
            db.Add(john);
            db.AddRange(first, second);
            db.SaveChanges();

            var commentKey = db.Entry(first).Property("Id").CurrentValue;
            var johnKey = db.Entry(john).Property("Id").CurrentValue;
            db.ChangeTracker.Clear();
            var readBack = (DateTime)timestamp.GetValue(db.Find(comment, commentKey)!)!;
            readBackText = readBack.Ticks != time1.Ticks
                ? $"Saved and read back, a comment's Timestamp is {Show(readBack)} instead of {Show(time1)}.\n"
                : readBack.Kind != DateTimeKind.Utc
                    ? $"Saved and read back, a comment's Timestamp is the same instant but {readBack.Kind}, not Utc: "
                      + "SQLite keeps no time zone, so tell EF Core that every DateTime it reads is UTC (a value converter).\n"
                    : "Saved and read back, a comment's Timestamp is the same instant, as UTC.\n";

            commentsOf = CommentsOf(db, user, comment, johnKey);

            db.ChangeTracker.Clear();
            db.Remove(db.Find(user, johnKey)!);
            db.SaveChanges();
            db.ChangeTracker.Clear();
            var left = Count(db, comment);
            cascade = left == 0
                ? "Deleting a user who wrote two comments deletes the comments too.\n"
                : $"Deleting a user who wrote two comments leaves {left} comment(s) in the database: the comments of a deleted user must go with them (on delete cascade).\n";
        }
        catch (Exception error) when (error is DbUpdateException or InvalidOperationException or TargetInvocationException)
        {
            var failure = $"Saving or deleting a user with comments fails: {MigrationChecks.Innermost(error)}\n";
            readBackText = readBackText.Length > 0 ? readBackText : failure;
            cascade = cascade.Length > 0 ? cascade : failure;
            commentsOf = commentsOf.Length > 0 ? commentsOf : failure;
        }
        return
        [
            new("timestamp.txt", timestampText),
            new("read-back.txt", readBackText),
            new("to-string.txt", toString),
            new("cascade-delete.txt", cascade),
            new("comments-of.txt", commentsOf),
        ];
    }

    /// <summary>A new SQLite file in <paramref name="temp"/>, made from the chapter's model with <c>EnsureCreated</c>.</summary>
    static DbContext NewDatabase(ChapterAssembly chapter, TempFolder temp)
    {
        var db = chapter.CreateDbContext(temp["probe.db"]);
        db.Database.EnsureCreated();
        return db;
    }

    /// <summary>The CLR type of the entity type named <paramref name="name"/> in the DbContext's model, or null.</summary>
    static Type? EntityType(DbContext db, string name) =>
        db.Model.GetEntityTypes().FirstOrDefault(e => e.ClrType.Name == name)?.ClrType;

    /// <summary>A new instance of <paramref name="type"/> (its initializers run) with the given properties set.</summary>
    static object New(Type type, params (string Property, object? Value)[] values)
    {
        var instance = Activator.CreateInstance(type)!;
        foreach (var (property, value) in values)
            type.GetProperty(property)?.SetValue(instance, value);
        return instance;
    }

    /// <summary>Makes <paramref name="author"/> the author of <paramref name="comment"/> through the navigation <c>Author</c>.</summary>
    static void SetAuthor(Type commentType, object comment, object author) =>
        (commentType.GetProperty("Author") ?? throw new InvalidOperationException("Comment has no navigation Author."))
            .SetValue(comment, author);

    /// <summary>One sentence: whether saving <paramref name="user"/> was refused by the database; the DbContext forgets it either way.</summary>
    static string Refused(DbContext db, object user, string what)
    {
        db.Add(user);
        try
        {
            db.SaveChanges();
            return $"{what} is saved: the database should refuse it (a unique index).\n";
        }
        catch (DbUpdateException)
        {
            return $"{what} is refused by the database.\n";
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>One sentence on whether <paramref name="time"/> is the UTC time between <paramref name="before"/> and <paramref name="after"/>.</summary>
    static string Made(string what, DateTime time, DateTime before, DateTime after)
    {
        if (time == default)
            return $"{what} gets a Timestamp of {Show(time)}, the default of DateTime: it must get the current UTC time when it is made.\n";
        if (time.Kind == DateTimeKind.Local)
            return $"{what} gets a local time ({Show(time)}, DateTimeKind.Local): it must get the current UTC time (DateTime.UtcNow).\n";
        if (time < before || time > after)
            return $"{what} made at {Show(before)} gets {Show(time)}: it must get the UTC time at which it is made.\n";
        return $"{what} gets the UTC time at which it is made.\n";
    }

    /// <summary>Whether <c>CommentsOf</c> on the DbContext is a query that finds the user's comments and only theirs.</summary>
    static string CommentsOf(DbContext db, Type user, Type comment, object? johnKey)
    {
        var method = db.GetType().GetMethod("CommentsOf", [user]);
        if (method is null)
            return "The DbContext has no method CommentsOf(User).\n";
        db.ChangeTracker.Clear();
        var susan = New(user, ("Username", "susan"), ("Email", "susan@example.com"));
        db.Add(susan);
        db.SaveChanges();
        var john = db.Find(user, johnKey)!;
        var result = method.Invoke(db, [john]);
        if (result is not IQueryable query || query.ElementType != comment)
            return $"CommentsOf(user) returns {result?.GetType().Name ?? "null"}, not a query of comments (IQueryable<Comment>).\n";
        var johns = query.Cast<object>().Count();
        var susans = ((IQueryable)method.Invoke(db, [susan])!).Cast<object>().Count();
        return johns == 2 && susans == 0
            ? "CommentsOf(user) is a query (IQueryable<Comment>) that finds the user's comments and no one else's.\n"
            : $"CommentsOf(user) finds {johns} comment(s) for a user who wrote 2 and {susans} for a user who wrote none.\n";
    }

    static int Count(DbContext db, Type entity)
    {
        var set = typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity).Invoke(db, null)!;
        return ((IEnumerable)set).Cast<object>().Count();
    }

    static string Show(DateTime time) => time.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) + $" ({time.Kind})";

}
