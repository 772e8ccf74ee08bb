using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Workbook.Grading;

/// <summary>
/// Builds a chapter project with <c>dotnet build</c>, so that a chapter is never graded from a build older than its
/// files. Whether to build is decided on the chapter's inputs, not on file times alone: the list of its files and
/// their contents (see <see cref="Fingerprint"/>), together with the build settings of the workbook that grades it.
/// </summary>
public static partial class ChapterBuild
{
    const string RecordFile = "workbook-check.build.json";

    /// <summary>
    /// Builds <paramref name="chapter"/> in <paramref name="configuration"/> with the build settings of the workbook
    /// at <paramref name="root"/> (its <c>Directory.Build.props</c> and <c>Directory.Packages.props</c>, passed to
    /// MSBuild, so that a chapter folder copied anywhere builds the same way). A chapter whose inputs equal those of
    /// the last build this method made, and whose assembly has not been written since, is not built again. When the
    /// inputs changed since that build, MSBuild is told to rebuild everything (<c>--no-incremental</c>), since it
    /// would otherwise trust file times; without a record of an earlier build, MSBuild's incremental build decides.
    /// Builds of the same folder in this process wait for each other, and for a check writing there (<see cref="ChapterGate"/>).
    /// </summary>
    /// <param name="chapter">The chapter; its folder must hold one project file.</param>
    /// <param name="configuration">The MSBuild configuration, <c>Debug</c> or <c>Release</c>.</param>
    /// <param name="root">The workbook whose build settings to use.</param>
    /// <param name="rebuild">
    /// Build everything again (<c>--no-incremental</c>) even when nothing changed: what watch mode does at its start to
    /// start the SDK's build servers before the first save, which would otherwise wait for them.
    /// </param>
    /// <returns>
    /// The compiler's and MSBuild's error lines, each once, with the chapter folder left out of paths, in the UI
    /// language of the learner's SDK; empty when the build succeeded or was not needed.
    /// </returns>
    /// <exception cref="FileNotFoundException">The folder holds no project file, or more than one.</exception>
    public static async Task<IReadOnlyList<string>> EnsureBuiltAsync(Chapter chapter, string configuration, string root, bool rebuild = false)
    {
        var project = chapter.ProjectFile;
        var gate = ChapterGate.Of(chapter.Folder);
        await gate.WaitAsync();
        try
        {
            var inputs = Fingerprint(chapter, configuration, root);
            var record = ReadRecord(chapter);
            if (!rebuild && record is not null && record.Inputs == inputs && AssemblyStamp(chapter, configuration) is { } stamp && stamp == record.Assembly)
                return [];

            string[] arguments =
            [
                "build", project, "--nologo", "-v", "q", "-c", configuration,
                $"-p:DirectoryBuildPropsPath={Path.Combine(root, "Directory.Build.props")}",
                $"-p:DirectoryPackagesPropsPath={Path.Combine(root, "Directory.Packages.props")}",
                .. rebuild || (record is not null && record.Inputs != inputs) ? ["--no-incremental"] : Array.Empty<string>(),
            ];
            var run = await DotnetCommand.RunAsync(chapter.Folder, arguments, LearnerEnvironment.ForSdk());
            if (run.ExitCode == 0)
            {
                WriteRecord(chapter, new BuildRecord(inputs, AssemblyStamp(chapter, configuration)));
                return [];
            }
            var errors = (run.StandardOutput + "\n" + run.StandardError).ReplaceLineEndings("\n").Split('\n')
                .Where(line => ErrorLine().IsMatch(line))
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

    /// <summary>
    /// A hash of everything a build of the chapter depends on that a person edits: the relative path and the bytes
    /// of every file of <see cref="Chapter.Files"/> (so adding, deleting, renaming or editing any file changes it,
    /// whatever its time), the workbook's two build settings files, and the configuration.
    /// </summary>
    /// <param name="chapter">The chapter.</param>
    /// <param name="configuration">The MSBuild configuration.</param>
    /// <param name="root">The workbook whose build settings are used.</param>
    /// <returns>A lower-case hex SHA-256.</returns>
    public static string Fingerprint(Chapter chapter, string configuration, string root)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string name, string path)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name + "\n"));
            hash.AppendData(File.Exists(path) ? SHA256.HashData(File.ReadAllBytes(path)) : []);
        }
        Add("configuration=" + configuration, "");
        foreach (var file in new[] { "Directory.Build.props", "Directory.Packages.props" })
            Add("workbook/" + file, Path.Combine(root, file));
        foreach (var file in chapter.Files())
            Add(file, Path.Combine(chapter.Folder, file));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The assembly's size and time written, or null when it is not built.</summary>
    static string? AssemblyStamp(Chapter chapter, string configuration)
    {
        try
        {
            var file = new FileInfo(chapter.BuiltAssembly(configuration));
            return $"{file.Length}@{file.LastWriteTimeUtc.Ticks}";
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    static string RecordPath(Chapter chapter) => Path.Combine(chapter.Folder, "obj", RecordFile);

    static BuildRecord? ReadRecord(Chapter chapter)
    {
        try
        {
            return JsonSerializer.Deserialize<BuildRecord>(File.ReadAllText(RecordPath(chapter)));
        }
        catch (Exception error) when (error is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    static void WriteRecord(Chapter chapter, BuildRecord record)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(RecordPath(chapter))!);
        File.WriteAllText(RecordPath(chapter), JsonSerializer.Serialize(record));
    }

    /// <summary>What the last build by <see cref="EnsureBuiltAsync"/> was made from, kept in the chapter's <c>obj/</c>.</summary>
    /// <param name="Inputs">The <see cref="Fingerprint"/> at that build.</param>
    /// <param name="Assembly">The assembly's size and time right after it.</param>
    sealed record BuildRecord(string Inputs, string? Assembly);

    [GeneratedRegex(@"\s*\[[^\]]*\.csproj\]\s*$")]
    private static partial Regex ProjectSuffix();

    // "file(1,2): error CS1002: ..." in any UI language: MSBuild keeps the word "error" and the code untranslated.
    [GeneratedRegex(@": error [A-Z]+\d+")]
    private static partial Regex ErrorLine();
}
