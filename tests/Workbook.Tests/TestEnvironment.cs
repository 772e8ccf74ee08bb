using System.Runtime.CompilerServices;
using Workbook.Grading;

namespace Workbook.Tests;

/// <summary>
/// Makes the suite's verdicts independent of the machine it runs on, before any test starts: the machine's
/// <c>DATABASE_URL</c>, user secrets and culture are kept away from the chapters (see
/// <see cref="LearnerEnvironment.IsolateThisProcess"/>; the reports the tests snapshot do not mention them either), and
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
/// (<c>dotnet ef migrations list</c> on a built chapter: 2.06 s with it, 1.85 s without); it changes how fast code runs,
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

    [ModuleInitializer]
    internal static void Isolate()
    {
        LearnerEnvironment.IsolateThisProcess(reportLearnerSettings: false);
        Environment.SetEnvironmentVariable("WORKBOOK_UI_LANGUAGE", "en");
        Environment.SetEnvironmentVariable("DOTNET_CLI_UI_LANGUAGE", "en");
        Environment.SetEnvironmentVariable("DOTNET_TieredPGO", "0");
        foreach (var name in FromDotnetTest)
            Environment.SetEnvironmentVariable(name, null);
        BuildServers.TurnOn();
        Environment.SetEnvironmentVariable("DOTNET_CLI_USE_MSBUILD_SERVER", "0");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => BuildServers.ShutDownAsync().GetAwaiter().GetResult();
    }
}
