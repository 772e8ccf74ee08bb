using Spectre.Console;

/// <summary>
/// The check command's terminal: <c>PASS</c>, <c>FAIL</c> and <c>ERROR</c> in colour and a line saying what it is doing while it builds
/// and runs, where the terminal supports them; plain text with <c>NO_COLOR</c> set or when the output is redirected,
/// so that a file or a grading script gets the report and nothing else. Spectre.Console decides what the terminal supports.
/// </summary>
sealed class CheckConsole
{
    readonly IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = Console.IsOutputRedirected || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 } ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Interactive = Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
    });

    /// <summary>Writes report text, with the <c>PASS</c>, <c>FAIL</c> and <c>ERROR</c> words of its check lines in colour where supported.</summary>
    /// <param name="text">The report, with '\n' line endings.</param>
    public void Write(string text)
    {
        if (!console.Profile.Capabilities.Ansi)
        {
            Console.Out.Write(text);
            return;
        }
        foreach (var line in text.Split('\n').SkipLast(text.EndsWith('\n') ? 1 : 0))
        {
            var markup = Markup.Escape(line);
            markup = markup.StartsWith("  PASS  ", StringComparison.Ordinal) ? "  [green]PASS[/]" + markup[6..]
                : markup.StartsWith("  FAIL  ", StringComparison.Ordinal) ? "  [red]FAIL[/]" + markup[6..]
                : markup.StartsWith("  ERROR ", StringComparison.Ordinal) ? "  [yellow]ERROR[/]" + markup[7..]
                : markup;
            console.MarkupLine(markup);
        }
    }

    /// <summary>Writes text exactly as it is, never coloured (JSON for a program).</summary>
    public void WritePlain(string text) => Console.Out.Write(text);

    /// <summary>Writes a usage error to standard error, never coloured, so that a report on standard output stays a report.</summary>
    public void WriteError(string text) => Console.Error.Write(text);

    /// <summary>Runs <paramref name="work"/>, showing <paramref name="what"/> with a spinner meanwhile on an interactive terminal.</summary>
    public async Task<T> WhileAsync<T>(string what, Func<Task<T>> work) =>
        console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi
            ? await console.Status().StartAsync(Markup.Escape(what) + "...", _ => work())
            : await work();
}
