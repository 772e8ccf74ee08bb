using System.Text.Json;

namespace Workbook.Checks;

/// <summary>
/// The contents of <c>workbook.json</c>: the chapters in order, their exercise steps and hints, the checks
/// each chapter must pass and the files that hold each starter's scaffolding. Every tool reads the chapter
/// list from here, so it is written down once.
/// </summary>
/// <param name="Chapters">The chapters, first to last.</param>
public sealed record Manifest(IReadOnlyList<ChapterInfo> Chapters)
{
    static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Reads the manifest at the root of the workbook.</summary>
    /// <param name="root">The repository root (see <see cref="Workspace.FindRoot"/>).</param>
    /// <returns>The parsed manifest.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="JsonException">The file is not a manifest.</exception>
    public static Manifest Load(string root)
    {
        var text = File.ReadAllText(Path.Combine(root, Workspace.ManifestFile));
        var manifest = JsonSerializer.Deserialize<Manifest>(text, Json);
        if (manifest?.Chapters is not { Count: > 0 })
            throw new JsonException($"{Workspace.ManifestFile} lists no chapters.");
        return manifest;
    }

    /// <summary>The chapter whose folder name is <paramref name="folder"/>, such as <c>03-first-migration</c>.</summary>
    /// <exception cref="KeyNotFoundException">No chapter has that folder name.</exception>
    public ChapterInfo this[string folder] =>
        Find(folder) ?? throw new KeyNotFoundException($"{Workspace.ManifestFile} has no chapter '{folder}'.");

    /// <summary>The chapter whose folder name is <paramref name="folder"/>, or null.</summary>
    public ChapterInfo? Find(string folder) => Chapters.FirstOrDefault(c => c.Folder == folder);

    /// <summary>The chapter before <paramref name="chapter"/>, or null for the first.</summary>
    public ChapterInfo? Previous(ChapterInfo chapter)
    {
        var index = Chapters.ToList().FindIndex(c => c.Folder == chapter.Folder);
        return index > 0 ? Chapters[index - 1] : null;
    }
}

/// <summary>One chapter as the manifest lists it.</summary>
/// <param name="Folder">The folder name, the same under <c>chapters/</c> and <c>solutions/</c>, such as <c>02-user-model</c>.</param>
/// <param name="Title">The title shown to a learner.</param>
/// <param name="Checks">The names of the checks this chapter must pass (see <see cref="Checks.Catalog"/>), in the order they are reported.</param>
/// <param name="Scaffolding">
/// The files, relative to the chapter folder with '/' separators, where the starter differs from the previous
/// chapter's solution (for the first chapter: the files the starter gives).
/// </param>
/// <param name="Steps">The exercise steps, in order.</param>
public sealed record ChapterInfo(
    string Folder, string Title, IReadOnlyList<string> Checks, IReadOnlyList<string> Scaffolding, IReadOnlyList<StepInfo> Steps)
{
    /// <summary>
    /// The steps that a failure of <paramref name="check"/> in <paramref name="output"/> points to: the steps
    /// that name that output (<c>check/output</c>) and the steps that name the whole check.
    /// </summary>
    /// <param name="check">A check name, such as <c>configuration</c>.</param>
    /// <param name="output">An output name of that check, such as <c>unset.txt</c>, or null for the check as a whole.</param>
    public IEnumerable<StepInfo> StepsFor(string check, string? output = null) =>
        Steps.Where(step => step.Checks.Contains(check) || (output is not null && step.Checks.Contains($"{check}/{output}")));
}

/// <summary>One exercise step of a chapter.</summary>
/// <param name="Id">The step's number, <c>chapter.step</c>, such as <c>2.1</c>; TODO comments name it as <c>TODO 2.1</c>.</param>
/// <param name="Title">What the step achieves, in a few words.</param>
/// <param name="Checks">The checks (<c>model</c>) or single outputs (<c>configuration/unset.txt</c>) that show the step is done.</param>
/// <param name="Hint">What to do when those checks fail.</param>
public sealed record StepInfo(string Id, string Title, IReadOnlyList<string> Checks, string Hint);
