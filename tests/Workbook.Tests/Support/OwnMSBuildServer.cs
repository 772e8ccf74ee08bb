namespace Workbook.Tests;

/// <summary>
/// An MSBuild server for the commands of one page alone (see <see cref="Docs.DocRunner"/>). The suite's other commands
/// run without the MSBuild server, since builds that start together on one shared server all but one wait and print that
/// it is busy (see <see cref="TestEnvironment"/>). A page's commands run one after another, some twenty of them, so a
/// server of their own serves each of them at once, warm from the second build on. MSBuild names its server after
/// <c>MSBUILDNODEHANDSHAKESALT</c>, which <see cref="Variables"/> sets to a name of this instance's (checked with SDK
/// 10.0.401: two salts, two <c>/nodemode:8</c> processes, and <c>dotnet build-server shutdown --msbuild</c> under a salt
/// stops that one only). What the commands print is the same; what changes is the time they take. A server of its own
/// pays off for a page's twenty commands, not for a test of a few builds, since the first build on a new server is slower
/// than one without (figures in docs/maintainers.md).
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
