using CliWrap;
using CliWrap.Buffered;

namespace Workbook.Checks;

/// <summary>
/// Checks a chapter folder the way a learner's work is graded: builds it when needed, runs the checks the
/// manifest lists, and compares each output with the snapshots the solutions were verified against.
/// Whatever is wrong with the folder becomes a result with a message, never an exception.
/// </summary>
/// <param name="root">The repository root, whose manifest and snapshots are the expectations.</param>
/// <param name="manifest">The manifest read from <paramref name="root"/>.</param>
/// <param name="configuration">The MSBuild configuration to build and load chapters in.</param>
public sealed class Checker(string root, Manifest manifest, string configuration = "Debug")
{
    /// <summary>Checks one chapter folder.</summary>
    /// <param name="chapter">The chapter to check; its folder may be anything, even missing.</param>
    /// <param name="expectationsOf">
    /// The chapter whose checks, snapshots and hints to use; by default the chapter's own (a starter is also
    /// held to the chapter before it).
    /// </param>
    /// <param name="skipChapterDatabase">Leave out the checks that read the chapter's own <c>app.db</c>.</param>
    /// <returns>The chapter's status and one result per check.</returns>
    public async Task<ChapterResult> CheckAsync(Chapter chapter, ChapterInfo? expectationsOf = null, bool skipChapterDatabase = false)
    {
        var info = expectationsOf ?? chapter.Info;
        if (!Directory.Exists(chapter.Folder))
            return ChapterResult.Failed(chapter, Status.Error, $"There is no folder {chapter.Folder}.");

        ChapterAssembly assembly;
        try
        {
            var errors = await ChapterBuild.EnsureBuiltAsync(chapter, configuration);
            if (errors.Count > 0)
                return ChapterResult.Failed(chapter, Status.Error, "The chapter does not compile:\n" + string.Join("\n", errors));
            assembly = ChapterAssembly.Load(chapter, configuration);
        }
        catch (FileNotFoundException error)
        {
            return ChapterResult.Failed(chapter, Status.Error, error.Message);
        }

        var results = new List<CheckResult>();
        foreach (var name in info.Checks)
        {
            var check = Checks.Named(name);
            if (skipChapterDatabase && check.ReadsChapterDatabase)
                continue;
            results.Add(await RunAsync(check, assembly, info));
        }
        var status = results.All(r => r.Status == Status.Pass) ? Status.Pass : Status.Fail;
        var notStarted = status != Status.Pass && await IsUntouchedAsync(chapter);
        return new ChapterResult(chapter.Name, chapter.Info.Title, status, notStarted, "", results);
    }

    async Task<CheckResult> RunAsync(Check check, ChapterAssembly assembly, ChapterInfo info)
    {
        IReadOnlyList<Output> outputs;
        try
        {
            outputs = await check.Run(assembly);
        }
        catch (Exception error)
        {
            var cause = error is ChapterCodeException ? error.Message : $"{error.GetType().Name}: {error.Message}";
            return new CheckResult(check.Name, Status.Fail, $"The check could not finish: {cause}", Hints(info, check.Name, []));
        }

        var mismatches = Expectations.Compare(Expectations.Read(root, info.Folder, check.Name), outputs);
        if (mismatches.Count == 0)
            return new CheckResult(check.Name, Status.Pass, "", []);
        var message = string.Join("\n\n", mismatches.Select(m => $"{m.Output}: {m.Problem}\n{Shorten(m.Diff)}".TrimEnd()));
        return new CheckResult(check.Name, Status.Fail, message, Hints(info, check.Name, mismatches.Select(m => m.Output)));
    }

    // A whole missing file as a diff drowns the rest of the report: its first lines say enough.
    static string Shorten(string diff)
    {
        const int MaxLines = 25;
        var lines = diff.TrimEnd('\n').Split('\n');
        return lines.Length <= MaxLines ? diff : string.Join('\n', lines.Take(MaxLines)) + $"\n... ({lines.Length - MaxLines} more lines)\n";
    }

    IReadOnlyList<Hint> Hints(ChapterInfo info, string check, IEnumerable<string> outputs)
    {
        var steps = outputs.SelectMany(output => info.StepsFor(check, output))
            .Concat(info.StepsFor(check))
            .DistinctBy(step => step.Id)
            .OrderBy(step => step.Id, StringComparer.Ordinal)
            .ToList();
        if (steps.Count > 0)
            return steps.Select(step => new Hint(step.Id, step.Title, step.Hint)).ToList();
        var earlier = manifest.Previous(info)?.Folder ?? info.Folder;
        return [new Hint("", "", $"No step of this chapter changes what '{check}' checks: it passed when the chapter started. "
            + $"Compare your files with solutions/{earlier}.")];
    }

    /// <summary>
    /// True when the chapter looks as it did when the learner got it: every step's <c>TODO n.m</c> marker is
    /// still in its sources and, where git can tell, nothing in the folder has changed since the last commit.
    /// </summary>
    async Task<bool> IsUntouchedAsync(Chapter chapter)
    {
        var sources = string.Concat(chapter.SourceFiles().Select(f => File.ReadAllText(Path.Combine(chapter.Folder, f))));
        if (!chapter.Info.Steps.All(step => sources.Contains($"TODO {step.Id}:")))
            return false;
        try
        {
            var status = await Cli.Wrap("git").WithArguments(["status", "--porcelain", "--untracked-files=all", "--", "."])
                .WithWorkingDirectory(chapter.Folder).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            return status.ExitCode != 0 || status.StandardOutput.Trim().Length == 0;
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return true; // no git: the TODO markers decide
        }
    }
}

/// <summary>How a check or a chapter came out.</summary>
public enum Status
{
    /// <summary>Every output matched its expectation.</summary>
    Pass,

    /// <summary>Something the learner can fix differs from what was expected.</summary>
    Fail,

    /// <summary>The check could not run at all: the folder is not a chapter, or it does not compile.</summary>
    Error,
}

/// <summary>One step's advice, shown with a failed check.</summary>
/// <param name="Step">The step id, such as <c>3.1</c>; empty for advice that belongs to no step.</param>
/// <param name="Title">The step's title.</param>
/// <param name="Text">What to do.</param>
public sealed record Hint(string Step, string Title, string Text);

/// <summary>The result of one check of one chapter.</summary>
/// <param name="Name">The check's name.</param>
/// <param name="Status">Pass or fail.</param>
/// <param name="Message">For a failure: each output that differs, with its line diff (at most 25 lines each); empty for a pass.</param>
/// <param name="Hints">For a failure: the hints of the steps the failure points to.</param>
public sealed record CheckResult(string Name, Status Status, string Message, IReadOnlyList<Hint> Hints);

/// <summary>The result of checking one chapter folder.</summary>
/// <param name="Chapter">The chapter's folder name.</param>
/// <param name="Title">The chapter's title.</param>
/// <param name="Status">Pass when every check passed, fail when one failed, error when none could run.</param>
/// <param name="NotStarted">True when the chapter fails and still looks as the learner got it.</param>
/// <param name="Message">For an error: what is wrong (such as the compiler's messages); otherwise empty.</param>
/// <param name="Checks">One result per check, in the manifest's order; empty for an error.</param>
public sealed record ChapterResult(
    string Chapter, string Title, Status Status, bool NotStarted, string Message, IReadOnlyList<CheckResult> Checks)
{
    /// <summary>A result for a chapter whose checks could not run.</summary>
    public static ChapterResult Failed(Chapter chapter, Status status, string message) =>
        new(chapter.Name, chapter.Info.Title, status, false, message, []);
}
