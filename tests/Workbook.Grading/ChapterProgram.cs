namespace Workbook.Grading;

/// <summary>Runs a chapter's built program in a child process, as <c>dotnet run --no-build</c> would.</summary>
public static class ChapterProgram
{
    /// <summary>
    /// Runs <c>dotnet &lt;assembly&gt; &lt;arguments&gt;</c> in <paramref name="workingFolder"/> with the environment of
    /// <see cref="LearnerEnvironment.ForBuiltProgram"/>: DATABASE_URL as given (removed when null), the working folder
    /// as its home so that no user secret of the machine leaks in, UTC and the invariant culture so that the output
    /// does not depend on where it runs.
    /// </summary>
    /// <param name="chapter">The loaded chapter, whose <see cref="ChapterAssembly.Path"/> is run.</param>
    /// <param name="workingFolder">An existing folder to run in, such as a <see cref="TempFolder"/>.</param>
    /// <param name="databaseUrl">The DATABASE_URL value, or null to leave it unset.</param>
    /// <param name="arguments">Command-line arguments for the program.</param>
    /// <param name="standardInput">Text piped to the program's standard input, or null for none.</param>
    /// <returns>The exit code and both output streams, exactly as printed.</returns>
    /// <exception cref="OperationCanceledException">The program ran longer than a minute.</exception>
    public static Task<ProgramRun> RunAsync(
        ChapterAssembly chapter, string workingFolder, string? databaseUrl,
        IReadOnlyList<string>? arguments = null, string? standardInput = null) =>
        DotnetCommand.RunAsync(
            workingFolder,
            [chapter.Path, .. arguments ?? []],
            LearnerEnvironment.ForBuiltProgram(workingFolder, databaseUrl),
            standardInput,
            TimeSpan.FromMinutes(1));
}
