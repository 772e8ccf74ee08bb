using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Workbook.Grading.Comparing;

/// <summary>A line diff of expected against actual text, computed by DiffPlex.</summary>
public static class TextDiff
{
    /// <summary>
    /// The lines that differ, each block with <paramref name="context"/> unchanged lines around it: <c>@@ line N</c>
    /// gives the expected line number where a block starts, <c>-</c> marks expected lines that are missing and
    /// <c>+</c> the lines the chapter produced instead (within a block, all <c>-</c> lines come first). A run of
    /// more than <paramref name="maxRun"/> <c>-</c> or <c>+</c> lines shows its first lines and a count of the
    /// rest, so that a one-line message in place of a whole file stays in view. Empty when the texts are equal
    /// line by line.
    /// </summary>
    /// <param name="expected">The snapshot's text.</param>
    /// <param name="actual">The chapter's output.</param>
    /// <param name="context">How many unchanged lines to show before and after each block.</param>
    /// <param name="maxRun">How many lines of one run of <c>-</c> or <c>+</c> lines to show in full.</param>
    public static string Lines(string expected, string actual, int context = 2, int maxRun = 12)
    {
        var lines = Grouped(InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false).Lines);
        var show = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type == ChangeType.Unchanged)
                continue;
            for (var j = Math.Max(0, i - context); j <= Math.Min(lines.Count - 1, i + context); j++)
                show[j] = true;
        }

        var text = new StringBuilder();
        var expectedLine = 0;
        var run = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type != ChangeType.Inserted)
                expectedLine++;
            run = i > 0 && lines[i].Type == lines[i - 1].Type && lines[i].Type != ChangeType.Unchanged ? run + 1 : 1;
            if (!show[i])
                continue;
            if (i == 0 || !show[i - 1])
                text.Append($"@@ line {Math.Max(expectedLine, 1)}\n");
            if (run > maxRun - 2 && RunLength(lines, i - run + 1) > maxRun)
            {
                if (run == maxRun - 1)
                    text.Append(lines[i].Type == ChangeType.Deleted ? '-' : '+')
                        .Append($" ... ({RunLength(lines, i - run + 1) - maxRun + 2} more lines)\n");
                continue;
            }
            var mark = lines[i].Type switch
            {
                ChangeType.Inserted => '+',
                ChangeType.Deleted => '-',
                _ => ' ',
            };
            text.Append(mark).Append(' ').Append(lines[i].Text).Append('\n');
        }
        return text.ToString();
    }

    static int RunLength(IReadOnlyList<DiffPiece> lines, int start)
    {
        var end = start;
        while (end < lines.Count && lines[end].Type == lines[start].Type)
            end++;
        return end - start;
    }

    // DiffPlex may interleave deleted and inserted lines; a reader expects each changed block as its
    // expected lines followed by the lines that replaced them.
    static List<DiffPiece> Grouped(IReadOnlyList<DiffPiece> lines)
    {
        var result = new List<DiffPiece>();
        var block = new List<DiffPiece>();
        foreach (var line in lines.Append(new DiffPiece("", ChangeType.Unchanged)))
        {
            if (line.Type != ChangeType.Unchanged)
            {
                block.Add(line);
                continue;
            }
            result.AddRange(block.Where(l => l.Type != ChangeType.Inserted));
            result.AddRange(block.Where(l => l.Type == ChangeType.Inserted));
            block.Clear();
            result.Add(line);
        }
        result.RemoveAt(result.Count - 1);
        return result;
    }
}
