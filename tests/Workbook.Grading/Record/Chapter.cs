using CliWrap;
using CliWrap.Buffered;

namespace Workbook.Grading.Record;

/// <summary>A chapter project on disk: a solution, a starter, or a learner's copy of either.</summary>
/// <param name="Info">What the manifest says of the chapter.</param>
/// <param name="Folder">The absolute path of the project folder, which holds exactly one <c>.csproj</c>.</param>
public sealed record Chapter(ChapterInfo Info, string Folder)
{
    /// <summary>The chapter's folder name, such as <c>03-first-migration</c>.</summary>
    public string Name => Info.Folder;

    /// <summary>The chapter <paramref name="info"/> in the track folder <paramref name="track"/> (such as <c>solutions</c>).</summary>
    /// <param name="root">The repository root, or any folder that holds the track folder.</param>
    /// <param name="track"><c>solutions</c> or <c>chapters</c>.</param>
    /// <param name="info">The chapter as the manifest lists it.</param>
    public static Chapter In(string root, string track, ChapterInfo info) =>
        new(info, Path.GetFullPath(Path.Combine(root, track, info.Folder)));

    /// <summary>The project file, found as the only <c>*.csproj</c> in <see cref="Folder"/>.</summary>
    /// <exception cref="FileNotFoundException">The folder holds no project file, or more than one.</exception>
    public string ProjectFile
    {
        get
        {
            var projects = Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.csproj") : [];
            return projects.Length == 1
                ? projects[0]
                : throw new FileNotFoundException(
                    $"{Folder} should hold exactly one .csproj file and holds {projects.Length}: is it a workbook chapter?");
        }
    }

    /// <summary>
    /// The chapter's built assembly, <c>bin/&lt;configuration&gt;/net10.0/&lt;project&gt;.dll</c>, as
    /// <c>dotnet build</c> leaves it.
    /// </summary>
    /// <param name="configuration">The MSBuild configuration, <c>Debug</c> or <c>Release</c>.</param>
    /// <exception cref="FileNotFoundException">The chapter has not been built in that configuration.</exception>
    public string BuiltAssembly(string configuration)
    {
        var name = Path.GetFileNameWithoutExtension(ProjectFile);
        var path = Path.Combine(Folder, "bin", configuration, "net10.0", name + ".dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException(
                $"{Name} is not built ({path} is missing): run `dotnet build Workbook.sln -c {configuration}` first.", path);
    }

    /// <summary>
    /// The files a person writes or a tool generates in the chapter, as they would be committed: relative to
    /// <see cref="Folder"/> with '/' separators, in ordinal order, without build outputs (<c>bin/</c>,
    /// <c>obj/</c>), databases (<c>app.db</c> and the <c>-wal</c>, <c>-shm</c> files beside it) and their backups
    /// (<c>backups/</c>). Symbolic links are left out, files and folders alike: the grader copies what it reads into its
    /// workbench, and a link could point it at a file of the grader's machine.
    /// </summary>
    /// <param name="pattern">A file name pattern such as <c>*.cs</c>; every file by default.</param>
    public IEnumerable<string> Files(string pattern = "*") =>
        Directory.EnumerateFiles(Folder, pattern, new EnumerationOptions
            {
                RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true, MatchType = MatchType.Win32,
            })
            .Select(path => Path.GetRelativePath(Folder, path).Replace('\\', '/'))
            .Where(IsSavedFile)
            .Order(StringComparer.Ordinal);

    /// <summary>
    /// Whether a path in a chapter folder is one of the learner's saved files rather than something programs and checks
    /// write there: build outputs (<c>bin/</c>, <c>obj/</c>), backups (<c>backups/</c>) and SQLite databases.
    /// </summary>
    /// <param name="relative">The path relative to the chapter folder, with '/' separators; a folder's own name counts as inside it.</param>
    public static bool IsSavedFile(string relative) =>
        relative.Split('/')[0] is not ("bin" or "obj" or "backups") && !relative.Contains(".db", StringComparison.Ordinal);

    /// <summary>The C# files of <see cref="Files"/>.</summary>
    public IEnumerable<string> SourceFiles() => Files("*.cs");

    /// <summary>
    /// True when the chapter looks as it did when the learner got it: every step's <c>TODO n.m</c> marker is
    /// still in its sources and, where git can tell, nothing in the folder has changed since the last commit. Git is asked
    /// without its optional locks, so that it does not refresh the index of the learner's clone.
    /// </summary>
    public async Task<bool> IsUntouchedAsync()
    {
        if (!Directory.Exists(Folder))
            return false;
        var sources = string.Concat(SourceFiles().Select(f => File.ReadAllText(Path.Combine(Folder, f))));
        if (!Info.Steps.All(step => sources.Contains($"TODO {step.Id}:")))
            return false;
        try
        {
            var status = await Cli.Wrap("git").WithArguments(["--no-optional-locks", "status", "--porcelain", "--untracked-files=all", "--", "."])
                .WithWorkingDirectory(Folder).WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
            return status.ExitCode != 0 || status.StandardOutput.Trim().Length == 0;
        }
        catch (Exception error) when (error is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return true; // no git: the TODO markers decide
        }
    }
}
