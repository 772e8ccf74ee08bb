using Snapshooter;
using Snapshooter.Exceptions;
using Snapshooter.Xunit;
using Xunit.Sdk;

namespace Workbook.Tests;

/// <summary>
/// Matches a check's outputs with their snapshots through Snapshooter (which writes a missing snapshot,
/// or fails on it when <c>SNAPSHOOTER_STRICT_MODE=on</c>, and writes a mismatch to <c>__mismatch__/</c>),
/// and turns a failure into a line diff a person can read, for every output of the check at once.
/// </summary>
public static class SnapshotAssert
{
    /// <summary>Asserts that <paramref name="outputs"/> are exactly the snapshots of this check of this chapter.</summary>
    /// <param name="chapter">The chapter's folder name, such as <c>03-first-migration</c>.</param>
    /// <param name="check">The check's name, such as <c>scripts</c>.</param>
    /// <param name="outputs">What the check produced.</param>
    /// <exception cref="XunitException">
    /// An output differs from its snapshot, has no snapshot in strict mode, or a snapshot has no output; the
    /// message holds one line diff per problem.
    /// </exception>
    public static void Matches(string chapter, string check, IReadOnlyList<Output> outputs)
    {
        var expected = Expectations.Read(Solutions.Root, chapter, check);
        var mismatches = OutputComparer.Compare(expected, outputs, byMeaning: false).ToDictionary(m => m.Output);
        var problems = new List<string>();
        foreach (var output in outputs)
        {
            try
            {
                Snapshot.Match(output.Text, new SnapshotFullName(
                    Expectations.SnapshotName(chapter, check, output.Name), WorkbookLayout.SnapshotsHome(Solutions.Root)));
            }
            catch (Exception error) when (error is XunitException or SnapshotTestException or SnapshotNotFoundException or SnapshotCompareException)
            {
                problems.Add(expected.ContainsKey(output.Name) && mismatches.TryGetValue(output.Name, out var mismatch)
                    ? Describe(mismatch)
                    : $"{output.Name}: {error.Message.Split('\n')[0]}. If the snapshot is missing, run the tests without "
                      + "SNAPSHOOTER_STRICT_MODE to write it, then read it before you commit it.");
            }
        }
        // A snapshot that the check no longer produces is a failure too; Snapshooter cannot see it.
        problems.AddRange(mismatches.Values.Where(m => !outputs.Any(o => o.Name == m.Output)).Select(Describe));

        if (problems.Count > 0)
        {
            var folder = Path.GetRelativePath(Solutions.Root, Expectations.Folder(Solutions.Root));
            throw new XunitException(
                $"{chapter}, check '{check}': {problems.Count} output(s) differ from the snapshots {folder}/{chapter}.{check}.*.snap\n"
                + "(- expected, + actual; the actual text is also in __snapshots__/__mismatch__/)\n\n"
                + string.Join("\n", problems));
        }
    }

    static string Describe(OutputDifference difference) => $"{difference.Output}: {difference.Problem}\n{difference.Diff}";
}
