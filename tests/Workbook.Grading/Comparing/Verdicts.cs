namespace Workbook.Grading.Comparing;

/// <summary>
/// Turns what the runner answered for a check into its result: a pass, or a failure with the differences from the
/// expectations (<see cref="OutputComparer"/>, by meaning), the pitfalls they show (<see cref="Pitfalls"/>) and the hints
/// of the steps that best explain them (<see cref="HintRanking"/>).
/// </summary>
/// <param name="root">The workbook's root, whose expectations apply (<see cref="Expectations.Read"/>).</param>
/// <param name="hints">Chooses the hints.</param>
public sealed class Verdicts(string root, HintRanking hints)
{
    /// <summary>A check whose run threw because of the chapter's code: a failure, with the pitfall it shows and the hints of the steps that own the check.</summary>
    /// <param name="check">The check.</param>
    /// <param name="info">The chapter whose steps apply.</param>
    /// <param name="cause">What the check's run threw, in words.</param>
    public CheckResult Unfinished(Check check, ChapterInfo info, string cause)
    {
        var pitfalls = Pitfalls.Recognise(check.Name, [new Output("error", cause)], ["error"]).Select(line => $"Pitfall: {line}\n");
        return new CheckResult(check.Name, Status.Fail, $"{string.Concat(pitfalls)}The check could not finish: {cause}", hints.For(info, check.Name, [(null, null)]));
    }

    /// <summary>Compares a check's outputs with the expectations of <paramref name="info"/>: a pass, or a failure with its diffs, pitfalls and hints.</summary>
    /// <param name="check">The check.</param>
    /// <param name="info">The chapter whose expectations and steps apply.</param>
    /// <param name="outputs">What the check produced.</param>
    public CheckResult Compare(Check check, ChapterInfo info, IReadOnlyList<Output> outputs)
    {
        var expected = Expectations.Read(root, info.Folder, check.Name);
        var messages = new List<string>();
        // Outputs a check could not make because something graded elsewhere is missing: one line per reason.
        foreach (var reason in outputs.Where(o => o.BlockedBy is not null).GroupBy(o => o.Text.TrimEnd()))
            messages.Add($"{string.Join(", ", reason.Select(o => o.Name))}: not checked. {reason.Key}");
        var differences = OutputComparer.Compare(expected, outputs, byMeaning: true);
        foreach (var difference in differences)
            messages.Add($"{difference.Output}: {difference.Problem}\n{Shorten(difference.Diff)}".TrimEnd());
        if (messages.Count == 0)
            return new CheckResult(check.Name, Status.Pass, "", []);
        var causes = differences
            .SelectMany(d => d.Keys.Count > 0 ? d.Keys.Select(key => ((string?)d.Output, (string?)key)) : [((string?)d.Output, (string?)null)])
            .ToList();
        var differing = differences.Select(d => d.Output).ToHashSet();
        messages.InsertRange(0, Pitfalls.Recognise(check.Name, outputs, differing).Select(line => "Pitfall: " + line));
        return new CheckResult(check.Name, Status.Fail, string.Join("\n\n", messages), hints.For(info, check.Name, causes, expected));
    }

    // A whole missing file as a diff drowns the rest of the report: its first lines say enough.
    static string Shorten(string diff)
    {
        const int MaxLines = 25;
        var lines = diff.TrimEnd('\n').Split('\n');
        return lines.Length <= MaxLines ? diff : string.Join('\n', lines.Take(MaxLines)) + $"\n... ({lines.Length - MaxLines} more lines)\n";
    }
}
