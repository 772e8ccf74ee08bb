using Microsoft.Data.Sqlite;

namespace Workbook.Tests;

/// <summary>
/// A built copy of a solution chapter (see <see cref="WorkbookCopy"/>) on which <c>dotnet ef</c> and the program run,
/// with SQLite files in the chapter's folder named by <c>DATABASE_URL</c>. Deleted on dispose.
/// </summary>
public sealed class BuiltCopy : IDisposable
{
    readonly WorkbookCopy copy;

    BuiltCopy(WorkbookCopy copy) => this.copy = copy;

    /// <summary>The copied chapter's folder.</summary>
    public string Folder => copy.ChapterFolder;

    /// <summary>Copies <c>&lt;track&gt;/&lt;chapter&gt;</c> and builds it.</summary>
    /// <param name="chapter">The chapter's folder name.</param>
    /// <param name="track"><c>solutions</c> or <c>chapters</c> (the starter).</param>
    /// <returns>The built copy.</returns>
    /// <exception cref="Xunit.Sdk.XunitException">The build failed (its output is in the message).</exception>
    public static async Task<BuiltCopy> MakeAsync(string chapter, string track = "solutions")
    {
        var copy = new BuiltCopy(new WorkbookCopy(Solutions.Root, track, global::Workbook.Grading.Record.Chapter.In(Solutions.Root, track, Solutions.Manifest[chapter])));
        await copy.BuildAsync();
        return copy;
    }

    /// <summary>Builds the copy (again, after a file changed).</summary>
    /// <exception cref="Xunit.Sdk.XunitException">The build failed.</exception>
    public async Task BuildAsync()
    {
        var build = await DotnetCommand.RunAsync(Folder, ["build", "--nologo", "-c", Solutions.Configuration]);
        Assert.True(build.ExitCode == 0, build.Transcript("dotnet build"));
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="file"/> of the chapter, newer than its last build.</summary>
    /// <param name="file">A path relative to the chapter's folder.</param>
    /// <param name="text">The file's new text.</param>
    public void Write(string file, string text)
    {
        File.WriteAllText(Path.Combine(Folder, file), text);
        File.SetLastWriteTimeUtc(Path.Combine(Folder, file), DateTime.UtcNow);
    }

    /// <summary>The absolute path of the SQLite file <paramref name="database"/> in the chapter's folder.</summary>
    public string PathOf(string database) => Path.Combine(Folder, database);

    /// <summary>
    /// Runs <c>dotnet ef database update [migration] --no-build</c> on <paramref name="database"/>.
    /// </summary>
    /// <param name="database">A SQLite file name in the chapter's folder.</param>
    /// <param name="migration">The migration to go to, or null for the latest.</param>
    /// <param name="expectFailure">Whether the command is meant to fail.</param>
    /// <returns>The run.</returns>
    /// <exception cref="Xunit.Sdk.XunitException">The command succeeded or failed against <paramref name="expectFailure"/>.</exception>
    public async Task<CommandRun> UpdateAsync(string database, string? migration, bool expectFailure = false)
    {
        string[] arguments = migration is null
            ? ["ef", "database", "update", "--no-build", "--configuration", Solutions.Configuration]
            : ["ef", "database", "update", migration, "--no-build", "--configuration", Solutions.Configuration];
        var run = await DotnetCommand.RunAsync(Folder, arguments, DatabaseUrl(database));
        Assert.True((run.ExitCode != 0) == expectFailure, run.Transcript(string.Join(' ', arguments)));
        return run;
    }

    /// <summary>Runs the built program with <paramref name="arguments"/> on <paramref name="database"/>.</summary>
    /// <param name="database">A SQLite file name in the chapter's folder.</param>
    /// <param name="arguments">The program's arguments, such as <c>backup</c>.</param>
    /// <returns>The run.</returns>
    public Task<CommandRun> RunProgramAsync(string database, params string[] arguments) =>
        DotnetCommand.RunAsync(Folder, [Path.Combine(Folder, "bin", Solutions.Configuration, "net10.0", "Blog.dll"), .. arguments], DatabaseUrl(database));

    /// <summary>Runs SQL statements on <paramref name="database"/>.</summary>
    public void Sql(string database, string sql) => SqliteDatabase.Execute(PathOf(database), sql);

    /// <summary>The rows <paramref name="sql"/> reads from <paramref name="database"/>, each as its values joined by '|'.</summary>
    public List<string> Rows(string database, string sql) => Read(PathOf(database), sql);

    /// <summary>The rows <paramref name="sql"/> reads from the SQLite file <paramref name="file"/>, each as its values joined by '|'.</summary>
    /// <exception cref="SqliteException">The file is missing or not a database, or the SQL fails.</exception>
    public static List<string> Read(string file, string sql) => SqliteDatabase.Rows(file, sql).Select(SqliteDatabase.Line).ToList();

    /// <summary>Opens an existing SQLite file without pooling.</summary>
    /// <exception cref="SqliteException">The file is missing or not a database.</exception>
    public static SqliteConnection Open(string file)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(SqliteDatabase.ConnectionString(file)) { Mode = SqliteOpenMode.ReadWrite }.ToString());
        connection.Open();
        return connection;
    }

    static Dictionary<string, string?> DatabaseUrl(string database) => new() { ["DATABASE_URL"] = "sqlite:///" + database };

    /// <inheritdoc />
    public void Dispose() => copy.Dispose();
}
