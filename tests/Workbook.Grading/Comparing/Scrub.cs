using System.Text.RegularExpressions;

namespace Workbook.Grading.Comparing;

/// <summary>
/// Removes from an output what changes from machine to machine and run to run, so that the same
/// chapter gives the same text anywhere: paths, times, durations, migration timestamps and EF Core's
/// version. Each method takes and returns text with any line endings and returns '\n' endings.
/// </summary>
public static partial class Scrub
{
    /// <summary>
    /// Applies every rule: <paramref name="folders"/> become their placeholders (longest path first),
    /// then <see cref="Volatile"/>.
    /// </summary>
    /// <param name="text">The raw output.</param>
    /// <param name="folders">Absolute folder paths and the placeholder each becomes, such as
    /// <c>("/home/ann/workbook/solutions/03-first-migration", "{chapter}")</c>.</param>
    public static string All(string text, params (string Path, string Placeholder)[] folders)
    {
        text = Lines(text);
        foreach (var (path, placeholder) in folders.OrderByDescending(f => f.Path.Length))
            text = text.Replace(Path.TrimEndingDirectorySeparator(path), placeholder);
        return Volatile(text);
    }

    /// <summary>Removes a byte order mark, turns "\r\n" into "\n" and ends the text with exactly one "\n".</summary>
    public static string Lines(string text) => text.TrimStart('\uFEFF').ReplaceLineEndings("\n").TrimEnd('\n') + "\n";

    /// <summary>
    /// Replaces migration timestamps (<c>20261123090153_UsersTable</c> becomes <c>{id}_UsersTable</c>),
    /// EF Core's version where a migration records it (<c>ProductVersion</c>, <c>__EFMigrationsHistory</c>
    /// rows), ISO 8601 times (<c>{utc-time}</c>) and the durations EF Core logs (<c>(0ms)</c> becomes <c>(Nms)</c>).
    /// </summary>
    public static string Volatile(string text)
    {
        text = MigrationId().Replace(text, "{id}_");
        text = ProductVersion().Replace(text, "${head}{ef-version}\"");
        text = HistoryRow().Replace(text, "${head}'{ef-version}')");
        text = IsoTime().Replace(text, "{utc-time}");
        return Duration().Replace(text, "(Nms)");
    }

    /// <summary>
    /// Replaces every list of migration ids or scrubbed ids with one placeholder (<c>20261123090153_UsersTable</c> and
    /// <c>{id}_UsersTable, {id}_CommentsTable</c> both become <c>{migrations}</c>), for comparing what a learner's chapter
    /// printed with what the solution printed: a migration's name and time, and how many migrations a change takes,
    /// are the learner's to choose (what the migrations do is graded by the <c>migrations</c> check).
    /// </summary>
    public static string MigrationNames(string text) => MigrationList().Replace(text, "{migrations}");

    [GeneratedRegex(@"(\b\d{14}|\{id\})_\w+(, (\b\d{14}|\{id\})_\w+)*")]
    private static partial Regex MigrationList();

    [GeneratedRegex(@"\b\d{14}_")]
    private static partial Regex MigrationId();

    [GeneratedRegex(@"(?<head>""ProductVersion"",\s*"")[^""]+""")]
    private static partial Regex ProductVersion();

    [GeneratedRegex(@"(?<head>\('\{id\}_\w+',\s*)'[^']+'\)")]
    private static partial Regex HistoryRow();

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?")]
    private static partial Regex IsoTime();

    [GeneratedRegex(@"\(\d+ms\)")]
    private static partial Regex Duration();
}
