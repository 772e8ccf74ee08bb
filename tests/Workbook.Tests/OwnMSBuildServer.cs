using Workbook.Grading;

namespace Workbook.Tests;

/// <summary>
/// An MSBuild server for the commands of one page alone (see <see cref="Docs.DocRunner"/>). The suite's other commands
/// run without the MSBuild server, since builds that start together on one shared server all but one wait and print that
/// it is busy (see <see cref="TestEnvironment"/>). A page's commands run one after another, some twenty of them, so a
/// server of their own serves each of them at once, warm from the second build on. MSBuild names its server after
/// <c>MSBUILDNODEHANDSHAKESALT</c>, which <see cref="Variables"/> sets to a name of this instance's (checked with SDK
/// 10.0.401: two salts, two <c>/nodemode:8</c> processes, and <c>dotnet build-server shutdown --msbuild</c> under a salt
/// stops that one only). What the commands print is the same; what changes is the time they take. Pages 01 and 03 side by
/// side: 67 s (103 s of CPU) without it, 56 s (58 s of CPU) with it. The first build on a new server takes about 1.2 s
/// longer than one without (2.8 s against 1.7 s for chapter 03), and stopping it 0.4 s, so a test of a few builds is
/// slower with one: giving every copy of a chapter a server of its own made the whole suite take 404 s instead of 342 s.
/// </summary>
public sealed class OwnMSBuildServer : IDisposable
{
    readonly string salt = "workbook-test-" + Guid.NewGuid().ToString("N");
    bool used;

    /// <summary>
    /// The variables that send a command's builds (and the MSBuild evaluations <c>dotnet ef</c> runs) to this server:
    /// <c>DOTNET_CLI_USE_MSBUILD_SERVER=1</c> and this instance's <c>MSBUILDNODEHANDSHAKESALT</c>.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Variables
    {
        get
        {
            used = true;
            return new Dictionary<string, string?> { ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "1", ["MSBUILDNODEHANDSHAKESALT"] = salt };
        }
    }

    /// <summary>
    /// Stops this instance's server with <c>dotnet build-server shutdown --msbuild</c>, if a command may have started
    /// it. A server that does not stop within a minute is left to the machine: it is not the test's failure.
    /// </summary>
    public void Dispose()
    {
        if (!used)
            return;
        try
        {
            DotnetCommand.RunAsync(Path.GetTempPath(), ["build-server", "shutdown", "--msbuild"], Variables, timeout: TimeSpan.FromMinutes(1))
                .GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
        }
    }
}
