using CliWrap;
using CliWrap.Buffered;
using Workbook.Grading.Schema;

namespace Workbook.Grading;

/// <summary>
/// Grades a chapter folder the way a learner's work is graded: builds it when its files changed, runs the graded
/// checks the manifest lists, and compares each output with what the solution was verified to produce (the
/// snapshots), by what the chapter does: keyed outputs such as schemas key by key, migrations whatever their names.
/// Whatever is wrong with the folder becomes a result with a message, never an exception.
/// </summary>
/// <param name="root">The repository root, whose manifest and snapshots are the expectations.</param>
/// <param name="manifest">The manifest read from <paramref name="root"/>.</param>
/// <param name="configuration">The MSBuild configuration to build and load chapters in.</param>
/// <param name="useCache">
/// Take the result of a chapter whose inputs have not changed since it was last graded from <see cref="ResultCache"/>,
/// and store new results there.
/// </param>
public sealed class Grader(string root, Manifest manifest, string configuration = Grader.DefaultConfiguration, bool useCache = false)
{
    /// <summary>The MSBuild configuration chapters are built and loaded in unless a grader is told otherwise.</summary>
    public const string DefaultConfiguration = "Debug";

    /// <summary>Grades one chapter folder.</summary>
    /// <param name="chapter">The chapter to grade; its folder may be anything, even missing.</param>
    /// <param name="expectationsOf">
    /// The chapter whose checks, snapshots and hints to use; by default the chapter's own (a starter is also
    /// held to the chapter before it).
    /// </param>
    /// <param name="skipChapterDatabase">Leave out the checks that read the chapter's own <c>app.db</c>.</param>
    /// <returns>The chapter's status and one result per check.</returns>
    public async Task<ChapterResult> GradeAsync(Chapter chapter, ChapterInfo? expectationsOf = null, bool skipChapterDatabase = false)
    {
        var info = expectationsOf ?? chapter.Info;
        if (!Directory.Exists(chapter.Folder))
            return ChapterResult.Failed(chapter, Status.Error, $"There is no folder {chapter.Folder}.");
        if (!useCache)
            return await GradeUncachedAsync(chapter, info, skipChapterDatabase);

        var key = ResultCache.Key(chapter, info, root, configuration, skipChapterDatabase);
        if (ResultCache.Find(chapter, key) is { } known)
            return known;
        var result = await GradeUncachedAsync(chapter, info, skipChapterDatabase);
        // A check that needs a server may have failed for want of one, which no input of the chapter says: not kept.
        if (result.Status != Status.Error && !result.Checks.Any(c => c.Status != Status.Pass && Checks.Named(c.Name).NeedsServer))
            ResultCache.Store(chapter, key, result);
        return result;
    }

    async Task<ChapterResult> GradeUncachedAsync(Chapter chapter, ChapterInfo info, bool skipChapterDatabase)
    {
        var notes = LearnerEnvironment.IgnoredSettingsNote(chapter) is { } note ? new[] { note } : [];

        ChapterAssembly assembly;
        try
        {
            var errors = await ChapterBuild.EnsureBuiltAsync(chapter, configuration, root);
            if (errors.Count > 0)
                return ChapterResult.Failed(chapter, Status.Error, "The chapter does not compile:\n" + string.Join("\n", errors), notes);
            assembly = ChapterAssembly.Load(chapter, configuration);
        }
        catch (FileNotFoundException error)
        {
            return ChapterResult.Failed(chapter, Status.Error, error.Message, notes);
        }

        var checks = info.Checks.Select(Checks.Named).Where(check => !(skipChapterDatabase && check.ReadsChapterDatabase)).ToList();
        // The checks that start the chapter's program go first, so that their processes run alongside the others.
        var started = checks.OrderByDescending(check => check.RunsProgram)
            .ToDictionary(check => check, check => Task.Run(() => GradeCheckAsync(check, assembly, info)));
        var results = await Task.WhenAll(checks.Select(check => started[check]));
        var notRun = results.Where(r => r.Status == Status.Error).Select(r => r.Name).ToList();
        var status = results.Any(r => r.Status == Status.Fail) ? Status.Fail : notRun.Count > 0 ? Status.Error : Status.Pass;
        var message = status == Status.Error ? $"Not graded here: {string.Join(", ", notRun)} could not run." : "";
        var notStarted = status != Status.Pass && await IsUntouchedAsync(chapter);
        return new ChapterResult(chapter.Name, chapter.Info.Title, status, notStarted, message, results, notes);
    }

