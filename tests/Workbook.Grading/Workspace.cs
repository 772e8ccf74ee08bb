namespace Workbook.Grading;

/// <summary>Finds the workbook's own folders on disk.</summary>
public static class Workspace
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
    /// The folder Snapshooter is given for the expected outputs, <c>tests/Workbook.Tests</c> under
    /// <paramref name="root"/>; the snapshots themselves are in its <c>__snapshots__</c> folder.
    /// </summary>
    /// <param name="root">The repository root, as <see cref="FindRoot"/> returns it.</param>
    public static string SnapshotsHome(string root) => Path.Combine(root, "tests", "Workbook.Tests");

    /// <summary>
    /// How many migrations the starter of <paramref name="chapter"/> comes with: the <c>*.Designer.cs</c> files in
    /// <c>chapters/&lt;chapter&gt;/Migrations</c> of the workbook at <paramref name="root"/> (by default this one).
    /// </summary>
    /// <param name="chapter">The chapter's folder name, such as <c>04-comment-relationship</c>.</param>
    /// <param name="root">The workbook's root; found from the running assembly when null.</param>
    public static int StarterMigrationCount(string chapter, string? root = null)
    {
        var folder = Path.Combine(root ?? FindRoot(), "chapters", chapter, "Migrations");
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*.Designer.cs").Length : 0;
    }
}
