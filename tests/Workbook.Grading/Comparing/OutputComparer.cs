namespace Workbook.Grading.Comparing;

/// <summary>One output of a check that is not what was expected.</summary>
/// <param name="Output">The output's name, such as <c>schema.txt</c>.</param>
/// <param name="Problem">What is wrong, a sentence: no such expected output, differs, or expected and not produced.</param>
/// <param name="Diff">A line diff, expected to actual (<see cref="TextDiff.Lines"/>); empty for an output nothing was expected of.</param>
/// <param name="Keys">For a keyed output compared by meaning, the keys of the lines that differ; otherwise empty.</param>
public sealed record OutputDifference(string Output, string Problem, string Diff, IReadOnlyList<string> Keys);

/// <summary>
/// Compares a check's outputs with its expectations: to the letter, as the solutions are held to their snapshots, or by
/// meaning, as a learner's work is graded (migration names whatever they are, keyed outputs key by key, in any order).
/// </summary>
public static class OutputComparer
{
    /// <summary>The outputs that differ from <paramref name="expected"/>, in the order of <paramref name="actual"/>, then the missing ones by name.</summary>
    /// <param name="expected">The expected outputs by name (<see cref="Expectations.Read"/>), with '\n' endings.</param>
    /// <param name="actual">What the check produced.</param>
    /// <param name="byMeaning">
    /// Compare as a learner's work is graded: migration names scrubbed (<see cref="Scrub.MigrationNames"/>), keyed outputs by
    /// <see cref="KeyedText.Compare"/>, and outputs blocked by another check (<see cref="Output.BlockedBy"/>) left out, neither
    /// compared nor missing. Otherwise the scrubbed text must be equal.
    /// </param>
    /// <returns>One difference per output that is not as expected; empty when all are.</returns>
    public static IReadOnlyList<OutputDifference> Compare(IReadOnlyDictionary<string, string> expected, IReadOnlyList<Output> actual, bool byMeaning)
    {
        var differences = new List<OutputDifference>();
        foreach (var output in actual.Where(o => !byMeaning || o.BlockedBy is null))
        {
            if (!expected.TryGetValue(output.Name, out var text))
            {
                differences.Add(new(output.Name, "no expected output of this name exists.", "", []));
                continue;
            }
            var (want, got) = byMeaning
                ? (Scrub.MigrationNames(text), Scrub.MigrationNames(Scrub.Lines(output.Text)))
                : (text, Scrub.Lines(output.Text));
            if (want == got)
                continue;
            if (byMeaning && output.Keyed)
            {
                var keyed = KeyedText.Compare(want, got);
                if (keyed.Keys.Count > 0)
                    differences.Add(new(output.Name, "differs from the expected output.", keyed.Diff, keyed.Keys));
            }
            else
                differences.Add(new(output.Name, "differs from the expected output.", TextDiff.Lines(want, got), []));
        }
        foreach (var name in expected.Keys.Except(actual.Select(o => o.Name)).Order(StringComparer.Ordinal))
            differences.Add(new(name, "was expected and not produced.", TextDiff.Lines(expected[name], ""), []));
        return differences;
    }
}
