using System.Text.Json;

namespace Workbook.Checks;

/// <summary>
/// The contents of <c>workbook.json</c>: the chapters in order and the checks each one must pass.
/// Every tool reads the chapter list from here, so it is written down once.
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
        Chapters.FirstOrDefault(c => c.Folder == folder)
        ?? throw new KeyNotFoundException($"{Workspace.ManifestFile} has no chapter '{folder}'.");
}

/// <summary>One chapter as the manifest lists it.</summary>
/// <param name="Folder">The folder name, the same under <c>chapters/</c> and <c>solutions/</c>, such as <c>02-user-model</c>.</param>
/// <param name="Title">The title shown to a learner.</param>
/// <param name="Checks">The names of the checks this chapter must pass (see <see cref="Checks.Catalog"/>).</param>
public sealed record ChapterInfo(string Folder, string Title, IReadOnlyList<string> Checks);