    async Task<CheckResult> GradeCheckAsync(Check check, ChapterAssembly assembly, ChapterInfo info)
    {
        // Whether the learner's work passes cannot be told without a server: neither a pass nor a failure.
        if (check.NeedsServer && PostgresServer.Shared is null)
            return new CheckResult(check.Name, Status.Error, $"Not run: this check needs a PostgreSQL server, and {PostgresServer.Unavailable}", []);
        IReadOnlyList<Output> outputs;
        try
        {
            outputs = await check.Run(assembly, info);
        }
        catch (Exception error)
        {
            var cause = error is ChapterCodeException ? error.Message : $"{error.GetType().Name}: {error.Message}";
            var pitfalls = Pitfalls.Recognise(check.Name, [new Output("error", cause)], ["error"]).Select(line => $"Pitfall: {line}\n");
            return new CheckResult(check.Name, Status.Fail, $"{string.Concat(pitfalls)}The check could not finish: {cause}", Hints(info, check.Name, [(null, null)]));
        }

        var expected = Expectations.Read(root, info.Folder, check.Name);
        var messages = new List<string>();
        var causes = new List<(string? Output, string? Key)>();
        // Outputs a check could not make because something graded elsewhere is missing: one line per reason.
        var blocked = outputs.Where(o => o.BlockedBy is not null).GroupBy(o => o.Text.TrimEnd()).ToList();
        foreach (var reason in blocked)
            messages.Add($"{string.Join(", ", reason.Select(o => o.Name))}: not checked. {reason.Key}");
        var blockers = blocked.SelectMany(reason => reason.Select(o => o.BlockedBy!)).Distinct().ToList();
        foreach (var output in outputs.Where(o => o.BlockedBy is null))
        {
            if (!expected.TryGetValue(output.Name, out var text))
            {
                messages.Add($"{output.Name}: no expected output of this name exists.");
                causes.Add((output.Name, null));
                continue;
            }
            var (want, got) = (Scrub.MigrationNames(text), Scrub.MigrationNames(Scrub.Lines(output.Text)));
            if (want == got)
                continue;
            if (output.Keyed)
            {
                var difference = KeyedText.Compare(want, got);
                if (difference.Keys.Count == 0)
                    continue;
                messages.Add($"{output.Name}: differs from the expected output.\n{Shorten(difference.Diff)}".TrimEnd());
                causes.AddRange(difference.Keys.Select(key => ((string?)output.Name, (string?)key)));
            }
            else
            {
                messages.Add($"{output.Name}: differs from the expected output.\n{Shorten(TextDiff.Lines(want, got))}".TrimEnd());
                causes.Add((output.Name, null));
            }
        }
        foreach (var name in expected.Keys.Except(outputs.Select(o => o.Name)).Order(StringComparer.Ordinal))
        {
            messages.Add($"{name}: was expected and not produced.\n{Shorten(TextDiff.Lines(expected[name], ""))}".TrimEnd());
            causes.Add((name, null));
        }
        if (messages.Count == 0)
            return new CheckResult(check.Name, Status.Pass, "", []);
        var differing = causes.Where(c => c.Output is not null).Select(c => c.Output!).ToHashSet();
        messages.InsertRange(0, Pitfalls.Recognise(check.Name, outputs, differing).Select(line => "Pitfall: " + line));
        var hints = Hints(info, check.Name, causes, blockers);
        return new CheckResult(check.Name, Status.Fail, string.Join("\n\n", messages), hints);
    }

    // A whole missing file as a diff drowns the rest of the report: its first lines say enough.
    static string Shorten(string diff)
    {
        const int MaxLines = 25;
        var lines = diff.TrimEnd('\n').Split('\n');
        return lines.Length <= MaxLines ? diff : string.Join('\n', lines.Take(MaxLines)) + $"\n... ({lines.Length - MaxLines} more lines)\n";
    }

    /// <summary>
    /// The hints of the steps that own the differences (see <see cref="ChapterInfo.StepsFor"/>) and of the steps that own
    /// what blocked an output, each once, the step that owns a difference most closely first (then in step order); advice
    /// to compare with the previous solution when no step owns them.
    /// </summary>
    IReadOnlyList<Hint> Hints(ChapterInfo info, string check, IEnumerable<(string? Output, string? Key)> causes, IEnumerable<string>? blockers = null)
    {
        var steps = causes.SelectMany(cause => info.StepsFor(check, cause.Output, cause.Key))
            .Concat((blockers ?? []).SelectMany(blocker => StepsOf(info, blocker)))
            .GroupBy(match => match.Step.Id)
            .Select(group => (Step: group.First().Step, Closeness: group.Max(match => match.Closeness)))
            .OrderByDescending(match => match.Closeness)
            .ThenBy(match => match.Step.Id, StringComparer.Ordinal)
            .Select(match => match.Step)
            .ToList();
        if (steps.Count > 0)
            return steps.Select(step => new Hint(step.Id, step.Title, step.Hint)).ToList();
        var earlier = manifest.Previous(info)?.Folder ?? info.Folder;
        return [new Hint("", "", $"No step of this chapter changes what '{check}' checks: it passed when the chapter started. "
            + $"Compare your files with solutions/{earlier}.")];
    }

    /// <summary>The steps a reference in the manifest's form (<c>check/output#key</c>) points to.</summary>
    static IReadOnlyList<(StepInfo Step, int Closeness)> StepsOf(ChapterInfo info, string reference)
    {
        var hash = reference.IndexOf('#');
        var path = hash < 0 ? reference : reference[..hash];
        var slash = path.IndexOf('/');
        return info.StepsFor(slash < 0 ? path : path[..slash], slash < 0 ? null : path[(slash + 1)..], hash < 0 ? null : reference[(hash + 1)..]);
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
