namespace Workbook.Checks;

/// <summary>The named checks a chapter can list in the manifest, and how to run them.</summary>
public static class Checks
{
    /// <summary>
    /// Every check by the name the manifest uses. Each takes a loaded chapter and returns the outputs to
    /// compare with that chapter's snapshots; see the methods behind each entry for what they hold.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, Func<ChapterAssembly, Task<IReadOnlyList<Output>>>> Catalog =
        new Dictionary<string, Func<ChapterAssembly, Task<IReadOnlyList<Output>>>>
        {
            ["configuration"] = ProgramChecks.Configuration,
            ["model"] = c => Task.FromResult(ModelChecks.Model(c)),
            ["migrations"] = c => Task.FromResult(MigrationChecks.Code(c)),
            ["scripts"] = c => Task.FromResult(MigrationChecks.Scripts(c)),
            ["schema"] = c => Task.FromResult(MigrationChecks.Schema(c)),
            ["pending-model-changes"] = c => Task.FromResult(MigrationChecks.PendingModelChanges(c)),
            ["keeps-rows"] = c => Task.FromResult(MigrationChecks.KeepsRows(c)),
            ["play"] = ProgramChecks.Play,
            ["shell"] = ProgramChecks.Shell,
        };

    /// <summary>Runs the check named <paramref name="check"/> on <paramref name="chapter"/>.</summary>
    /// <param name="check">A key of <see cref="Catalog"/>.</param>
    /// <param name="chapter">The loaded chapter.</param>
    /// <returns>The outputs, each named as its snapshot is.</returns>
    /// <exception cref="KeyNotFoundException">No check has that name.</exception>
    public static Task<IReadOnlyList<Output>> RunAsync(string check, ChapterAssembly chapter) =>
        Catalog.TryGetValue(check, out var run)
            ? run(chapter)
            : throw new KeyNotFoundException($"There is no check named '{check}'; the known ones are {string.Join(", ", Catalog.Keys)}.");
}
