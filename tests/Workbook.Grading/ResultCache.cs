using System.Security.Cryptography;

namespace Workbook.Grading;

/// <summary>
/// Keeps the last result of grading a chapter, keyed by everything the result depends on, so that checking an
/// unchanged chapter again costs a few file reads instead of a build and a run. The key covers the chapter's files
/// (<see cref="ChapterBuild.Fingerprint"/>), the expectations it is graded against (the manifest and the chapter's
/// snapshots), the grading library itself, the chapter's <c>app.db</c> when a check reads it, the learner's
/// <c>DATABASE_URL</c> settings (which the report mentions) and how it was asked to grade. Any change to one of them is
/// a miss. The result lives in the chapter's workbench (<see cref="Running.Workbench"/>), the grader's own folder, never in
/// the learner's. Only a result that the chapter's inputs decide is kept: one with a check that could not run (a limit
/// reached, no server) is graded again next time.
/// </summary>
public static class ResultCache
{
    const string CacheFile = "result.json";

    static readonly JsonSerializerOptions Json = new()
    {
        Converters = { new JsonStringEnumConverter() },
        TypeInfoResolver = GradingJson.Resolver,
    };

    /// <summary>The key of a grading: a lower-case hex SHA-256 of its inputs.</summary>
    /// <param name="chapter">The chapter graded.</param>
    /// <param name="info">The chapter whose expectations apply.</param>
    /// <param name="root">The workbook whose manifest and snapshots are the expectations.</param>
    /// <param name="configuration">The MSBuild configuration.</param>
    /// <param name="skipChapterDatabase">Whether the checks of the chapter's own <c>app.db</c> are left out.</param>
    public static string Key(Chapter chapter, ChapterInfo info, string root, string configuration, bool skipChapterDatabase)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        void AddFile(string path)
        {
            Add(path);
            if (File.Exists(path))
                hash.AppendData(SHA256.HashData(File.ReadAllBytes(path)));
        }
        Add(ChapterBuild.Fingerprint(chapter, configuration, root));
        Add($"graded as {info.Folder}, skip app.db: {skipChapterDatabase}");
        Add(typeof(ResultCache).Assembly.ManifestModule.ModuleVersionId.ToString());
        AddFile(Path.Combine(root, WorkbookLayout.ManifestFile));
        var snapshots = Expectations.Folder(root);
        if (Directory.Exists(snapshots))
            foreach (var file in Directory.GetFiles(snapshots, info.Folder + ".*.snap").Order(StringComparer.Ordinal))
                AddFile(file);
        if (!skipChapterDatabase)
            foreach (var file in new[] { "app.db", "app.db-wal" })
                AddFile(Path.Combine(chapter.Folder, file));
        foreach (var setting in LearnerEnvironment.DatabaseUrlSettings(chapter))
            Add($"{setting.Source}: {setting.Target}");
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The result stored under <paramref name="key"/> in <paramref name="bench"/>, or null when there is none.</summary>
    public static ChapterResult? Find(Running.Workbench bench, string key)
    {
        try
        {
            var entry = JsonSerializer.Deserialize<Entry>(File.ReadAllText(bench[CacheFile]), Json);
            return entry?.Key == key ? entry.Result : null;
        }
        catch (Exception error) when (error is IOException or JsonException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Stores <paramref name="result"/> under <paramref name="key"/> in <paramref name="bench"/>, replacing what it had, when
    /// the chapter's inputs decide it (no check of it is an error); a workbench that cannot be written keeps no result.
    /// </summary>
    public static void Store(Running.Workbench bench, string key, ChapterResult result)
    {
        if (result.Status == Status.Error || result.Checks.Any(check => check.Status == Status.Error))
            return;
        try
        {
            File.WriteAllText(bench[CacheFile], JsonSerializer.Serialize(new Entry(key, result), Json));
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be written only costs time.
        }
    }

    internal sealed record Entry(string Key, ChapterResult Result);
}
