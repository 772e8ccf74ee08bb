namespace Workbook.Grading.Reporting;

/// <summary>Chooses the hints of the steps that best explain what differs in a check (see <see cref="For"/>).</summary>
/// <param name="manifest">The workbook's chapters: the chapter before one is named when no step explains a difference.</param>
public sealed class HintRanking(Manifest manifest)
{
    /// <summary>
    /// The hints of the steps that best explain what differs in a check, as a likelihood: every step that names the check
    /// (<see cref="ChapterInfo.StepsFor"/>) is a candidate with the differences it owns and the things it names that did
    /// <em>not</em> differ (its "wrong predictions": had that step not been done, those would differ too). A candidate
    /// whose differences are all owned by another that predicts no more wrongly is left out (it explains less, no better);
    /// the others come most differences first, then fewest wrong predictions, then the most precise reference, then step
    /// order. So a learner who has done every step but one sees that step's hint first, not a neighbour's that names part of
    /// the same output. Advice to compare with the previous solution when no step owns a difference; none when every output
    /// was blocked by something another check grades (that check has the hint).
    /// </summary>
    /// <param name="info">The chapter whose steps apply.</param>
    /// <param name="check">The check.</param>
    /// <param name="causes">The differences: an output and the key of a line in it (null for the output as a whole); an
    /// output of null for the check as a whole (it could not finish).</param>
    /// <param name="expected">The check's expected outputs by name, to count what a step names that did not differ.</param>
    public IReadOnlyList<Hint> For(ChapterInfo info, string check, IReadOnlyList<(string? Output, string? Key)> causes,
        IReadOnlyDictionary<string, string>? expected = null)
    {
        if (causes.Count == 0)
            return [];
        expected ??= new Dictionary<string, string>();
        var differingOutputs = causes.Where(c => c.Output is not null).Select(c => c.Output!).ToHashSet();
        var candidates = info.Steps
            .Select(step =>
            {
                var owned = causes.Select((cause, i) => (i, Closeness: step.Checks.Max(reference => ChapterInfo.Score(reference, check, cause.Output, cause.Key))))
                    .Where(match => match.Closeness >= 0).ToList();
                return (Step: step, Owns: owned.Select(match => match.i).ToHashSet(), Closeness: owned.Select(match => match.Closeness).DefaultIfEmpty(-1).Max(),
                    Wrong: step.Checks.Sum(reference => WrongPredictions(reference, check, expected, differingOutputs, causes)));
            })
            .Where(candidate => candidate.Owns.Count > 0)
            .ToList();
        var kept = candidates.Where(candidate => !candidates.Any(other => other.Step != candidate.Step
                && other.Owns.IsSupersetOf(candidate.Owns) && other.Wrong <= candidate.Wrong
                && (other.Owns.Count > candidate.Owns.Count || other.Wrong < candidate.Wrong || other.Closeness > candidate.Closeness)))
            .OrderByDescending(candidate => candidate.Owns.Count)
            .ThenBy(candidate => candidate.Wrong)
            .ThenByDescending(candidate => candidate.Closeness)
            .ThenBy(candidate => candidate.Step.Id, StringComparer.Ordinal)
            .Select(candidate => new Hint(candidate.Step.Id, candidate.Step.Title, candidate.Step.Hint))
            .ToList();
        if (kept.Count > 0)
            return kept;
        var earlier = manifest.Previous(info)?.Folder ?? info.Folder;
        return [new Hint("", "", $"No step of this chapter changes what '{check}' checks: it passed when the chapter started. "
            + $"Compare your files with solutions/{earlier}.")];
    }

    /// <summary>
    /// How many of the things <paramref name="reference"/> names in <paramref name="check"/> did not differ: for the whole
    /// check, its expected outputs that matched; for an output, 1 when it matched; for the lines of a keyed output whose
    /// key starts with a prefix, how many such keys of the expected output did not differ.
    /// </summary>
    static int WrongPredictions(string reference, string check, IReadOnlyDictionary<string, string> expected, HashSet<string> differingOutputs,
        IReadOnlyList<(string? Output, string? Key)> causes)
    {
        var (refCheck, output, prefix) = StepReference.Parse(reference);
        if (refCheck != check || causes.Any(cause => cause.Output is null))
            return 0;
        if (output is null)
            return expected.Keys.Count(name => !differingOutputs.Contains(name));
        if (prefix is null)
            return expected.ContainsKey(output) && !differingOutputs.Contains(output) ? 1 : 0;
        if (!expected.TryGetValue(output, out var text))
            return 0;
        var differingKeys = causes.Where(cause => cause.Output == output && cause.Key is not null).Select(cause => cause.Key!).ToHashSet();
        return text.Split('\n').Where(line => line.Trim().Length > 0).Select(KeyedText.KeyOf).Distinct()
            .Count(key => ChapterInfo.Score(reference, check, output, key) >= 0 && !differingKeys.Contains(key));
    }
}
