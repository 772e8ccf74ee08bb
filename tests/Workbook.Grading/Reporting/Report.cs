namespace Workbook.Grading.Reporting;

/// <summary>Writes check results for people (plain text) and for grading scripts (JSON).</summary>
public static class Report
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    /// <summary>One line per chapter: its folder name and <c>passed</c>, <c>failed</c>, <c>not started</c> or <c>error</c>.</summary>
    /// <param name="results">The chapters' results, in order.</param>
    public static string Summary(IEnumerable<ChapterResult> results)
    {
        var text = new StringBuilder();
        foreach (var result in results)
        {
            var failing = result.Checks.Count(c => c.Status == Status.Fail);
            var state = result switch
            {
                { NotStarted: true } => "not started",
                { Status: Status.Pass } => "passed",
                { Status: Status.Fail } => $"failed ({failing} of {result.Checks.Count} checks)",
                _ => "error: " + result.Message.Split('\n')[0],
            };
            text.Append($"{result.Chapter,-26}{state}\n");
        }
        foreach (var note in results.SelectMany(r => r.Notes ?? []).Distinct())
            text.Append(Indent("Note: " + note, ""));
        return text.ToString();
    }

    /// <summary>
    /// The chapter a learner should look at next in a progress view: the first one they started that does not pass, else
    /// the first one not started; null when every chapter passes.
    /// </summary>
    /// <param name="results">The chapters' results, in order.</param>
    public static ChapterResult? NextChapter(IReadOnlyList<ChapterResult> results) =>
        results.FirstOrDefault(r => !r.NotStarted && r.Status != Status.Pass) ?? results.FirstOrDefault(r => r.NotStarted);

    /// <summary>
    /// Everything about one chapter: a line per check (<c>PASS</c>, <c>FAIL</c>, or <c>ERROR</c> for a check that could
    /// not finish), under each failure its line diffs and the hints of the steps that own what differs, each hint once,
    /// under the first check it belongs to; under each error why. A chapter not started yet gets one screen: its checks'
    /// lines, the hint of its first step, and how many checks fail. A chapter that could not be checked at all gets
    /// <c>ERROR</c> and why.
    /// </summary>
    /// <param name="result">The chapter's result.</param>
    public static string Details(ChapterResult result)
    {
        var text = new StringBuilder($"{result.Chapter}: {result.Title}\n");
        foreach (var note in result.Notes ?? [])
            text.Append(Indent("Note: " + note, "  "));
        if (result.Status == Status.Error && result.Checks.Count == 0)
            return text.Append(Indent("ERROR " + result.Message, "  ")).ToString();
        var (total, failing, notRun) = (result.Checks.Count, result.Checks.Count(c => c.Status == Status.Fail), result.Checks.Count(c => c.Status == Status.Error));
        if (result is { NotStarted: true, Start: { } start })
        {
            text.Append("  Not started yet: the chapter is as the starter came, so its new checks fail.\n");
            foreach (var check in result.Checks)
                text.Append(StatusWord(check.Status)).Append(check.Name).Append('\n');
            text.Append(Indent($"Start with step {start.Step} ({start.Title}): {start.Text}", "  "));
            return text.Append($"  {failing} of {total} checks fail; once you have started, each failure shows what differs and the hint of its step.\n").ToString();
        }
        var shown = new HashSet<string>();
        foreach (var check in result.Checks)
        {
            text.Append(StatusWord(check.Status)).Append(check.Name).Append('\n');
            if (check.Status == Status.Pass)
                continue;
            var hints = check.Hints.Where(hint => hint.Step.Length == 0 || shown.Add(hint.Step)).ToList();
            text.Append(Indent(CheckText(check with { Hints = hints }), "        "));
        }
        if (result.Status == Status.Pass)
            return text.Append($"  All {total} checks pass.\n").ToString();
        var counts = new[] { failing > 0 ? $"{failing} of {total} checks fail" : null, notRun > 0 ? $"{notRun} of {total} could not finish" : null };
        return text.Append($"  {string.Join("; ", counts.OfType<string>())}.\n").ToString();
    }

    static string StatusWord(Status status) => status switch { Status.Pass => "  PASS  ", Status.Fail => "  FAIL  ", _ => "  ERROR " };

    /// <summary>
    /// The results as JSON: <c>{ "chapters": [ { "chapter", "title", "status", "notStarted", "message", "notes",
    /// "checks": [ { "name", "status", "message", "hints": [ { "step", "title", "text" } ] } ] } ] }</c>, where a
    /// status is <c>pass</c>, <c>fail</c> or <c>error</c> (a check's: it could not run here).
    /// </summary>
    /// <param name="results">The chapters' results, in order.</param>
    public static string ToJson(IEnumerable<ChapterResult> results) =>
        JsonSerializer.Serialize(new { Chapters = results.ToList() }, Json) + "\n";

    /// <summary>
    /// A failed check's message (its diffs) followed by its hints, one per line, as the report shows them; for a check that
    /// could not run, why.
    /// </summary>
    /// <param name="check">A check's result.</param>
    public static string CheckText(CheckResult check) =>
        check.Message.TrimEnd('\n') + "\n" + string.Concat(check.Hints.Select(hint =>
            (hint.Step.Length > 0 ? $"Hint {hint.Step} ({hint.Title}): {hint.Text}" : $"Hint: {hint.Text}") + "\n"));

    /// <summary>Each line of <paramref name="text"/> after <paramref name="indent"/>, without trailing spaces.</summary>
    internal static string Indent(string text, string indent) =>
        string.Concat(text.TrimEnd('\n').Split('\n').Select(line => (indent + line).TrimEnd() + "\n"));
}
