namespace Workbook.Grading.Record;

/// <summary>
/// The contents of <c>workbook.json</c>: the chapters in order, their exercise steps and hints, the checks
/// each chapter must pass and the files that hold each starter's scaffolding. Every tool reads the chapter
/// list from here, so it is written down once.
/// </summary>
/// <param name="Chapters">The chapters, first to last.</param>
public sealed record Manifest(IReadOnlyList<ChapterInfo> Chapters)
{
    static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, TypeInfoResolver = GradingJson.Resolver };

    /// <summary>Reads the manifest at the root of the workbook.</summary>
    /// <param name="root">The repository root (see <see cref="WorkbookLayout.FindRoot"/>).</param>
    /// <returns>The parsed manifest.</returns>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="JsonException">The file is not a manifest.</exception>
    public static Manifest Load(string root)
    {
        var text = File.ReadAllText(Path.Combine(root, WorkbookLayout.ManifestFile));
        var manifest = JsonSerializer.Deserialize<Manifest>(text, Json);
        if (manifest?.Chapters is not { Count: > 0 })
            throw new JsonException($"{WorkbookLayout.ManifestFile} lists no chapters.");
        return manifest;
    }

    /// <summary>The chapter whose folder name is <paramref name="folder"/>, such as <c>03-first-migration</c>.</summary>
    /// <exception cref="KeyNotFoundException">No chapter has that folder name.</exception>
    public ChapterInfo this[string folder] =>
        Find(folder) ?? throw new KeyNotFoundException($"{WorkbookLayout.ManifestFile} has no chapter '{folder}'.");

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
/// <param name="Checks">
/// The graded checks this chapter must pass, for a learner and for the solution alike (see <see cref="CheckCatalog.Catalog"/>),
/// in the order they are reported.
/// </param>
/// <param name="Snapshots">The checks whose text only the solution is held to: what <c>dotnet ef</c> wrote and prints.</param>
/// <param name="Scaffolding">
/// The files, relative to the chapter folder with '/' separators, where the starter differs from the previous
/// chapter's solution (for the first chapter: the files the starter gives).
/// </param>
/// <param name="Steps">The exercise steps, in order.</param>
public sealed record ChapterInfo(
    string Folder, string Title, IReadOnlyList<string> Checks, IReadOnlyList<string>? Snapshots,
    IReadOnlyList<string> Scaffolding, IReadOnlyList<StepInfo> Steps)
{
    /// <summary>
    /// The ids of the migrations the chapter's starter comes with (of its main DbContext), in order: the workbook's record
    /// of them, which the checks use to tell the starter's migrations from the learner's. Never counted from a chapter
    /// folder, which in a learner's clone holds the learner's own migrations too.
    /// </summary>
    public IReadOnlyList<string> StarterMigrations { get; init; } = [];

    /// <summary>
    /// The statements a check pipes into the chapter's shell (<c>dotnet run -- shell</c>), one a line, as a learner types
    /// them; empty for a chapter without a shell.
    /// </summary>
    public IReadOnlyList<string> ShellSession { get; init; } = [];

    /// <summary>What a check pipes into the shell: <see cref="ShellSession"/>, each statement ending with a line break.</summary>
    public string ShellInput => string.Concat(ShellSession.Select(statement => statement + "\n"));

    /// <summary>
    /// The properties this chapter has renamed since the chapter that made them, by <c>Entity.Property</c> as first made
    /// (<c>Comment.Body</c>) to their name here (<c>Text</c>), so that the checks that probe an entity type use its names.
    /// </summary>
    public IReadOnlyDictionary<string, string> RenamedProperties { get; init; } = new Dictionary<string, string>();

    /// <summary>The name of <paramref name="entity"/>'s property first named <paramref name="property"/>, in this chapter (see <see cref="RenamedProperties"/>).</summary>
    /// <param name="entity">The entity type's name, such as <c>Comment</c>.</param>
    /// <param name="property">The property's first name, such as <c>Body</c>.</param>
    public string PropertyName(string entity, string property) =>
        RenamedProperties.TryGetValue($"{entity}.{property}", out var renamed) ? renamed : property;

    /// <summary>
    /// SQL statements that fill a database migrated to the starter's last migration with the rows the chapter before left
    /// it holding (users with capitals and spaces in their emails, one without comments, comments at known times), for the
    /// checks that grade what the chapter's migrations do to data; empty when no check needs them.
    /// </summary>
    public IReadOnlyList<string> SeedRows { get; init; } = [];

    /// <summary>The rows the <c>keeps-rows</c> check saves at the starter's last migration and reads after the chapter's; null when it is not listed.</summary>
    public KeptRows? KeptRows { get; init; }

    /// <summary>
    /// The steps a difference points to, closest first: every step with a reference that matches it. A step names what
    /// it changes as a check (<c>model</c>), one output of it (<c>configuration/unset.txt</c>), or the lines of a keyed
    /// output whose key starts with a prefix (<c>model/schema.txt#User index</c>, which matches <c>User index (Email)</c>;
    /// a prefix matches a key equal to it or followed by '.', ' ' or '('). A prefix is closer than an output, a longer
    /// prefix closer than a shorter one, an output closer than a whole check; steps equally close come in step order.
    /// </summary>
    /// <param name="check">The check, such as <c>model</c>.</param>
    /// <param name="output">
    /// The output that differs, such as <c>schema.txt</c>, or null for the check as a whole (a check that could not
    /// finish), which every step that names the check or one of its outputs owns.
    /// </param>
    /// <param name="key">The key of the line that differs in a keyed output, or null.</param>
    /// <returns>Each matching step once, with how close its closest reference is (higher is closer).</returns>
    public IReadOnlyList<(StepInfo Step, int Closeness)> StepsFor(string check, string? output = null, string? key = null) =>
        Steps
            .Select(step => (Step: step, Closeness: step.Checks.Select(reference => Score(reference, check, output, key)).DefaultIfEmpty(-1).Max()))
            .Where(s => s.Closeness >= 0)
            .OrderByDescending(s => s.Closeness)
            .ThenBy(s => s.Step.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>The steps a reference in the manifest's form (<c>check/output#key</c>) points to, closest first.</summary>
    /// <param name="reference">Such as <c>model/schema.txt#User table</c>, <c>configuration/unset.txt</c> or <c>migrations</c>.</param>
    public IReadOnlyList<(StepInfo Step, int Closeness)> StepsOf(string reference)
    {
        var (check, output, key) = StepReference.Parse(reference);
        return StepsFor(check, output, key);
    }

    /// <summary>How closely <paramref name="reference"/> matches a difference: -1 not at all, higher is closer.</summary>
    /// <param name="reference">A step's reference, such as <c>model/schema.txt#User index</c>.</param>
    /// <param name="check">The check that differs.</param>
    /// <param name="output">The output that differs, or null for the check as a whole.</param>
    /// <param name="key">The key of the line that differs in a keyed output, or null.</param>
    public static int Score(string reference, string check, string? output, string? key)
    {
        var (refCheck, refOutput, prefix) = StepReference.Parse(reference);
        if (refCheck != check)
            return -1;
        if (output is null)
            return 0;
        if (refOutput is null)
            return prefix is null ? 0 : -1;
        if (refOutput != output)
            return -1;
        if (prefix is null)
            return 1;
        var matches = key is not null && key.StartsWith(prefix, StringComparison.Ordinal)
            && (key.Length == prefix.Length || key[prefix.Length] is '.' or ' ' or '(');
        return matches ? 2 + prefix.Length : -1;
    }
}

/// <summary>What the <c>keeps-rows</c> check does to a table, in the manifest (<see cref="ChapterInfo.KeptRows"/>).</summary>
/// <param name="Table">The table, as the report names it, such as <c>Users</c>.</param>
/// <param name="Insert">The SQL that saves the rows, in the schema of the starter's migrations.</param>
/// <param name="Select">The SQL that reads them back, the same before and after, in a fixed order of rows and columns.</param>
public sealed record KeptRows(string Table, string Insert, string Select);

/// <summary>One exercise step of a chapter.</summary>
/// <param name="Id">The step's number, <c>chapter.step</c>, such as <c>2.1</c>; TODO comments name it as <c>TODO 2.1</c>.</param>
/// <param name="Title">What the step achieves, in a few words.</param>
/// <param name="Checks">
/// What the step changes, and so which failures point to it: checks (<c>model</c>), single outputs
/// (<c>configuration/unset.txt</c>) or the keyed lines of an output (<c>model/schema.txt#User index</c>); see
/// <see cref="ChapterInfo.StepsFor"/>.
/// </param>
/// <param name="Hint">What to do when those checks fail.</param>
public sealed record StepInfo(string Id, string Title, IReadOnlyList<string> Checks, string Hint);

/// <summary>A reference to what a step changes, in the manifest's form: <c>check</c>, <c>check/output</c> or <c>check/output#key prefix</c>.</summary>
public static class StepReference
{
    /// <summary>Splits a reference into its check, its output (or null) and its key prefix (or null).</summary>
    /// <param name="reference">Such as <c>model/schema.txt#User index</c>.</param>
    public static (string Check, string? Output, string? KeyPrefix) Parse(string reference)
    {
        var hash = reference.IndexOf('#');
        var path = hash < 0 ? reference : reference[..hash];
        var slash = path.IndexOf('/');
        return (slash < 0 ? path : path[..slash], slash < 0 ? null : path[(slash + 1)..], hash < 0 ? null : reference[(hash + 1)..]);
    }
}
