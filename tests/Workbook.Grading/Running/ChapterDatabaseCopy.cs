namespace Workbook.Grading.Running;

/// <summary>The chapter's own <c>app.db</c>, as the grader found it in the learner's folder, which it never opens there.</summary>
/// <param name="File">A copy of <c>app.db</c> (with its <c>-wal</c> file beside it when it had one), or null when the chapter has none or an empty one.</param>
/// <param name="Missing">Why there is no copy, when <paramref name="File"/> is null: the sentence that starts the report.</param>
/// <param name="Notes">What else the grader saw that explains a missing database: where the learner's <c>DATABASE_URL</c> points, stray <c>app.db</c> files.</param>
public sealed record ChapterDatabaseCopy(string? File, string Missing, IReadOnlyList<string> Notes)
{
    /// <summary>The grader's copy of the chapter's <c>app.db</c> (and of its <c>-wal</c> file), or why there is none.</summary>
    public static ChapterDatabaseCopy Make(Chapter chapter, Workbench bench)
    {
        var file = Path.Combine(chapter.Folder, "app.db");
        var notes = new List<string>();
        foreach (var setting in LearnerEnvironment.DatabaseUrlSettings(chapter))
            notes.Add($"Your DATABASE_URL in {setting.Source} points to {setting.Target}: `dotnet ef` and `dotnet run` use that, "
                + "not app.db. Remove it (`dotnet user-secrets remove DATABASE_URL` in the chapter folder, or unset the variable) "
                + "and run `dotnet ef database update` again.");
        foreach (var stray in StrayDatabases(chapter))
            notes.Add($"There is an app.db in {stray}: a program that opened `Data Source=app.db` made it in the folder it ran in. "
                + "The app and `dotnet ef` must agree on one file: the chapter's Config puts it in the project folder.");
        if (!System.IO.File.Exists(file))
            return new ChapterDatabaseCopy(null, "No app.db in the chapter folder yet: run `dotnet ef database update` there.\n", notes);
        if (new FileInfo(file).Length == 0)
            return new ChapterDatabaseCopy(null, "app.db is empty (running the app creates the file): run `dotnet ef database update` in the chapter folder.\n", notes);
        // A copy, so that reading it leaves nothing beside the learner's app.db (SQLite makes -wal and -shm files) and waits for no lock.
        var folder = Path.Combine(bench.Scratch, "app-db");
        Directory.CreateDirectory(folder);
        System.IO.File.Copy(file, Path.Combine(folder, "app.db"));
        if (System.IO.File.Exists(file + "-wal"))
            System.IO.File.Copy(file + "-wal", Path.Combine(folder, "app.db-wal"));
        return new ChapterDatabaseCopy(Path.Combine(folder, "app.db"), "", notes);
    }

    /// <summary>
    /// Other <c>app.db</c> files a learner's program may have made by opening a relative path: in the chapter's build
    /// output folders and in the folders above the chapter (the workbook root, where <c>dotnet run --project</c> starts).
    /// </summary>
    static IEnumerable<string> StrayDatabases(Chapter chapter)
    {
        var bin = Path.Combine(chapter.Folder, "bin");
        var inBuild = Directory.Exists(bin) ? Directory.EnumerateFiles(bin, "app.db", SearchOption.AllDirectories) : [];
        var above = new[] { Path.GetDirectoryName(chapter.Folder), Path.GetDirectoryName(Path.GetDirectoryName(chapter.Folder)) }
            .Where(folder => folder is not null && System.IO.File.Exists(Path.Combine(folder, "app.db")))
            .Select(folder => Path.Combine(folder!, "app.db"));
        return inBuild.Concat(above).Select(path => Path.GetRelativePath(chapter.Folder, Path.GetDirectoryName(path)!) is var relative && relative == "." ? chapter.Folder : relative);
    }
}
