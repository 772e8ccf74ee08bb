namespace Workbook.Grading.Reporting;

/// <summary>
/// Writes results in the form of Exercism's test-runner <c>results.json</c>, version 3, so that tools built for
/// Exercism can read a learner's grades: one test per check of each chapter checked.
/// </summary>
public static class ExercismReport
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };

    /// <summary>
    /// The results as <c>{ "version": 3, "status", "message", "tests": [ { "name", "status", "message", "output",
    /// "task_id" } ] }</c>. <c>status</c> is <c>error</c> when a chapter could not be checked (with <c>message</c>: each
    /// such chapter and why, such as the compiler's messages, or which of its checks could not run), else <c>fail</c>
    /// when a check failed, else <c>pass</c>. Each test is one check of one chapter, in report order: <c>name</c> is
    /// <c>chapter: check</c>; <c>status</c> is <c>pass</c>, <c>fail</c>, or <c>error</c> for a check that could not run
    /// here (it needs a PostgreSQL server); <c>message</c> holds a failure's diffs and hints, or why a check did not run;
    /// <c>output</c> is not used (null, left out); <c>task_id</c> is the step of the chapter that owns the check (the
    /// number after the dot of its first hint's step, or of the first step that names it).
    /// </summary>
    /// <param name="results">The chapters' results, in order.</param>
    /// <param name="manifest">The manifest, for the steps that own each check; null when no check ran (a usage error).</param>
    public static string Write(IReadOnlyList<ChapterResult> results, Manifest? manifest)
    {
        var errors = results.Where(r => r.Status == Status.Error).ToList();
        var tests = results.SelectMany(result => result.Checks.Select(check => new Test(
            $"{result.Chapter}: {check.Name}",
            check.Status.Word(),
            check.Status == Status.Pass ? null : Report.CheckText(check),
            null,
            TaskId(manifest?.Find(result.Chapter), check)))).ToList();
        var document = new Results(
            3,
            errors.Count > 0 ? "error" : results.Any(r => r.Status != Status.Pass) ? "fail" : "pass",
            errors.Count > 0 ? string.Join("\n\n", errors.Select(e => e.Chapter.Length > 0 ? $"{e.Chapter}: {e.Message}" : e.Message)) : null,
            tests);
        return JsonSerializer.Serialize(document, Json) + "\n";
    }

    static int? TaskId(ChapterInfo? chapter, CheckResult check)
    {
        var step = check.Hints.FirstOrDefault(h => h.Step.Length > 0)?.Step
            ?? chapter?.StepsFor(check.Name).FirstOrDefault().Step?.Id;
        return step is not null && int.TryParse(step[(step.IndexOf('.') + 1)..], out var id) ? id : null;
    }

    sealed record Results(int Version, string Status, string? Message, IReadOnlyList<Test> Tests);

    sealed record Test(string Name, string Status, string? Message, string? Output, int? TaskId);
}
