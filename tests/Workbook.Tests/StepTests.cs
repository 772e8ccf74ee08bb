namespace Workbook.Tests;

/// <summary>
/// Each step's hint, where the learner is: a learner who has done every step of a chapter but one sees that step's hint
/// first. The learner is made from the solution with that one step undone by a small patch kept with the tests
/// (<c>Steps/&lt;chapter&gt;/&lt;step&gt;.patch</c>, a unified diff against <c>solutions/&lt;chapter&gt;</c> that
/// <c>git apply</c> applies), then graded as a learner's work is, by the grader in its sandbox. The checks that read the
/// chapter's <c>app.db</c> are graded only when the step undone is one that names them (it has no <c>app.db</c>, as a
/// learner who skipped <c>dotnet ef database update</c>).
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class StepTests
{
    /// <summary>The folder of the patches: <c>tests/Workbook.Tests/Steps</c>.</summary>
    public static readonly string Patches = Path.Combine(Solutions.Root, "tests", "Workbook.Tests", "Steps");

    /// <summary>Every step of every chapter, as (chapter, step id).</summary>
    public static TheoryData<string, string> AllSteps
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var chapter in Solutions.Manifest.Chapters)
                foreach (var step in chapter.Steps)
                    data.Add(chapter.Folder, step.Id);
            return data;
        }
    }

    /// <summary>
    /// The solution with step <paramref name="step"/> undone fails, and the first hint of its report (in report order, as
    /// the learner reads it) is that step's.
    /// </summary>
    /// <param name="chapter">The chapter's folder name.</param>
    /// <param name="step">The step's id, such as <c>4.2</c>.</param>
    [SkippableTheory]
    [MemberData(nameof(AllSteps))]
    public async Task A_learner_who_did_every_step_but_one_sees_that_steps_hint_first(string chapter, string step)
    {
        Postgres.RequireFor(chapter);
        var info = Solutions.Manifest[chapter];
        var patch = Path.Combine(Patches, chapter, step + ".patch");
        Assert.True(File.Exists(patch), $"Step {step} has no patch that undoes it: {Path.GetRelativePath(Solutions.Root, patch)}");

        using var learner = new LearnerCopy("solutions", chapter);
        await learner.ApplyAsync(patch);
        // app.db is graded only for the steps that name it: for the others it would be made from the learner's own
        // migrations (`dotnet ef database update`), which app-db then passes, so it cannot change which hint comes first.
        var namesDatabase = info.Steps.Single(s => s.Id == step).Checks.Any(c => c.StartsWith("app-db", StringComparison.Ordinal));

        var result = await TestGrading.Grader.GradeAsync(new Chapter(info, learner.Folder), skipChapterDatabase: !namesDatabase);

        var report = Report.Details(result);
        Assert.True(result.Status == Status.Fail, report);
        var first = result.Checks.Where(c => c.Status == Status.Fail).SelectMany(c => c.Hints).FirstOrDefault();
        Assert.True(first?.Step == step, $"With step {step} undone, the first hint should be {step}'s:\n{report}");
    }
}
