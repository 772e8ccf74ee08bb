using System.Runtime.CompilerServices;
using Workbook.Grading;

namespace Workbook.Tests;

/// <summary>
/// Makes the suite's verdicts independent of the machine it runs on, before any test starts: the machine's
/// <c>DATABASE_URL</c>, user secrets and culture are kept away from the chapters (see
/// <see cref="LearnerEnvironment.IsolateThisProcess"/>; the reports the tests snapshot do not mention them either), and
/// the SDK commands the tests start print English, so that the compiler's messages in the snapshots read the same under
/// any UI language. The SDK's build servers are on for every command the tests start, whatever this machine says, and
/// are shut down when the run ends where this machine had them off (<see cref="BuildServers"/>): the suite builds
/// chapters some hundred times, and a rebuild with warm servers takes less than half the time. The processes the tests
/// start, and the test host itself (see the project file), run without the JIT's dynamic profile-guided optimization,
/// which only pays off in a process that runs long, as the SDK's commands here do not (<c>dotnet ef migrations
/// list</c> on a built chapter: 2.06 s with it, 1.85 s without); it changes how fast code runs, never what it does.
/// </summary>
static class TestEnvironment
{
    [ModuleInitializer]
    internal static void Isolate()
    {
        LearnerEnvironment.IsolateThisProcess(reportLearnerSettings: false);
        Environment.SetEnvironmentVariable("WORKBOOK_UI_LANGUAGE", "en");
        Environment.SetEnvironmentVariable("DOTNET_CLI_UI_LANGUAGE", "en");
        Environment.SetEnvironmentVariable("DOTNET_TieredPGO", "0");
        BuildServers.TurnOn();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => BuildServers.ShutDownAsync().GetAwaiter().GetResult();
    }
}
