using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Workbook.Grading.Running;

/// <summary>
/// The learner's own settings, read once when this process starts: where their home and NuGet packages are, the language
/// their SDK speaks, and where their <c>DATABASE_URL</c> (environment or user secrets) would send a chapter. None of it
/// reaches learner code, which runs with an environment of its own (<see cref="Running.ChildEnvironment"/>); the report says
/// when a setting of theirs was ignored.
/// </summary>
public static partial class LearnerEnvironment
{

    /// <summary>The learner's home folder as it was when this process started (<c>HOME</c>, else the user profile).</summary>
    public static readonly string RealHome =
        Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>The learner's <c>APPDATA</c> when this process started (set on Windows), where user secrets live there.</summary>
    public static readonly string? RealAppData = Environment.GetEnvironmentVariable("APPDATA");

    /// <summary>The <c>DATABASE_URL</c> of the learner's environment when this process started, or null.</summary>
    public static readonly string? DatabaseUrlInEnvironment =
        Environment.GetEnvironmentVariable("DATABASE_URL") is { Length: > 0 } url ? url : null;

    /// <summary>
    /// The learner's UI language when this process started (from <c>LANG</c>/<c>LC_ALL</c> on Linux and macOS, the
    /// display language on Windows), or null when it is the invariant one (<c>LANG=C</c>, which the SDK shows in English).
    /// </summary>
    public static readonly string? UILanguage =
        CultureInfo.CurrentUICulture.Name is { Length: > 0 } name ? name : null;

    /// <summary>
    /// The NuGet package folder the learner's builds use: <c>NUGET_PACKAGES</c>, else <c>~/.nuget/packages</c> of
    /// <see cref="RealHome"/>. Child processes get it explicitly, so that a home folder of their own still finds the packages.
    /// </summary>
    public static readonly string PackagesFolder =
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } packages
            ? packages
            : Path.Combine(RealHome, ".nuget", "packages");

    /// <summary>
    /// The UI language the SDK's messages come in for this learner: <c>WORKBOOK_UI_LANGUAGE</c> when set (the test suite
    /// pins English, so that its snapshots hold on any machine), else the learner's <c>DOTNET_CLI_UI_LANGUAGE</c>, else the
    /// language of their culture (<see cref="UILanguage"/>), else English. The grader passes it to the builds it runs as
    /// <c>DOTNET_CLI_UI_LANGUAGE</c>, since a build in the sandbox sees none of the learner's variables.
    /// </summary>
    public static string SdkLanguage =>
        Environment.GetEnvironmentVariable("WORKBOOK_UI_LANGUAGE") is { Length: > 0 } pinned ? pinned
        : DotnetUiLanguage ?? UILanguage ?? "en";

    /// <summary>The learner's <c>DOTNET_CLI_UI_LANGUAGE</c> when this process started, or null.</summary>
    static readonly string? DotnetUiLanguage =
        Environment.GetEnvironmentVariable("DOTNET_CLI_UI_LANGUAGE") is { Length: > 0 } language ? language : null;

    /// <summary>
    /// False in a process that must behave as on a machine with no settings at all (the test suite): then
    /// <see cref="DatabaseUrlSettings"/> finds none, so that no report mentions the machine's.
    /// </summary>
    public static bool ReportLearnerSettings { get; set; } = true;

    /// <summary>
    /// Where the learner's own settings would send the chapter's app, for the report: one entry per place that sets
    /// <c>DATABASE_URL</c> (the environment, the user secrets of the chapter's <c>UserSecretsId</c>), with what it points
    /// to in words that never include a password. Empty when neither sets it, or when this process was isolated without
    /// reporting them.
    /// </summary>
    /// <param name="chapter">The chapter, whose project file names its <c>UserSecretsId</c>.</param>
    public static IReadOnlyList<LearnerSetting> DatabaseUrlSettings(Chapter chapter)
    {
        var settings = new List<LearnerSetting>();
        if (!ReportLearnerSettings)
            return settings;
        if (DatabaseUrlInEnvironment is { } fromEnvironment)
            settings.Add(new("your environment", Describe(fromEnvironment, chapter)));
        if (SecretsFile(chapter) is { } file && File.Exists(file))
        {
            try
            {
                var secret = new ConfigurationBuilder().AddJsonFile(file, optional: true).Build()["DATABASE_URL"];
                if (!string.IsNullOrWhiteSpace(secret))
                    settings.Add(new("your user secrets", Describe(secret, chapter)));
            }
            catch (Exception error) when (error is FormatException or InvalidDataException or IOException)
            {
                settings.Add(new("your user secrets", $"a secrets file that cannot be read ({file})"));
            }
        }
        return settings;
    }

    /// <summary>
    /// The one line the report shows when the learner's settings set <c>DATABASE_URL</c>, or null when they do not.
    /// </summary>
    /// <param name="chapter">The chapter checked.</param>
    public static string? IgnoredSettingsNote(Chapter chapter)
    {
        var settings = DatabaseUrlSettings(chapter);
        return settings.Count == 0
            ? null
            : $"DATABASE_URL is set in {string.Join(" and in ", settings.Select(s => s.Source))}: ignored while checking "
              + "(every check uses a database of its own).";
    }

    /// <summary>The user secrets file of the chapter's <c>UserSecretsId</c> under the learner's home, or null when the project names none.</summary>
    static string? SecretsFile(Chapter chapter)
    {
        string project;
        try
        {
            project = File.ReadAllText(chapter.ProjectFile);
        }
        catch (Exception error) when (error is FileNotFoundException or IOException)
        {
            return null;
        }
        if (UserSecretsId().Match(project) is not { Success: true } match)
            return null;
        var id = match.Groups["id"].Value.Trim();
        return RealAppData is { Length: > 0 } appData
            ? Path.Combine(appData, "Microsoft", "UserSecrets", id, "secrets.json")
            : Path.Combine(RealHome, ".microsoft", "usersecrets", id, "secrets.json");
    }

    /// <summary>
    /// Says where a <c>DATABASE_URL</c> points without repeating a password, whatever characters it holds: a SQLite file's
    /// path, or a server's engine, host and database.
    /// </summary>
    static string Describe(string url, Chapter chapter)
    {
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
            return "a value that is not a database URL";
        var scheme = url[..schemeEnd].ToLowerInvariant();
        if (scheme == "sqlite")
        {
            var path = url[(schemeEnd + 3)..];
            return path.Length <= 1
                ? "a SQLite URL with no file"
                : $"the SQLite file {Path.GetFullPath(path[1..], chapter.Folder)}";
        }
        // Only what follows the last '@' is shown, up to a query: a password may hold '/', ':' or '@', encoded or not, and a
        // URL parser would take part of such a password for the host or the path.
        var rest = url[(schemeEnd + 3)..];
        var server = rest[(rest.LastIndexOf('@') + 1)..].Split('?', '#')[0];
        return server.Length > 0 ? $"a {scheme} database on {server}" : $"a {scheme} database";
    }

    [GeneratedRegex(@"<UserSecretsId>(?<id>[^<]+)</UserSecretsId>")]
    private static partial Regex UserSecretsId();
}

/// <summary>One place where the learner set <c>DATABASE_URL</c>.</summary>
/// <param name="Source">Where it is set, as words: <c>your environment</c> or <c>your user secrets</c>.</param>
/// <param name="Target">What it points to, without a password: <c>the SQLite file /home/ann/blog.db</c>.</param>
public sealed record LearnerSetting(string Source, string Target);
