using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Workbook.Tests;

/// <summary>
/// Claims the pages of <c>docs/</c> make that no page command shows, checked with the real thing, so that a page cannot
/// go on saying them once they stop being true. This file: what EF Core and SQLite do, shown in this process on the
/// solutions' built assemblies (their types are used through reflection, as the grader uses them). Claims about a process
/// (one that waits, is killed, runs in a time zone, or is a <c>dotnet</c> command) are in
/// <c>PageClaimTests.Processes.cs</c>; those about PostgreSQL in <c>PageClaimTests.Server.cs</c>.
/// </summary>
public sealed partial class PageClaimTests
{
    /// <summary>
    /// Page 03 and the translation table: <c>EnsureCreated()</c> does nothing on a database that has any table, and
    /// on a database it created, applying the migrations fails with <c>table "Users" already exists</c>, since it
    /// writes no <c>__EFMigrationsHistory</c>.
    /// </summary>
    [Fact]
    public void EnsureCreated_skips_a_database_with_tables_and_does_not_mix_with_migrations()
    {
        var chapter = Solutions.Load("03-first-migration");
        using var temp = new TempFolder();

        using (var other = new SqliteConnection(SqliteDatabase.ConnectionString(temp["other.db"])))
        {
            other.Open();
            using var create = other.CreateCommand();
            create.CommandText = "CREATE TABLE Notes (Id INTEGER PRIMARY KEY);";
            create.ExecuteNonQuery();
        }
        using (var db = chapter.CreateDbContext(temp["other.db"]))
        {
            Assert.False(db.Database.EnsureCreated());
            Assert.DoesNotContain("CREATE TABLE \"Users\"", SqliteDatabase.Read(temp["other.db"]));
        }

        using (var db = chapter.CreateDbContext(temp["app.db"]))
        {
            Assert.True(db.Database.EnsureCreated());
            var error = Assert.ThrowsAny<SqliteException>(() => db.Database.Migrate());
            Assert.Contains("table \"Users\" already exists", error.Message);
        }
        SqliteConnection.ClearAllPools();
    }

    /// <summary>
    /// Page 05: the Play Time transcript shows one <c>Executed DbCommand</c> per round trip, and the page counts
    /// them and the steps right ("There are eleven, for eleven steps").
    /// </summary>
    [Fact]
    public void Page_05_counts_the_round_trips_of_play_time()
    {
        var transcript = File.ReadAllText(Path.Combine(Expectations.Folder(Solutions.Root), "05-shell-play.play.transcript.txt.snap"));
        var commands = Regex.Matches(transcript, "^Executed DbCommand", RegexOptions.Multiline).Count;
        var steps = Regex.Matches(transcript, "^== ", RegexOptions.Multiline).Count;
        string[] words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen"];

        var page = File.ReadAllText(Path.Combine(DocsTests.DocsFolder, "05-shell-play.md")).ReplaceLineEndings(" ");
        Assert.Contains($"There are {words[commands]}, for {words[steps]} steps", WhiteSpace().Replace(page, " "));
    }

