using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Workbook.Checks;

/// <summary>A line diff of expected against actual text, computed by DiffPlex.</summary>
public static class TextDiff
{
    /// <summary>
    /// The lines that differ, each block with <paramref name="context"/> unchanged lines around it: <c>@@ line N</c>
    /// gives the expected line number where a block starts, <c>-</c> marks expected lines that are missing and
    /// <c>+</c> the lines the chapter produced instead (within a block, all <c>-</c> lines come first).
    /// Empty when the texts are equal line by line.
    /// </summary>
    /// <param name="expected">The snapshot's text.</param>
    /// <param name="actual">The chapter's output.</param>
    /// <param name="context">How many unchanged lines to show before and after each block.</param>
    public static string Lines(string expected, string actual, int context = 2)
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
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type != ChangeType.Inserted)
                expectedLine++;
            if (!show[i])
                continue;
            if (i == 0 || !show[i - 1])
                text.Append($"@@ line {Math.Max(expectedLine, 1)}\n");
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
