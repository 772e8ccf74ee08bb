using System.Text.RegularExpressions;
using Markdig;
using Markdig.Syntax;

namespace Workbook.Tests.Docs;

/// <summary>
/// A page of <c>docs/</c>, read with Markdig into the parts the doc tests act on, in the order they appear:
/// <c>console</c> blocks (commands a learner runs, with the output they should see), <c>powershell</c> blocks (the
/// same for PowerShell, with <c>PS&gt; </c> prompts), <c>&lt;!-- workbook: solve --&gt;</c>
/// markers (the learner has done the exercise's code; <c>&lt;!-- workbook: solve Models/User.cs --&gt;</c> names the files
/// written so far), and code blocks that copy a snapshot
/// (<c>&lt;!-- snapshot: NAME --&gt;</c> right before the block).
/// </summary>
public sealed partial class DocPage
{
    DocPage(string path, string text, IReadOnlyList<DocPart> parts)
    {
        Path = path;
        Text = text;
        Parts = parts;
    }

    /// <summary>The page's absolute path.</summary>
    public string Path { get; }

    /// <summary>The page's text, with '\n' line endings.</summary>
    public string Text { get; }

    /// <summary>The parts the tests act on, in page order.</summary>
    public IReadOnlyList<DocPart> Parts { get; }

    /// <summary>Reads and parses the page at <paramref name="path"/>.</summary>
    /// <exception cref="IOException">The page cannot be read.</exception>
    /// <exception cref="FormatException">A snapshot marker is not followed by a code block.</exception>
    public static DocPage Load(string path)
    {
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        var document = Markdown.Parse(text, new MarkdownPipelineBuilder().UsePreciseSourceLocation().Build());
        var parts = new List<DocPart>();
        string? snapshot = null;
        foreach (var block in document.Descendants().OfType<LeafBlock>())
        {
            var content = block.Lines.ToString().ReplaceLineEndings("\n");
            if (block is HtmlBlock)
            {
                if (SnapshotMarker().Match(content) is { Success: true } marker)
                    snapshot = marker.Groups["name"].Value;
                else if (SolveMarker().Match(content) is { Success: true } solve)
                    parts.Add(new SolvePart(block.Line + 1, solve.Groups["files"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)));
                continue;
            }
            if (block is not FencedCodeBlock fenced)
                continue;
            var line = block.Line + 1;
            if (snapshot is not null)
            {
                parts.Add(new SnapshotPart(line, snapshot, content + "\n"));
                snapshot = null;
            }
            else if (fenced.Info == "console")
            {
                parts.Add(new ConsolePart(line, ConsoleCommand.Parse(content, line)));
            }
            else if (fenced.Info == "powershell")
            {
                parts.Add(new PowerShellPart(line, ConsoleCommand.Parse(content, line, ConsoleCommand.PowerShellPrompt)));
            }
        }
        if (snapshot is not null)
            throw new FormatException($"{path}: the marker 'snapshot: {snapshot}' has no code block after it.");
        return new DocPage(path, text, parts);
    }

    [GeneratedRegex(@"^<!--\s*snapshot:\s*(?<name>\S+)\s*-->$")]
    private static partial Regex SnapshotMarker();

    [GeneratedRegex(@"^<!--\s*workbook:\s*solve(?<files>( +\S+)*)\s*-->$")]
    private static partial Regex SolveMarker();
}

/// <summary>A part of a page that the doc tests act on.</summary>
/// <param name="Line">The 1-based line of the page where the part starts.</param>
public abstract record DocPart(int Line);

/// <summary>A <c>console</c> block: commands a learner types, each with the output the page says they will see.</summary>
/// <param name="Line">The 1-based line of the block's opening fence.</param>
/// <param name="Commands">The block's commands in order.</param>
public sealed record ConsolePart(int Line, IReadOnlyList<ConsoleCommand> Commands) : DocPart(Line);

/// <summary>
/// A <c>powershell</c> block: the PowerShell form of commands a page shows for bash, each with the output the page
/// says it prints. The doc tests run the whole block in one PowerShell session.
/// </summary>
/// <param name="Line">The 1-based line of the block's opening fence.</param>
/// <param name="Commands">The block's commands in order (after their <c>PS&gt; </c> prompts).</param>
public sealed record PowerShellPart(int Line, IReadOnlyList<ConsoleCommand> Commands) : DocPart(Line);

/// <summary>The point where the learner has written the exercise's code: the solution's files apply from here.</summary>
/// <param name="Line">The 1-based line of the marker.</param>
/// <param name="Files">
/// The files written, relative to the chapter folder; empty for all of the chapter's scaffolding. A <c>*</c> stands for a
/// migration's timestamp (<c>Migrations/*_UserProfile.cs</c>): the learner's edit of a migration the tool wrote.
/// </param>
public sealed record SolvePart(int Line, IReadOnlyList<string> Files) : DocPart(Line);

/// <summary>A code block that shows a snapshot, such as a migration's SQL.</summary>
/// <param name="Line">The 1-based line of the block's opening fence.</param>
/// <param name="Snapshot">The snapshot's name without <c>.snap</c>, such as <c>03-first-migration.scripts.upgrade.sql</c>.</param>
/// <param name="Text">The block's text, ending in '\n'.</param>
public sealed record SnapshotPart(int Line, string Snapshot, string Text) : DocPart(Line);

/// <summary>One command of a <c>console</c> block and the output the page shows for it.</summary>
/// <param name="Line">The 1-based page line of the command.</param>
/// <param name="Text">The command as typed, after the prompt (<c>$ </c>, or <c>PS&gt; </c> in PowerShell).</param>
/// <param name="ExpectedOutput">The lines shown after it, up to the next prompt; <c>...</c> alone on a line stands for any lines.</param>
public sealed record ConsoleCommand(int Line, string Text, IReadOnlyList<string> ExpectedOutput)
{
    /// <summary>The prompt of a shell command line in a <c>console</c> block.</summary>
    public const string ShellPrompt = "$ ";

    /// <summary>The prompt of a command line in a <c>powershell</c> block.</summary>
    public const string PowerShellPrompt = "PS> ";

    /// <summary>Splits the text of a block into commands (lines that start with <paramref name="prompt"/>) and their outputs.</summary>
    /// <param name="block">The block's text.</param>
    /// <param name="firstLine">The page line of the block's opening fence.</param>
    /// <param name="prompt">The prompt that starts a command line: <see cref="ShellPrompt"/> or <see cref="PowerShellPrompt"/>.</param>
    /// <exception cref="FormatException">The block does not start with a command.</exception>
    public static IReadOnlyList<ConsoleCommand> Parse(string block, int firstLine, string prompt = ShellPrompt)
    {
        var commands = new List<(int Line, string Text, List<string> Output)>();
        var lines = block.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].StartsWith(prompt))
                commands.Add((firstLine + 1 + i, lines[i][prompt.Length..].Trim(), []));
            else if (commands.Count == 0)
                throw new FormatException($"line {firstLine + 1 + i}: the block must start with a '{prompt}' command.");
            else
                commands[^1].Output.Add(lines[i]);
        }
        return commands.Select(c => new ConsoleCommand(c.Line, c.Text, c.Output)).ToList();
    }
}
