namespace Workbook.Tests;

/// <summary>
/// A fresh copy of one chapter inside a temp folder laid out like the workbook (the root's build files, the
/// local tool manifest, and <c>&lt;track&gt;/&lt;chapter&gt;/</c>), so that <c>dotnet build</c>, <c>dotnet ef</c>
/// and <c>dotnet run</c> can be run on it without touching the original. Build outputs and databases are
/// not copied (nor the <c>-wal</c> and <c>-shm</c> files SQLite keeps beside them). Deleted on dispose.
/// </summary>
public sealed class WorkbookCopy : IDisposable
{
    static readonly string[] RootFiles = ["global.json", "Directory.Build.props", "Directory.Packages.props", ".config/dotnet-tools.json"];

    readonly TempFolder temp = new();

    /// <summary>Copies <paramref name="chapter"/> from the workbook at <paramref name="root"/>.</summary>
    /// <param name="root">The repository root.</param>
    /// <param name="track"><c>solutions</c> or <c>chapters</c>; the copy keeps it as the chapter's parent folder.</param>
    /// <param name="chapter">The chapter to copy.</param>
    /// <exception cref="IOException">A file cannot be copied.</exception>
    public WorkbookCopy(string root, string track, Chapter chapter)
    {
        foreach (var file in RootFiles)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(temp[file])!);
            File.Copy(System.IO.Path.Combine(root, file), temp[file]);
        }
        ChapterFolder = Add(track, chapter);
    }

    /// <summary>Copies one more chapter into the copy, beside the first, as the workbook holds it.</summary>
    /// <param name="track"><c>solutions</c> or <c>chapters</c>.</param>
    /// <param name="chapter">The chapter to copy.</param>
    /// <returns>The copied chapter's folder.</returns>
    /// <exception cref="IOException">A file cannot be copied, or the chapter is in the copy already.</exception>
    public string Add(string track, Chapter chapter)
    {
        var folder = temp[System.IO.Path.Combine(track, chapter.Name)];
        foreach (var file in chapter.Files())
        {
            var target = System.IO.Path.Combine(folder, file);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(System.IO.Path.Combine(chapter.Folder, file), target);
        }
        return folder;
    }

    /// <summary>The copy's root folder.</summary>
    public string Root => temp.Path;

    /// <summary>The copied chapter's folder.</summary>
    public string ChapterFolder { get; }

    /// <inheritdoc />
    public void Dispose() => temp.Dispose();
}
