using System.Text;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Workbook.Checks;

/// <summary>A line diff of expected against actual text, computed by DiffPlex.</summary>
public static class TextDiff
{
    /// <summary>
    /// The lines that differ, each with <paramref name="context"/> unchanged lines around it: <c>-</c> marks an
    /// expected line that is missing, <c>+</c> a line the chapter produced instead, <c>@@ line N</c> the
    /// expected line number where a block starts. Empty when the texts are equal line by line.
    /// </summary>
    /// <param name="expected">The snapshot's text.</param>
    /// <param name="actual">The chapter's output.</param>
    /// <param name="context">How many unchanged lines to show before and after each change.</param>
    public static string Lines(string expected, string actual, int context = 2)
    {
        var diff = InlineDiffBuilder.Diff(expected, actual, ignoreWhiteSpace: false);
        var lines = diff.Lines;
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
        var previousShown = false;
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Type != ChangeType.Inserted)
                expectedLine++;
            if (!show[i])
            {
                previousShown = false;
                continue;
            }
            if (!previousShown)
                text.Append($"@@ line {Math.Max(expectedLine, 1)}\n");
            previousShown = true;
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
}
