using System.Text.RegularExpressions;

namespace Workbook.Tests;

/// <summary>
/// The invariants of the learner's track: every untouched starter fails its own chapter (with the report a learner
/// would see) and passes the chapter before it, a starter differs from the previous solution only in its scaffolding,
/// and every step has a hint and a TODO that names it. That every solution passes is <c>ChapterNN</c>'s (its outputs
/// equal the expectations) and, through the check a learner runs, <c>PageNN</c>'s (each page ends with <c>./check NN</c>
/// passing in a learner's clone).
/// </summary>
public sealed partial class TrackTests
{
    static Grader Grader => TestGrading.Grader;

    /// <summary>Every chapter's folder name, as theory data.</summary>
    public static TheoryData<string> AllChapters => new(Solutions.Manifest.Chapters.Select(c => c.Folder));

    /// <summary>Every chapter but the first, as theory data.</summary>
    public static TheoryData<string> LaterChapters => new(Solutions.Manifest.Chapters.Skip(1).Select(c => c.Folder));

    /// <summary>
    /// An untouched starter builds and fails its own chapter's checks: no exercise is solved before the learner
    /// starts. Every failing check points to a step of the chapter (its hint), or says that another check's failure kept
    /// it from checking; the report, what the learner sees, fits one screen, starts the learner at step 1, and matches
    /// its snapshot.
    /// </summary>
    [SkippableTheory]
    [Trait("Category", "CommandLine")]
    [MemberData(nameof(AllChapters))]
    public async Task Starter_fails_its_chapter_with_the_learners_report(string chapter)
    {
        Postgres.RequireFor(chapter);
        var result = await Grader.GradeAsync(Starter(chapter));
        var report = Report.Details(result);
        Assert.True(result.Status == Status.Fail, report);
        foreach (var check in result.Checks.Where(c => c.Status != Status.Pass))
            Assert.True(check.Hints.Count > 0 && check.Hints.All(hint => hint.Step.Length > 0) || check.Message.Contains(": not checked."),
                $"'{check.Name}' fails on the untouched starter, so a step of {chapter} must name it in workbook.json");
        Assert.True(result.NotStarted, report);
        Assert.Equal(Solutions.Manifest[chapter].Steps[0].Id, result.Start?.Step);
        Assert.True(report.TrimEnd('\n').Split('\n').Length <= 25, $"The untouched starter's report should fit one screen (25 lines):\n{report}");
        SnapshotAssert.Matches(chapter, "starter", [new Output("report.txt", report)]);
    }

    /// <summary>An untouched starter passes the checks of the chapter before it: it starts from that chapter's solution.</summary>
    [Theory]
    [Trait("Category", "CommandLine")]
    [MemberData(nameof(LaterChapters))]
    public async Task Starter_passes_the_chapter_before_it(string chapter)
    {
        var previous = Solutions.Manifest.Previous(Solutions.Manifest[chapter])!;
        var result = await Grader.GradeAsync(Starter(chapter), expectationsOf: previous, skipChapterDatabase: true);
        Assert.True(result.Status == Status.Pass, Report.Details(result));
    }

    /// <summary>
    /// The starter of chapter N differs from the solution of chapter N-1 in exactly the files the manifest lists
    /// as its scaffolding; the first starter consists of exactly its scaffolding.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllChapters))]
    public void Starter_differs_from_the_previous_solution_only_in_its_scaffolding(string chapter)
    {
        var info = Solutions.Manifest[chapter];
        var starter = Files(Starter(chapter));
        var previous = Solutions.Manifest.Previous(info) is { } before
            ? Files(Chapter.In(Solutions.Root, "solutions", before))
            : new Dictionary<string, string>();
        var differing = starter.Keys.Union(previous.Keys)
            .Where(file => !starter.TryGetValue(file, out var text) || !previous.TryGetValue(file, out var old) || text != old)
            .Order(StringComparer.Ordinal);
        Assert.Equal(info.Scaffolding.Order(StringComparer.Ordinal), differing);
    }

    /// <summary>
    /// Every step has a title and a hint and names checks the chapter has; every check the manifest names
    /// exists; every TODO in a starter names a step of its own chapter, and every step has a TODO in the starter.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllChapters))]
    public void Every_step_has_a_hint_and_every_TODO_names_a_step(string chapter)
    {
        var info = Solutions.Manifest[chapter];
        Assert.NotEmpty(info.Steps);
        Assert.All(info.Checks, name => Assert.True(CheckCatalog.Named(name).Graded, $"'{name}' is not a graded check"));
        Assert.All(info.Snapshots ?? [], name => Assert.False(CheckCatalog.Named(name).Graded, $"'{name}' is a graded check, not a snapshot"));
        foreach (var step in info.Steps)
        {
            Assert.StartsWith(chapter[..2].TrimStart('0') + ".", step.Id);
            Assert.False(string.IsNullOrWhiteSpace(step.Title), $"step {step.Id} has no title");
            Assert.False(string.IsNullOrWhiteSpace(step.Hint), $"step {step.Id} has no hint");
            Assert.NotEmpty(step.Checks);
            Assert.All(step.Checks, name => Assert.Contains(name.Split('/')[0], info.Checks));
        }

        var todos = Files(Starter(chapter))
            .SelectMany(file => Todo().Matches(file.Value).Select(m => (File: file.Key, Step: m.Groups["step"].Value)))
            .ToList();
        Assert.All(todos, todo => Assert.True(info.Steps.Any(s => s.Id == todo.Step),
            $"{todo.File} has TODO {todo.Step}, which is not a step of {chapter}"));
        Assert.All(info.Steps, step => Assert.True(todos.Any(t => t.Step == step.Id),
            $"step {step.Id} has no TODO {step.Id} in chapters/{chapter}"));
    }

    /// <summary>The solutions hold no TODO: what a learner is told to do is done there.</summary>
    [Theory]
    [MemberData(nameof(AllChapters))]
    public void Solution_has_no_TODO(string chapter)
    {
        var todos = Files(Chapter.In(Solutions.Root, "solutions", Solutions.Manifest[chapter]))
            .Where(file => file.Value.Contains("TODO"))
            .Select(file => file.Key);
        Assert.Empty(todos);
    }

    static Chapter Starter(string chapter) => Chapter.In(Solutions.Root, "chapters", Solutions.Manifest[chapter]);

    /// <summary>The text of each of <see cref="Chapter.Files"/>, by relative path.</summary>
    static Dictionary<string, string> Files(Chapter chapter) =>
        chapter.Files().ToDictionary(file => file, file => File.ReadAllText(Path.Combine(chapter.Folder, file)));

    [GeneratedRegex(@"TODO (?<step>\d+\.\d+)")]
    private static partial Regex Todo();
}
