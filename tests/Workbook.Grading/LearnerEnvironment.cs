using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Workbook.Grading;

/// <summary>
/// The learner's own settings, and the clean environment the grading runs in instead. A verdict must not depend on
/// the machine: the learner's <c>DATABASE_URL</c> (environment or user secrets), home folder, culture and time zone
/// are recorded once, then kept away from every chapter the grading runs, in this process and in child processes.
/// </summary>
public static partial class LearnerEnvironment
{
    static readonly Lock Gate = new();
    static string? isolatedHome;
    static bool ignoreLearnerSettings;

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
    /// An empty home folder for this process, made on first use: no user secrets are found there. It lives as long
    /// as the machine's temp folder keeps it.
    /// </summary>
    public static string IsolatedHome
    {
        get
        {
            lock (Gate)
            {
                if (isolatedHome is null)
                {
                    isolatedHome = Path.Combine(Path.GetTempPath(), $"workbook-home-{Environment.ProcessId}");
                    Directory.CreateDirectory(isolatedHome);
                }
                return isolatedHome;
            }
        }
    }

    /// <summary>
    /// Keeps the learner's settings away from chapter code run in this process (design-time factories call
    /// <c>Config.Load()</c>, which reads <c>DATABASE_URL</c> from the environment and from user secrets under
    /// <c>HOME</c> or <c>APPDATA</c>): removes <c>DATABASE_URL</c>, points <c>HOME</c> at <see cref="IsolatedHome"/>,
    /// removes <c>APPDATA</c>, and makes the invariant culture the default for formatting. Call it once, at start-up,
    /// before any chapter is loaded; the learner's values stay readable through this class's fields.
    /// </summary>
    /// <param name="reportLearnerSettings">
    /// False for a process that must behave as on a machine with no settings at all (the test suite): then
    /// <see cref="DatabaseUrlSettings"/> finds none, so that no report mentions the machine's.
    /// </param>
    public static void IsolateThisProcess(bool reportLearnerSettings = true)
    {
        ignoreLearnerSettings = !reportLearnerSettings;
        _ = RealHome;
        _ = RealAppData;
        _ = DatabaseUrlInEnvironment;
        _ = PackagesFolder;
        _ = UILanguage;
        Environment.SetEnvironmentVariable("DATABASE_URL", null);
        Environment.SetEnvironmentVariable("APPDATA", null);
        Environment.SetEnvironmentVariable("HOME", IsolatedHome);
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
    }

    /// <summary>
    /// The environment for the SDK's own commands (<c>dotnet build</c>, <c>dotnet tool</c>): the learner's home (its
    /// NuGet configuration and package folder), no <c>DATABASE_URL</c>. The UI language stays the learner's unless
    /// <c>WORKBOOK_UI_LANGUAGE</c> pins it (the test suite pins English, so that its snapshots hold on any machine); it
    /// is passed as <c>DOTNET_CLI_UI_LANGUAGE</c> even when only <c>LANG</c> sets it, because a build server started
    /// under another language would otherwise answer in that one.
    /// </summary>
    public static Dictionary<string, string?> ForSdk() => new()
    {
        ["DATABASE_URL"] = null,
        ["HOME"] = RealHome,
        ["APPDATA"] = RealAppData,
        ["NUGET_PACKAGES"] = PackagesFolder,
        ["DOTNET_CLI_UI_LANGUAGE"] = Environment.GetEnvironmentVariable("WORKBOOK_UI_LANGUAGE")
            ?? Environment.GetEnvironmentVariable("DOTNET_CLI_UI_LANGUAGE") ?? UILanguage ?? "en",
    };

    /// <summary>
    /// The environment for a command that runs chapter code (the built program, <c>dotnet ef</c>): <paramref name="home"/>
    /// as its home (so no user secret of the machine is found), <c>DATABASE_URL</c> as given (removed when null),
    /// the learner's NuGet package folder and .NET CLI home (where <c>dotnet tool restore</c> recorded the local tools,
    /// such as <c>dotnet ef</c>), UTC and the invariant culture (the C locale), so that what it prints does not depend on
    /// the machine. Globalization stays on (no <c>DOTNET_SYSTEM_GLOBALIZATION_INVARIANT</c>): a command that builds may
    /// start the SDK's build servers, which keep the environment they started in, and a compiler server without
    /// globalization refuses every later build's language (<c>warning CS2038: The language name 'en' is invalid</c>).
    /// Run a built program with <see cref="ForBuiltProgram"/>.
    /// </summary>
    /// <param name="home">An existing folder to be the command's home, such as a temp folder.</param>
    /// <param name="databaseUrl">The <c>DATABASE_URL</c> to set, or null for none.</param>
    public static Dictionary<string, string?> ForChapterCode(string home, string? databaseUrl = null) => new()
    {
        ["LC_ALL"] = "C.UTF-8",
        ["LANG"] = "C.UTF-8",
        ["DATABASE_URL"] = databaseUrl,
        ["HOME"] = home,
        ["APPDATA"] = null,
        ["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") ?? RealHome,
        ["NUGET_PACKAGES"] = PackagesFolder,
        ["TZ"] = "UTC",
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
    };

    /// <summary>
    /// The environment for a built chapter program run directly (<c>dotnet Blog.dll</c>, which builds nothing):
    /// <see cref="ForChapterCode"/> with .NET's invariant globalization mode too, so that its culture is the invariant
    /// one on every operating system, Windows included, where the C locale means nothing; and with the JIT's dynamic
    /// profile-guided optimization off (<c>DOTNET_TieredPGO=0</c>), which pays off only in a process that runs for long:
    /// a chapter program runs for a second or two, which the instrumentation only lengthens (chapter 05's shell session,
    /// 2.65 s with it and 2.43 s without, best of three on 2 cores). Neither changes what the program does.
    /// </summary>
    /// <param name="home">An existing folder to be the program's home, such as a temp folder.</param>
    /// <param name="databaseUrl">The <c>DATABASE_URL</c> to set, or null for none.</param>
    public static Dictionary<string, string?> ForBuiltProgram(string home, string? databaseUrl = null)
    {
        var environment = ForChapterCode(home, databaseUrl);
        environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        environment["DOTNET_TieredPGO"] = "0";
        return environment;
    }

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
        if (ignoreLearnerSettings)
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

    /// <summary>Says where a <c>DATABASE_URL</c> points without repeating a password: a SQLite file's path, or a server's engine, host and database.</summary>
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
        return Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Host.Length > 0
            ? $"a {scheme} database on {uri.Host}{(uri.IsDefaultPort || uri.Port < 0 ? "" : ":" + uri.Port)}{uri.AbsolutePath}"
            : $"a {scheme} database";
    }

    [GeneratedRegex(@"<UserSecretsId>(?<id>[^<]+)</UserSecretsId>")]
    private static partial Regex UserSecretsId();
}

/// <summary>One place where the learner set <c>DATABASE_URL</c>.</summary>
/// <param name="Source">Where it is set, as words: <c>your environment</c> or <c>your user secrets</c>.</param>
/// <param name="Target">What it points to, without a password: <c>the SQLite file /home/ann/blog.db</c>.</param>
public sealed record LearnerSetting(string Source, string Target);
