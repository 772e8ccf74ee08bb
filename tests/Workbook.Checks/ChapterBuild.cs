using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Workbook.Checks;

/// <summary>Builds a chapter project with <c>dotnet build</c> when its sources are newer than its build.</summary>
public static partial class ChapterBuild
{
    static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new();

    /// <summary>
    /// Builds <paramref name="chapter"/> in <paramref name="configuration"/> unless its assembly is newer than
    /// every file in the chapter folder (outside <c>bin/</c> and <c>obj/</c>, databases aside). Builds of the
    /// same folder in this process wait for each other.
    /// </summary>
    /// <param name="chapter">The chapter; its folder must hold one project file.</param>
    /// <param name="configuration">The MSBuild configuration, <c>Debug</c> or <c>Release</c>.</param>
    /// <returns>
    /// The compiler's and MSBuild's error lines, each once, with the chapter folder left out of paths; empty when
    /// the build succeeded or was not needed.
    /// </returns>
    /// <exception cref="FileNotFoundException">The folder holds no project file, or more than one.</exception>
    public static async Task<IReadOnlyList<string>> EnsureBuiltAsync(Chapter chapter, string configuration)
    {
        var project = chapter.ProjectFile;
        var gate = Locks.GetOrAdd(chapter.Folder, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync();
        try
        {
            if (IsUpToDate(chapter, configuration))
                return [];
            var run = await DotnetCommand.RunAsync(chapter.Folder, ["build", project, "--nologo", "-v", "q", "-c", configuration]);
            if (run.ExitCode == 0)
                return [];
            var errors = (run.StandardOutput + "\n" + run.StandardError).ReplaceLineEndings("\n").Split('\n')
                .Where(line => line.Contains(": error "))
                .Select(line => ProjectSuffix().Replace(line, "").Replace(chapter.Folder + Path.DirectorySeparatorChar, "").Trim())
                .Distinct()
                .ToList();
            return errors.Count > 0 ? errors : [$"dotnet build failed with exit code {run.ExitCode}:\n{run.StandardOutput}{run.StandardError}"];
        }
        finally
        {
            gate.Release();
        }
    }

    static bool IsUpToDate(Chapter chapter, string configuration)
    {
        string built;
        try
        {
            built = chapter.BuiltAssembly(configuration);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        var builtAt = File.GetLastWriteTimeUtc(built);
        return chapter.Files().All(file => File.GetLastWriteTimeUtc(Path.Combine(chapter.Folder, file)) <= builtAt);
    }

    [GeneratedRegex(@"\s*\[[^\]]*\.csproj\]\s*$")]
    private static partial Regex ProjectSuffix();
}
