namespace Workbook.Grading.Reporting;

/// <summary>How a check or a chapter came out.</summary>
public enum Status
{
    /// <summary>Every output matched its expectation.</summary>
    Pass,

    /// <summary>Something the learner can fix differs from what was expected.</summary>
    Fail,

    /// <summary>
    /// Could not be graded, which says nothing of the learner's work: for a chapter, the folder is not a chapter or does
    /// not compile; for a check, it needs something this machine lacks (a PostgreSQL server), and a chapter none of whose
    /// checks failed but some of which could not run is an error too, never a pass.
    /// </summary>
    Error,
}

/// <summary>The words a status is written with.</summary>
public static class StatusWords
{
    /// <summary>The status in the lower-case word of the JSON report, the class table and Exercism's results: <c>pass</c>, <c>fail</c> or <c>error</c>.</summary>
    public static string Word(this Status status) => status switch { Status.Pass => "pass", Status.Fail => "fail", _ => "error" };
}

/// <summary>One step's advice, shown with a failed check.</summary>
/// <param name="Step">The step id, such as <c>3.1</c>; empty for advice that belongs to no step.</param>
/// <param name="Title">The step's title.</param>
/// <param name="Text">What to do.</param>
public sealed record Hint(string Step, string Title, string Text);

/// <summary>The result of one check of one chapter.</summary>
/// <param name="Name">The check's name.</param>
/// <param name="Status">Pass, fail, or error for a check that could not run here.</param>
/// <param name="Message">
/// For a failure: each output that differs, with its line diff (at most 25 lines each); for an error, why the check could
/// not run and how to let it; empty for a pass.
/// </param>
/// <param name="Hints">
/// For a failure: the hints of the steps that own what differs (the workbook's manifest says which step changes which
/// output), the step that owns a difference most closely first; empty for an output the check could not make because
/// something another check grades is missing (that check carries the hint).
/// </param>
public sealed record CheckResult(string Name, Status Status, string Message, IReadOnlyList<Hint> Hints);

/// <summary>The result of checking one chapter folder.</summary>
/// <param name="Chapter">The chapter's folder name.</param>
/// <param name="Title">The chapter's title.</param>
/// <param name="Status">
/// Pass when every check passed, fail when one failed, error when the chapter could not be checked or, none failing, a
/// check could not run.
/// </param>
/// <param name="NotStarted">True when the chapter fails and still looks as the learner got it.</param>
/// <param name="Message">For an error: what is wrong (such as the compiler's messages); otherwise empty.</param>
/// <param name="Checks">
/// One result per check, in the manifest's order; empty for a chapter that could not be checked at all.
/// </param>
/// <param name="Notes">
/// What the learner should know about how the chapter was checked, one line each, such as a <c>DATABASE_URL</c> of
/// theirs that was ignored.
/// </param>
/// <param name="Start">For a chapter not started yet, the hint of its first step, where the learner starts; else null.</param>
public sealed record ChapterResult(
    string Chapter, string Title, Status Status, bool NotStarted, string Message, IReadOnlyList<CheckResult> Checks,
    IReadOnlyList<string>? Notes = null, Hint? Start = null)
{
    /// <summary>A result for a chapter whose checks could not run.</summary>
    public static ChapterResult Failed(Chapter chapter, Status status, string message, IReadOnlyList<string>? notes = null) =>
        new(chapter.Name, chapter.Info.Title, status, false, message, [], notes ?? []);
}
