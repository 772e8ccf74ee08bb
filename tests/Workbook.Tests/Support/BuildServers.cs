namespace Workbook.Tests;

/// <summary>
/// The SDK's build servers: the C# compiler server (VBCSCompiler) and the MSBuild server. They keep the compiler and
/// MSBuild loaded between builds, so that rebuilding a small chapter takes a fraction of the time it takes without them on a
/// 2-core machine. The SDK runs the compiler server by default and the MSBuild server only when
/// <c>DOTNET_CLI_USE_MSBUILD_SERVER=1</c>; a machine can turn them off with <c>UseSharedCompilation=false</c>,
/// <c>MSBUILDDISABLENODEREUSE=1</c> and <c>DOTNET_CLI_USE_MSBUILD_SERVER=0</c> (as sandboxes and some CI machines do).
/// The test suite, a long session of many builds, turns them on for the commands it starts, then shuts
/// down the ones this machine had off, so that none is left running where none was wanted.
/// </summary>
public static class BuildServers
{
    /// <summary>True when this machine's environment turned the compiler server off (<c>UseSharedCompilation=false</c>).</summary>
    public static readonly bool CompilerServerOff =
        string.Equals(Environment.GetEnvironmentVariable("UseSharedCompilation"), "false", StringComparison.OrdinalIgnoreCase);

    /// <summary>True when this machine's environment does not turn the MSBuild server on (the SDK's default).</summary>
    public static readonly bool MSBuildServerOff =
        Environment.GetEnvironmentVariable("DOTNET_CLI_USE_MSBUILD_SERVER") is not ("1" or "true");

    /// <summary>
    /// Turns both servers on for every command this process starts from now on (in its environment variables, which
    /// child processes inherit): <c>UseSharedCompilation=true</c>, <c>DOTNET_CLI_USE_MSBUILD_SERVER=1</c>, no
    /// <c>MSBUILDDISABLENODEREUSE</c>, and no <c>MSBUILDENSURESTDOUTFORTASKPROCESSES</c>, which <c>dotnet test</c> sets
    /// for its test host and under which <c>dotnet build</c> builds without the MSBuild server (checked with SDK
    /// 10.0.401: no <c>/nodemode:8</c> process starts). What the builds produce does not change, only how long they take.
    /// </summary>
    public static void TurnOn()
    {
        // Read the machine's settings before changing them (the fields are set on first use).
        _ = CompilerServerOff;
        _ = MSBuildServerOff;
        Environment.SetEnvironmentVariable("UseSharedCompilation", "true");
        Environment.SetEnvironmentVariable("DOTNET_CLI_USE_MSBUILD_SERVER", "1");
        Environment.SetEnvironmentVariable("MSBUILDDISABLENODEREUSE", null);
        Environment.SetEnvironmentVariable("MSBUILDENSURESTDOUTFORTASKPROCESSES", null);
    }

    /// <summary>
    /// Stops the servers that this machine had off before <see cref="TurnOn"/> (<see cref="CompilerServerOff"/>,
    /// <see cref="MSBuildServerOff"/>), with <c>dotnet build-server shutdown</c>; a server the machine runs anyway is
    /// left to the SDK. A failure to stop one is not an error of the check: it returns false.
    /// </summary>
    /// <returns>True when the servers were stopped or there was nothing to stop.</returns>
    public static async Task<bool> ShutDownAsync()
    {
        string[] servers = [.. MSBuildServerOff ? ["--msbuild"] : Array.Empty<string>(), .. CompilerServerOff ? ["--vbcscompiler"] : Array.Empty<string>()];
        if (servers.Length == 0)
            return true;
        try
        {
            var run = await DotnetCommand.RunAsync(Environment.CurrentDirectory, ["build-server", "shutdown", .. servers], timeout: TimeSpan.FromMinutes(1));
            return run.ExitCode == 0;
        }
        catch (Exception error) when (error is OperationCanceledException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return false;
        }
    }
}
