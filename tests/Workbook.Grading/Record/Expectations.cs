namespace Workbook.Grading.Record;

/// <summary>
/// The expected outputs of a chapter's check: the snapshot files
/// <c>tests/__snapshots__/&lt;chapter&gt;.&lt;check&gt;.&lt;output&gt;.snap</c>, written by the snapshot
/// tests from the solutions and read, after review, as the truth for solutions and learners alike.
/// </summary>
public static class Expectations
{
    /// <summary>The snapshot file name of an output, in the <c>__snapshots__</c> folder (see <see cref="Folder"/>).</summary>
    /// <param name="chapter">The chapter's folder name, such as <c>03-first-migration</c>.</param>
    /// <param name="check">The check's name, such as <c>scripts</c>.</param>
    /// <param name="output">The output's name, such as <c>upgrade.sql</c>.</param>
    public static string SnapshotName(string chapter, string check, string output) => $"{chapter}.{check}.{output}.snap";

    /// <summary>The folder that holds every snapshot: <c>tests/__snapshots__</c> under <paramref name="root"/>.</summary>
    /// <param name="root">The repository root.</param>
    public static string Folder(string root) => Path.Combine(WorkbookLayout.SnapshotsHome(root), "__snapshots__");

    /// <summary>Reads the expected outputs of a check, by output name (the file name without <c>.snap</c>).</summary>
    /// <param name="root">The repository root.</param>
    /// <param name="chapter">The chapter's folder name.</param>
    /// <param name="check">The check's name.</param>
    /// <returns>Output name to expected text with '\n' endings; empty when the check has no snapshots yet.</returns>
    /// <exception cref="IOException">A snapshot file exists but cannot be read.</exception>
    public static IReadOnlyDictionary<string, string> Read(string root, string chapter, string check)
    {
        var folder = Folder(root);
        var prefix = $"{chapter}.{check}.";
        if (!Directory.Exists(folder))
            return new Dictionary<string, string>();
        return Directory.GetFiles(folder, prefix + "*.snap")
            .ToDictionary(path => Path.GetFileNameWithoutExtension(path)[prefix.Length..], path => Scrub.Lines(File.ReadAllText(path)));
    }
}
