namespace Workbook.Grading;

/// <summary>
/// The expected outputs of a chapter's check: the snapshot files
/// <c>tests/Workbook.Tests/__snapshots__/&lt;chapter&gt;.&lt;check&gt;.&lt;output&gt;.snap</c>, written by the snapshot
/// tests from the solutions and read, after review, as the truth for solutions and learners alike.
/// </summary>
public static class Expectations
{
    /// <summary>The snapshot file name of an output, in the <c>__snapshots__</c> folder (see <see cref="Folder"/>).</summary>
    /// <param name="chapter">The chapter's folder name, such as <c>03-first-migration</c>.</param>
    /// <param name="check">The check's name, such as <c>scripts</c>.</param>
    /// <param name="output">The output's name, such as <c>upgrade.sql</c>.</param>
    public static string SnapshotName(string chapter, string check, string output) => $"{chapter}.{check}.{output}.snap";

    /// <summary>The folder that holds every snapshot: <c>tests/Workbook.Tests/__snapshots__</c> under <paramref name="root"/>.</summary>
    /// <param name="root">The repository root.</param>
    public static string Folder(string root) => Path.Combine(Workspace.SnapshotsHome(root), "__snapshots__");

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

    /// <summary>
    /// Compares a check's outputs with its expected outputs, name by name.
    /// </summary>
    /// <param name="expected">What <see cref="Read"/> returned.</param>
    /// <param name="actual">What the check produced.</param>
    /// <returns>
    /// One entry per output that differs, is missing, or has no expectation, with a line diff
    /// (<see cref="TextDiff.Lines"/>) in its message; empty when everything matches.
    /// </returns>
    public static IReadOnlyList<Mismatch> Compare(IReadOnlyDictionary<string, string> expected, IReadOnlyList<Output> actual)
    {
        var mismatches = new List<Mismatch>();
        foreach (var output in actual)
        {
            if (!expected.TryGetValue(output.Name, out var text))
                mismatches.Add(new(output.Name, "No expected output of this name exists.", ""));
            else if (text != Scrub.Lines(output.Text))
                mismatches.Add(new(output.Name, "Differs from the expected output.", TextDiff.Lines(text, Scrub.Lines(output.Text))));
        }
        foreach (var name in expected.Keys.Except(actual.Select(o => o.Name)).Order(StringComparer.Ordinal))
            mismatches.Add(new(name, "Was expected and not produced.", TextDiff.Lines(expected[name], "")));
        return mismatches;
    }
}

/// <summary>One output that did not match.</summary>
/// <param name="Output">The output's name, such as <c>upgrade.sql</c>.</param>
/// <param name="Problem">One sentence saying what is wrong.</param>
/// <param name="Diff">The line diff of expected against actual (see <see cref="TextDiff.Lines"/>), or empty.</param>
public sealed record Mismatch(string Output, string Problem, string Diff);
