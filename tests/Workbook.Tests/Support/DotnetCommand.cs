using System.Text;
using CliWrap;
using CliWrap.Buffered;


namespace Workbook.Tests;

/// <summary>Runs the <c>dotnet</c> command line (the SDK, <c>dotnet ef</c>, or a built program) in a child process.</summary>
public static class DotnetCommand
{
    /// <summary>
    /// Runs <c>dotnet &lt;arguments&gt;</c> in <paramref name="workingFolder"/> and waits for it, with
    /// <c>DATABASE_URL</c> removed from the environment, <c>NUGET_PACKAGES</c> set to the learner's package folder
    /// (<see cref="LearnerEnvironment.PackagesFolder"/>) and <c>DOTNET_CLI_HOME</c> to the learner's .NET CLI home (where
    /// the local tools are recorded), unless <paramref name="environment"/> sets them.
    /// </summary>
    /// <param name="workingFolder">An existing folder to run in.</param>
    /// <param name="arguments">The arguments after <c>dotnet</c>, each passed as one argument.</param>
    /// <param name="environment">Variables to set (a null value removes the variable); others are inherited.</param>
    /// <param name="standardInput">Text piped to standard input, or null for none.</param>
    /// <param name="timeout">How long the command may run before it is killed; 5 minutes when null.</param>
    /// <returns>The exit code and both output streams, exactly as printed.</returns>
    /// <exception cref="OperationCanceledException">The command ran longer than <paramref name="timeout"/>.</exception>
    public static async Task<CommandRun> RunAsync(
        string workingFolder, IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, string? standardInput = null, TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        var variables = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = null,
            ["NUGET_PACKAGES"] = LearnerEnvironment.PackagesFolder,
            // Where `dotnet tool restore` recorded the local tools (dotnet ef): the learner's, whatever HOME is.
            ["DOTNET_CLI_HOME"] = Environment.GetEnvironmentVariable("DOTNET_CLI_HOME") ?? LearnerEnvironment.RealHome,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            variables[name] = value;
        var result = await Cli.Wrap("dotnet")
            .WithArguments(arguments)
            .WithWorkingDirectory(workingFolder)
            .WithEnvironmentVariables(variables)
            .WithStandardInputPipe(standardInput is null ? PipeSource.Null : PipeSource.FromString(standardInput, Encoding.UTF8))
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(Encoding.UTF8, cancel.Token);
        return new CommandRun(result.ExitCode, result.StandardOutput, result.StandardError);
    }
}
