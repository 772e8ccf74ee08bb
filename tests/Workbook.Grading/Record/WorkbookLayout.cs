namespace Workbook.Grading.Record;

/// <summary>Finds the workbook's own folders on disk.</summary>
public static class WorkbookLayout
{
    /// <summary>The name of the manifest file at the repository root.</summary>
    public const string ManifestFile = "workbook.json";

    /// <summary>
    /// The repository root: the nearest folder at or above <paramref name="start"/> (by default the
    /// folder of the running assembly) that holds <see cref="ManifestFile"/>.
    /// </summary>
    /// <param name="start">An absolute or relative folder path to start the search from.</param>
    /// <returns>The absolute path of the root folder.</returns>
    /// <exception cref="DirectoryNotFoundException">No folder on the way up holds the manifest.</exception>
    public static string FindRoot(string? start = null)
    {
        for (var folder = new DirectoryInfo(start ?? AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, ManifestFile)))
                return folder.FullName;
        }
        throw new DirectoryNotFoundException(
            $"No {ManifestFile} in {start ?? AppContext.BaseDirectory} or any folder above it: is this the workbook?");
    }

    /// <summary>
    /// The folder Snapshooter is given for the expected outputs, <c>tests</c> under <paramref name="root"/>; the
    /// expectations themselves are in its <c>__snapshots__</c> folder (see <see cref="Expectations.Folder"/>), beside
    /// the projects that read them: the check and the tests.
    /// </summary>
    /// <param name="root">The repository root, as <see cref="FindRoot"/> returns it.</param>
    public static string SnapshotsHome(string root) => Path.Combine(root, "tests");
}
