namespace Workbook.Grading.Comparing;

/// <summary>
/// Text whose every line starts with a key and ": ", grouped into blocks separated by blank lines, the first line of a
/// block being its header: <c>Users: table</c>, <c>Users.Email: TEXT NOT NULL</c>, <c>Users index (Email): unique</c>.
/// Schemas are written this way so that a difference can be named by its key (and pointed to the step that owns it),
/// while the text stays what a person reads.
/// </summary>
public static class KeyedText
{
    /// <summary>The key of a line: the text before its first ": ", or the whole line.</summary>
    public static string KeyOf(string line)
    {
        var end = line.IndexOf(": ", StringComparison.Ordinal);
        return end < 0 ? line : line[..end];
    }

    /// <summary>
    /// Compares two keyed texts. A block whose header is on one side only is one difference, its header's: the lines
    /// under it are not compared, since they are a consequence (a table that is missing has no columns to compare).
    /// Every other line whose key is on one side only, or whose text differs, is a difference of its key.
    /// </summary>
    /// <param name="expected">The expected text.</param>
    /// <param name="actual">The text the chapter produced.</param>
    /// <returns>
    /// The keys that differ, in the order they first appear (expected first), and a line diff
    /// (<see cref="TextDiff.Lines"/>) of the two texts with the lines under a one-sided header left out; both empty
    /// when the texts hold the same lines.
    /// </returns>
    public static KeyedDifference Compare(string expected, string actual)
    {
        var expectedBlocks = Blocks(expected);
        var actualBlocks = Blocks(actual);
        var expectedHeaders = expectedBlocks.Select(b => KeyOf(b[0])).ToHashSet();
        var actualHeaders = actualBlocks.Select(b => KeyOf(b[0])).ToHashSet();

        List<string> Shown(List<List<string>> blocks, HashSet<string> otherHeaders) => blocks
            .Select(b => otherHeaders.Contains(KeyOf(b[0])) ? b : b.Take(1))
            .SelectMany((b, i) => i == 0 ? b : b.Prepend(""))
            .ToList();
        var shownExpected = Shown(expectedBlocks, actualHeaders);
        var shownActual = Shown(actualBlocks, expectedHeaders);

        var expectedSet = shownExpected.ToHashSet();
        var actualSet = shownActual.ToHashSet();
        var keys = shownExpected.Where(l => !actualSet.Contains(l))
            .Concat(shownActual.Where(l => !expectedSet.Contains(l)))
            .Where(l => l.Length > 0)
            .Select(KeyOf)
            .Distinct()
            .ToList();
        if (keys.Count == 0)
            return new KeyedDifference([], "");
        return new KeyedDifference(keys, TextDiff.Lines(Join(shownExpected), Join(shownActual)));
    }

    static string Join(List<string> lines) => string.Concat(lines.Select(l => l + "\n"));

    static List<List<string>> Blocks(string text)
    {
        var blocks = new List<List<string>>();
        List<string>? block = null;
        foreach (var line in text.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Trim().Length == 0)
            {
                block = null;
                continue;
            }
            if (block is null)
                blocks.Add(block = []);
            block.Add(line.TrimEnd());
        }
        return blocks;
    }
}

/// <summary>What differs between two keyed texts.</summary>
/// <param name="Keys">The keys of the lines that differ, each once.</param>
/// <param name="Diff">A line diff for a person, or empty.</param>
public sealed record KeyedDifference(IReadOnlyList<string> Keys, string Diff);
