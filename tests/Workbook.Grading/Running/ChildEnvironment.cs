using System.Runtime.InteropServices;

namespace Workbook.Grading.Running;

/// <summary>
/// The environment of every process that runs learner code: an allow-list, never the grader's own environment minus some
/// names, so that no secret of the machine (a <c>DATABASE_URL</c>, a token, a password) reaches a chapter. It holds what
/// .NET needs to run and build (the SDK's folder on <c>PATH</c>, the NuGet package folder), a home and a temp folder of
/// the run's own, and settings that make what a chapter prints the same on every machine: the invariant culture through
/// the C locale and a time zone far from UTC (<see cref="FarZone"/>), so that a local time mistaken for UTC shows on every
/// machine, not only on those east or west of Greenwich.
/// </summary>
public static class ChildEnvironment
{
    /// <summary>
    /// The time zone learner code runs in: Pacific/Chatham, UTC+12:45 (+13:45 in its summer), as far from UTC as a zone
    /// gets, so that a local time written where UTC was meant differs by half a day. Only systems whose C library and .NET
    /// read the <c>TZ</c> variable honour it (Linux and macOS; not Windows).
    /// </summary>
    public const string FarZone = "Pacific/Chatham";

    /// <summary>The folder of the <c>dotnet</c> host this process runs on (three levels above its runtime's folder).</summary>
    public static readonly string DotnetRoot =
        Environment.GetEnvironmentVariable("DOTNET_ROOT") is { Length: > 0 } root && File.Exists(Path.Combine(root, DotnetName))
            ? root
            : Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>The <c>dotnet</c> host's absolute path.</summary>
    public static string Dotnet => Path.Combine(DotnetRoot, DotnetName);

    static string DotnetName => OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";

    /// <summary>
    /// The variables of a process that builds or runs learner code: <c>PATH</c> (the system's folders and the SDK's), the
    /// SDK's folder, <paramref name="home"/> as home and .NET CLI home, <paramref name="temp"/> as temp folder, the NuGet
    /// package folder of the learner (<see cref="LearnerEnvironment.PackagesFolder"/>), the C locale, <see cref="FarZone"/>,
    /// English for the SDK's messages, the SDK's first-run messages, telemetry and build servers off (a sandbox's servers would
    /// die with it), and no dynamic PGO (a process that runs for seconds never repays it).
    /// </summary>
    /// <param name="home">A writable folder that serves as home; no user secret of the machine is found there.</param>
    /// <param name="temp">A writable folder for temporary files.</param>
    public static Dictionary<string, string> For(string home, string temp)
    {
        var variables = new Dictionary<string, string>
        {
            ["PATH"] = string.Join(Path.PathSeparator, [DotnetRoot, .. SystemPath()]),
            ["DOTNET_ROOT"] = DotnetRoot,
            ["HOME"] = home,
            ["DOTNET_CLI_HOME"] = home,
            ["TMPDIR"] = temp,
            ["NUGET_PACKAGES"] = LearnerEnvironment.PackagesFolder,
            ["LANG"] = "C.UTF-8",
            ["LC_ALL"] = "C.UTF-8",
            ["TZ"] = FarZone,
            ["DOTNET_CLI_UI_LANGUAGE"] = "en",
            ["DOTNET_NOLOGO"] = "1",
            ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1",
            ["DOTNET_GENERATE_ASPNET_CERTIFICATE"] = "false",
            ["DOTNET_TieredPGO"] = "0",
            ["UseSharedCompilation"] = "false",
            ["MSBUILDDISABLENODEREUSE"] = "1",
            ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        };
        if (OperatingSystem.IsWindows())
        {
            foreach (var name in new[] { "SystemRoot", "windir", "ComSpec", "PATHEXT", "PROCESSOR_ARCHITECTURE", "NUMBER_OF_PROCESSORS" })
                if (Environment.GetEnvironmentVariable(name) is { } value)
                    variables[name] = value;
            variables["USERPROFILE"] = variables["APPDATA"] = variables["LOCALAPPDATA"] = home;
            variables["TEMP"] = variables["TMP"] = temp;
        }
        return variables;
    }

    /// <summary>
    /// <see cref="For"/> for a chapter's built program run directly (<c>dotnet Blog.dll</c>), which builds nothing: with
    /// .NET's invariant globalization too, so that its culture is the invariant one on every system, Windows included, where
    /// the C locale means nothing; and a managed heap limit, so that a program that allocates without end fails with an
    /// <see cref="OutOfMemoryException"/> well before it troubles the machine.
    /// </summary>
    /// <param name="home">A writable folder that serves as home.</param>
    /// <param name="temp">A writable folder for temporary files.</param>
    public static Dictionary<string, string> ForProgram(string home, string temp)
    {
        var variables = For(home, temp);
        variables["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "1";
        variables["DOTNET_GCHeapHardLimit"] = "0x40000000"; // 1 GiB
        return variables;
    }

    static IEnumerable<string> SystemPath() => OperatingSystem.IsWindows()
        ? [Environment.GetFolderPath(Environment.SpecialFolder.System), Environment.GetFolderPath(Environment.SpecialFolder.Windows)]
        : ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];
}
