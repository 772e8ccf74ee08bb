using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Workbook.Grading;

namespace Workbook.Tests;

/// <summary>
/// Claims the pages of <c>docs/</c> make about EF Core that no page command shows, checked with the real EF Core
/// and SQLite on the solutions, so that a page cannot go on saying them once they stop being true.
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

        using (var other = new SqliteConnection(SqliteSchema.ConnectionString(temp["other.db"])))
        {
            other.Open();
            using var create = other.CreateCommand();
            create.CommandText = "CREATE TABLE Notes (Id INTEGER PRIMARY KEY);";
            create.ExecuteNonQuery();
        }
        using (var db = chapter.CreateDbContext(temp["other.db"]))
        {
            Assert.False(db.Database.EnsureCreated());
            Assert.DoesNotContain("CREATE TABLE \"Users\"", SqliteSchema.Read(temp["other.db"]));
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

    [GeneratedRegex(@"\s+")]
    private static partial Regex WhiteSpace();
}