    /// <summary>
    /// Page 01, step 1.1 (line 103): "a <c>;</c> ends a setting in a connection string, so a project in a folder named
    /// <c>my;blog</c> would break the pasted string, while the builder quotes the path when it must". The pasted
    /// <c>"Data Source=" + path</c> is refused by <c>SqliteConnection</c>; the builder's string, and the one chapter 01's
    /// <c>Config.FromDatabaseUrl</c> makes for an absolute URL to that path, quote it and open that very file.
    /// </summary>
    [Fact]
    public void Data_source_pasted_together_breaks_on_a_semicolon_and_the_builder_quotes_it()
    {
        using var temp = new TempFolder();
        var path = Path.Combine(temp.Path, "my;blog", "app.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        var pasted = Assert.Throws<ArgumentException>(() => new SqliteConnection("Data Source=" + path));
        Assert.StartsWith("Format of the initialization string does not conform to specification starting at index", pasted.Message);

        var built = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        Assert.StartsWith($"Data Source=\"{path}\"", built);
        var config = Call(Solutions.Load("01-configuration").Assembly.GetType("Blog.Config")!, "FromDatabaseUrl", "sqlite:///" + path)!;
        var fromConfig = (string)config.GetType().GetProperty("ConnectionString")!.GetValue(config)!;
        Assert.Equal($"Data Source=\"{path}\"", fromConfig);
        foreach (var connectionString in new[] { built, fromConfig })
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString());
            connection.Open();
            Assert.Equal(path, connection.DataSource);
        }
        Assert.True(File.Exists(path), "the quoted data source did not open the file in the folder named my;blog");
    }

    /// <summary>
    /// Page 04, step 4.1 (lines 119-123): "the initializer runs for every <c>Comment</c> object, including each one EF
    /// Core makes when it loads a row: EF Core then sets <c>Timestamp</c> to the stored value". Chapter 04's DbContext,
    /// with a materialization interceptor that looks at each <c>Comment</c> as soon as it is constructed: each of three
    /// loaded comments first holds a time read from the clock during the load (the initializer ran), then its stored time.
    /// The translation table's Flask half (SQLAlchemy's <c>default=</c> runs at the INSERT, only when no value is set)
    /// cannot run in CI: <c>shared/flask-reference</c> is outside the repository and CI has no Flask. Checked by hand once
    /// with Debian's Python 3.11, Flask-SQLAlchemy 3.0.3 and SQLAlchemy 1.4.46: a <c>Comment(body=...)</c> had
    /// <c>timestamp</c> None after construction and, committed 2 s later, the commit's time (2.0 s after construction); one
    /// made with <c>timestamp=datetime(2026, 11, 23, 10, 4, 57)</c> kept it.
    /// </summary>
    [Fact]
    public void Initializer_runs_for_every_loaded_comment_and_the_stored_value_wins()
    {
        var chapter = Solutions.Load("04-comment-relationship");
        using var temp = new TempFolder();
        using (var db = chapter.CreateDbContext(temp["app.db"]))
            db.Database.Migrate();
        SqliteDatabase.Execute(temp["app.db"], """
            INSERT INTO "Users" ("Id", "Username", "Email") VALUES (1, 'susan', 'susan@example.com');
            INSERT INTO "Comments" ("Body", "Timestamp", "UserId") VALUES
                ('first!', '2026-11-20 09:00:00', 1), ('second', '2026-11-21 10:30:00', 1), ('third', '2026-11-22 08:15:00', 1);
            """);

        var constructed = new List<DateTime>();
        var before = DateTime.UtcNow;
        using (var db = WithInterceptor(chapter, temp["app.db"], new OnConstruction(entity =>
        {
            if (entity.GetType().Name == "Comment")
                constructed.Add(Get<DateTime>(entity, "Timestamp"));
        })))
        {
            var loaded = ((IEnumerable)db.GetType().GetProperty("Comments")!.GetValue(db)!).Cast<object>().ToList();
            var after = DateTime.UtcNow;

            Assert.Equal(3, constructed.Count);
            Assert.All(constructed, initial => Assert.InRange(initial, before, after));
            Assert.Equal(
                [new DateTime(2026, 11, 20, 9, 0, 0), new DateTime(2026, 11, 21, 10, 30, 0), new DateTime(2026, 11, 22, 8, 15, 0)],
                loaded.Select(comment => Get<DateTime>(comment, "Timestamp")).Order());
        }
    }

    /// <summary>
    /// Page 06: two emails that become the same after the clean-up make the unique index stop <c>CleanEmails</c>, and the
    /// migration's transaction leaves every email as it was and <c>CleanEmails</c> out of the history. Through EF Core's
    /// migrator, the code <c>dotnet ef database update</c> runs, on chapter 06's migrations and a SQLite file.
    /// </summary>
    [Fact]
    public void CleanEmails_that_fails_halfway_changes_nothing()
    {
        var chapter = Solutions.Load("06-schema-change");
        using var temp = new TempFolder();
        using var db = chapter.CreateDbContext(temp["app.db"]);
        var migrator = db.GetService<IMigrator>();
        migrator.Migrate(db.GetService<IMigrationsAssembly>().Migrations.Keys.Single(id => id.EndsWith("_CommentText", StringComparison.Ordinal)));
        SqliteDatabase.Execute(temp["app.db"], """
            INSERT INTO "Users" ("Username", "Email", "LastSeen") VALUES
                ('susan', ' Susan@Example.com', '2026-11-20 09:00:00'), ('ann', 'Ann@example.com', '2026-11-20 09:00:00'),
                ('ann2', ' ann@EXAMPLE.com', '2026-11-20 09:00:00');
            """);

        var failure = Assert.ThrowsAny<Exception>(() => migrator.Migrate());

        Assert.Contains("UNIQUE constraint failed: Users.Email", failure.ToString());
        Assert.Equal([" Susan@Example.com", "Ann@example.com", " ann@EXAMPLE.com"],
            SqliteDatabase.Rows(temp["app.db"], """SELECT "Email" FROM "Users" ORDER BY "Id";""").Select(row => (string)row[0]!));
        Assert.DoesNotContain(SqliteDatabase.Rows(temp["app.db"], """SELECT "MigrationId" FROM "__EFMigrationsHistory";"""),
            row => ((string)row[0]!).EndsWith("_CleanEmails", StringComparison.Ordinal));
    }

    /// <summary>
    /// Page 06, step 6.2 (lines 287-293): EF Core writes a <c>DateTime</c> with the trailing zeros of its fraction dropped
    /// (<c>10:04:57.41</c>, <c>10:04:57</c> on the second), SQLite's <c>strftime('%Y-%m-%d %H:%M:%f')</c> always three
    /// digits (<c>10:04:57.410</c>), and EF Core compares <c>DateTime</c> columns as text, so "a query for
    /// <c>u.LastSeen == t</c> does not find a value the migration wrote, and two equal times can sort apart". On chapter
    /// 06's DbContext and a SQLite file: the stored texts, the query's SQL with EF Core's literal, the query that finds only
    /// the row EF Core wrote, and <c>&gt; t</c> that takes the row with the same time for a later one.
    /// </summary>
    [Fact]
    public void Strftime_text_is_not_what_EF_Core_writes_and_EF_Core_compares_DateTime_as_text()
    {
        var chapter = Solutions.Load("06-schema-change");
        using var temp = new TempFolder();
        var t = new DateTime(2026, 11, 23, 10, 4, 57, 410, DateTimeKind.Utc);
        using var db = chapter.CreateDbContext(temp["app.db"]);
        db.Database.Migrate();
        var user = db.Model.FindEntityType("Blog.Models.User")!.ClrType;
        db.Add(New(user, ("Username", "ann"), ("Email", "ann@example.com"), ("LastSeen", t)));
        db.Add(New(user, ("Username", "bob"), ("Email", "bob@example.com"), ("LastSeen", new DateTime(2026, 11, 23, 10, 4, 57, DateTimeKind.Utc))));
        db.SaveChanges();
        SqliteDatabase.Execute(temp["app.db"], """
            INSERT INTO "Users" ("Username", "Email", "LastSeen")
            VALUES ('cid', 'cid@example.com', strftime('%Y-%m-%d %H:%M:%f', '2026-11-23 10:04:57.41'));
            """);

        Assert.Equal(["ann|2026-11-23 10:04:57.41", "bob|2026-11-23 10:04:57", "cid|2026-11-23 10:04:57.410"],
            BuiltCopy.Read(temp["app.db"], """SELECT "Username", "LastSeen" FROM "Users" ORDER BY "Id";"""));

        var users = (IQueryable)db.GetType().GetProperty("Users")!.GetValue(db)!;
        var equal = Where(users, "LastSeen", ExpressionType.Equal, t);
        Assert.Contains("'2026-11-23 10:04:57.41'", equal.ToQueryString());
        Assert.Equal(["ann"], Usernames(equal));
        Assert.Equal(["cid"], Usernames(Where(users, "LastSeen", ExpressionType.GreaterThan, t)));

        static List<string> Usernames(IQueryable query) => ((IEnumerable)query).Cast<object>().Select(u => Get<string>(u, "Username")).ToList();
    }

    /// <summary>
    /// Page 06, going back (lines 705-708), and the translation table (line 60): SQLite has had <c>DROP COLUMN</c> since
    /// 3.35, the SQLite EF Core brings is 3.53, and EF Core's SQLite provider rebuilds the table even so. The bundled
    /// SQLite's version and a <c>DROP COLUMN</c> it runs; chapter 06's migrator's script from <c>UserProfile</c> back to
    /// <c>CommentsTable</c>, which makes <c>ef_temp_Users</c> and holds no <c>DROP COLUMN</c>.
    /// </summary>
    [Fact]
    public void Bundled_SQLite_has_DROP_COLUMN_and_EF_Core_rebuilds_the_table_even_so()
    {
        using var temp = new TempFolder();
        using (var connection = new SqliteConnection(SqliteDatabase.ConnectionString(temp["t.db"])))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT sqlite_version();";
            Assert.StartsWith("3.53.", (string)command.ExecuteScalar()!);
            command.CommandText = "CREATE TABLE t (a, b); ALTER TABLE t DROP COLUMN b;";
            command.ExecuteNonQuery();
        }
        Assert.Equal(["a"], BuiltCopy.Read(temp["t.db"], "SELECT name FROM pragma_table_info('t');"));

        using var db = Solutions.Load("06-schema-change").CreateDbContext();
        var script = db.GetService<IMigrator>().GenerateScript("UserProfile", "CommentsTable");
        Assert.Contains("CREATE TABLE \"ef_temp_Users\"", script);
        Assert.DoesNotContain("DROP COLUMN", script, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The translation table (lines 44 and 54) and its notes (lines 88-94): after <c>ChangeTracker.Clear()</c>, "a
    /// change you make to one afterwards is not saved by the next <c>SaveChanges()</c>, without a word"; after
    /// <c>ExecuteDelete()</c>, "the objects the DbContext tracks for the deleted rows stay, as if nothing had happened"
    /// (page 05, "Delete", line 245: they "hand back a john the database no longer has"). On chapter 05's DbContext and a
    /// SQLite file: <c>SaveChanges()</c> returns 0 and the stored email is the old one; <c>ExecuteDelete()</c> returns 1,
    /// the table is empty, and <c>Find()</c> still returns <c>&lt;User amy&gt;</c>.
    /// </summary>
    [Fact]
    public void Clear_forgets_changes_in_silence_and_ExecuteDelete_leaves_tracked_objects()
    {
        using var temp = new TempFolder();
        using var db = Solutions.Load("05-shell-play").CreateDbContext(temp["app.db"]);
        db.Database.Migrate();
        var users = (IQueryable)db.GetType().GetProperty("Users")!.GetValue(db)!;
        db.Add(New(users.ElementType, ("Username", "amy"), ("Email", "amy@example.com")));
        db.SaveChanges();

        var amy = Single(Where(users, "Username", ExpressionType.Equal, "amy"));
        db.ChangeTracker.Clear();
        amy.GetType().GetProperty("Email")!.SetValue(amy, "new@example.com");
        Assert.Equal(0, db.SaveChanges());
        Assert.Equal(["amy@example.com"], BuiltCopy.Read(temp["app.db"], """SELECT "Email" FROM "Users";"""));

        var again = Single(Where(users, "Username", ExpressionType.Equal, "amy"));
        var executeDelete = typeof(EntityFrameworkQueryableExtensions).GetMethod(nameof(EntityFrameworkQueryableExtensions.ExecuteDelete))!.MakeGenericMethod(users.ElementType);
        Assert.Equal(1, Call(executeDelete, users));
        Assert.Equal(["0"], BuiltCopy.Read(temp["app.db"], """SELECT COUNT(*) FROM "Users";"""));
        Assert.Equal("<User amy>", db.Find(users.ElementType, Get<int>(again, "Id"))?.ToString());
    }

    /// <summary>A new object of a chapter's entity type with the given property values (required members included).</summary>
    static object New(Type type, params (string Name, object? Value)[] values)
    {
        var entity = Activator.CreateInstance(type)!;
        foreach (var (name, value) in values)
            type.GetProperty(name)!.SetValue(entity, value);
        return entity;
    }

    /// <summary>A property of an object of a chapter's type.</summary>
    static T Get<T>(object entity, string property) => (T)entity.GetType().GetProperty(property)!.GetValue(entity)!;

    /// <summary><c>source.Where(e => e.Property op value)</c> on a query of a chapter's entity type.</summary>
    static IQueryable Where(IQueryable source, string property, ExpressionType op, object value)
    {
        var e = Expression.Parameter(source.ElementType, "e");
        var predicate = Expression.Lambda(Expression.MakeBinary(op, Expression.Property(e, property), Expression.Constant(value)), e);
        var where = typeof(Queryable).GetMethods()
            .Single(m => m.Name == nameof(Queryable.Where) && m.GetParameters()[1].ParameterType.GetGenericArguments()[0].GetGenericArguments().Length == 2)
            .MakeGenericMethod(source.ElementType);
        return (IQueryable)where.Invoke(null, [source, predicate])!;
    }

    /// <summary><c>source.Single()</c> on a query of a chapter's entity type.</summary>
    static object Single(IQueryable source) =>
        Call(typeof(Queryable).GetMethods().Single(m => m.Name == nameof(Queryable.Single) && m.GetParameters().Length == 1).MakeGenericMethod(source.ElementType), source)!;

    /// <summary>Calls a static method of a chapter's type by name and returns what it returns; its exception is thrown as it is.</summary>
    static object? Call(Type type, string method, params object?[] arguments) => Call(type.GetMethod(method)!, arguments);

    /// <summary>Calls a static method and returns what it returns; its exception is thrown as it is, not wrapped.</summary>
    static object? Call(MethodInfo method, params object?[] arguments)
    {
        try
        {
            return method.Invoke(null, arguments);
        }
        catch (TargetInvocationException error) when (error.InnerException is { } inner)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }

    /// <summary>The chapter's DbContext on <paramref name="sqliteFile"/>, with its factory's options and one interceptor more.</summary>
    static DbContext WithInterceptor(ChapterAssembly chapter, string sqliteFile, IInterceptor interceptor)
    {
        using var plain = chapter.CreateDbContext(sqliteFile);
        var type = plain.GetType();
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(
            typeof(DbContextOptionsBuilder<>).MakeGenericType(type), plain.GetService<IDbContextOptions>())!;
        builder.UseSqlite(SqliteDatabase.ConnectionString(sqliteFile)).AddInterceptors(interceptor);
        return (DbContext)Activator.CreateInstance(type, builder.Options)!;
    }

    /// <summary>Hands each entity EF Core materializes to a callback as soon as it is constructed, before its values are set.</summary>
    sealed class OnConstruction(Action<object> constructed) : IMaterializationInterceptor
    {
        public object CreatedInstance(MaterializationInterceptionData materializationData, object entity)
        {
            constructed(entity);
            return entity;
        }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
