using System.Globalization;
using System.Runtime.CompilerServices;

namespace Workbook.Tests;

/// <summary>
/// Makes the suite's verdicts independent of the machine it runs on, before any test starts: the machine's
/// <c>DATABASE_URL</c>, user secrets and culture are kept away from the solutions this process loads (its home is
/// <see cref="Home"/>; the reports the tests snapshot do not mention the machine's settings either, see
/// <see cref="LearnerEnvironment.ReportLearnerSettings"/>), the grader's workbenches go to a cache folder of the run's own, and
/// the SDK commands the tests start print English, so that the compiler's messages in the snapshots read the same under
/// any UI language. The C# compiler server is on for every command the tests start, whatever this machine says, and is
/// shut down when the run ends where this machine had it off (<see cref="BuildServers"/>): the suite builds chapters some
/// hundred times, and the server keeps the compiler loaded between them. The MSBuild server is off for the commands the
/// tests start: it serves one build at a time, and a build that starts meanwhile prints "MSBuild server unavailable: could
/// not connect to the server within the timeout window; ..." and builds in-process (seen with SDK 10.0.401 when two
/// builds start together, as the tests' do), a line that would come and go in the outputs the tests compare. The commands
/// of one page, which run one after another, build on an MSBuild server of their own instead
/// (<see cref="OwnMSBuildServer"/>); the check command's watch mode turns the shared one on for its own builds, as it
/// does for a learner.
/// The processes the tests start, and the test host itself (see the project file), run without the JIT's dynamic
/// profile-guided optimization, which only pays off in a process that runs long, as the SDK's commands here do not
/// (figures in docs/maintainers.md); it changes how fast code runs,
/// never what it does. The MSBuild variables <c>dotnet test</c> gives its test host (<see cref="FromDotnetTest"/>) are
/// removed, so that the commands the tests start see what they would see in a learner's terminal.
/// </summary>
public static class TestEnvironment
{
    /// <summary>
    /// The MSBuild variables <c>dotnet test</c> sets for its test host (read from <c>/proc/&lt;testhost&gt;/environ</c>
    /// under SDK 10.0.401), which a learner's terminal does not have. <c>MSBUILDENSURESTDOUTFORTASKPROCESSES</c> makes
    /// <c>dotnet build</c> build without the MSBuild server; the others name the SDK's own folders, which MSBuild finds itself.
    /// </summary>
    public static readonly IReadOnlyList<string> FromDotnetTest =
    [
        "MSBUILDENSURESTDOUTFORTASKPROCESSES", "MSBuildSDKsPath", "MSBuildExtensionsPath", "MSBuildLoadMicrosoftTargetsReadOnly",
        "MSBUILDFAILONDRIVEENUMERATINGWILDCARD", "_MSBUILDTLENABLED",
    ];

    /// <summary>
    /// An empty home folder for the test run, deleted when it ends: the home of the test process itself (the solutions'
    /// design-time factories, run in this process, read user secrets under <c>HOME</c>) and of the commands the tests run
    /// as a learner would, so that no user secret of the machine is found.
    /// </summary>
    public static readonly string Home = Path.Combine(Path.GetTempPath(), $"workbook-tests-home-{Environment.ProcessId}");

    /// <summary>
    /// The environment for the SDK's own commands the tests run (<c>dotnet build</c>, <c>dotnet tool</c>): the machine's
    /// home (its NuGet configuration), its NuGet package folder, no <c>DATABASE_URL</c>, English messages.
    /// </summary>
    public static Dictionary<string, string?> ForSdk() => new()
    {
        ["DATABASE_URL"] = null,
        ["HOME"] = LearnerEnvironment.RealHome,
        ["APPDATA"] = LearnerEnvironment.RealAppData,
        ["NUGET_PACKAGES"] = LearnerEnvironment.PackagesFolder,
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
    };

    /// <summary>
    /// The environment for a command the tests run as a learner runs it that runs chapter code (<c>dotnet ef</c>,
    /// <c>dotnet run</c>): <paramref name="home"/> as its home (so no user secret of the machine is found), <c>DATABASE_URL</c>
    /// as given (removed when null), the machine's NuGet package folder and .NET CLI home (where <c>dotnet tool restore</c>
    /// recorded <c>dotnet ef</c>), UTC and the C locale. Globalization stays on: a command that builds may start the SDK's
    /// build servers, which keep the environment they started in.
    /// </summary>
    /// <param name="home">An existing folder to be the command's home; <see cref="Home"/> when null.</param>
    /// <param name="databaseUrl">The <c>DATABASE_URL</c> to set, or null for none.</param>
    public static Dictionary<string, string?> ForChapterCode(string? home = null, string? databaseUrl = null) => new()
    {
        ["LC_ALL"] = "C.UTF-8",
        ["LANG"] = "C.UTF-8",
        ["DATABASE_URL"] = databaseUrl,
        ["HOME"] = home ?? Home,
        ["APPDATA"] = null,
        ["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") ?? LearnerEnvironment.RealHome,
        ["NUGET_PACKAGES"] = LearnerEnvironment.PackagesFolder,
        ["TZ"] = "UTC",
        ["DOTNET_CLI_UI_LANGUAGE"] = "en",
    };

    [ModuleInitializer]
    internal static void Isolate()
    {
        // Read the machine's settings before changing them (the fields are set on first use).
        _ = LearnerEnvironment.RealHome;
        _ = LearnerEnvironment.PackagesFolder;
        _ = LearnerEnvironment.UILanguage;
        LearnerEnvironment.ReportLearnerSettings = false;
        Directory.CreateDirectory(Home);
        DeleteStaleCaches();
        Environment.SetEnvironmentVariable("DATABASE_URL", null);
        Environment.SetEnvironmentVariable("APPDATA", null);
        Environment.SetEnvironmentVariable("HOME", Home);
        Environment.SetEnvironmentVariable(Workbench.CacheVariable, TestGrading.CacheRoot);
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        Environment.SetEnvironmentVariable("WORKBOOK_UI_LANGUAGE", "en");
        Environment.SetEnvironmentVariable("DOTNET_CLI_UI_LANGUAGE", "en");
        Environment.SetEnvironmentVariable("DOTNET_TieredPGO", "0");
        // Every SDK command the tests start, quiet: no logo, first-run message or telemetry.
        foreach (var quiet in new[] { "DOTNET_NOLOGO", "DOTNET_SKIP_FIRST_TIME_EXPERIENCE", "DOTNET_CLI_TELEMETRY_OPTOUT" })
            Environment.SetEnvironmentVariable(quiet, "1");
        foreach (var name in FromDotnetTest)
            Environment.SetEnvironmentVariable(name, null);
        BuildServers.TurnOn();
        Environment.SetEnvironmentVariable("DOTNET_CLI_USE_MSBUILD_SERVER", "0");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            BuildServers.ShutDownAsync().GetAwaiter().GetResult();
            foreach (var folder in new[] { Home, TestGrading.CacheRoot })
                try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
    }

    /// <summary>
    /// Deletes the grader caches (<see cref="TestGrading.CacheRoot"/>, several GiB after a whole run) of earlier test hosts
    /// that are no longer running: <c>dotnet test</c> may end a test host before its exit handler has deleted its own.
    /// A folder whose process id is running again, or cannot be read, is left alone.
    /// </summary>
    static void DeleteStaleCaches()
    {
        var prefix = Path.GetFileName(TestGrading.CacheRoot)[..^Environment.ProcessId.ToString(CultureInfo.InvariantCulture).Length];
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), prefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(folder)[prefix.Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || IsRunning(id))
                continue;
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static bool IsRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
