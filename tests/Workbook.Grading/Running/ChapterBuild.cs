using System.Security.Cryptography;
using System.Text.RegularExpressions;

namespace Workbook.Grading.Running;

/// <summary>
/// What a build of a chapter depends on and how one is run: the grader builds a chapter again only when its
/// <see cref="Fingerprint"/> changed, never trusting file times alone, and reads the compiler's errors from what
/// <c>dotnet build</c> printed (<see cref="Errors"/>).
/// </summary>
public static partial class ChapterBuild
{
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
        return Hash([
            ("configuration=" + configuration, ""),
            .. new[] { "Directory.Build.props", "Directory.Packages.props" }.Select(file => ("workbook/" + file, Path.Combine(root, file))),
            .. chapter.Files().Select(file => (file, Path.Combine(chapter.Folder, file))),
        ]);
    }

    /// <summary>
    /// A hash of what a NuGet restore of the chapter reads: every file of <see cref="Chapter.Files"/> but its C# sources
    /// (the project file, any <c>.props</c>, <c>.targets</c> or <c>nuget.config</c>), the workbook's two build settings
    /// files and the SDKs installed. A build whose restore inputs are those of the last restore in the same folder skips
    /// the restore (<c>--no-restore</c>): with the MSBuild server warm, the restore takes about two thirds of a build
    /// after a C# edit (see docs/maintainers.md).
    /// </summary>
    /// <param name="chapter">The chapter, in the folder it is built in.</param>
    /// <param name="buildProps">The workbook's <c>Directory.Build.props</c> passed to the build.</param>
    /// <param name="packagesProps">The workbook's <c>Directory.Packages.props</c> passed to the build.</param>
    /// <param name="sdkFolder">The folder of the installed SDKs (<c>dotnet/sdk</c>), whose versions are hashed.</param>
    /// <returns>A lower-case hex SHA-256.</returns>
    public static string RestoreInputs(Chapter chapter, string buildProps, string packagesProps, string sdkFolder)
    {
        IEnumerable<string?> sdks = Directory.Exists(sdkFolder) ? Directory.GetDirectories(sdkFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal) : [];
        return Hash([
            ("workbook/Directory.Build.props", buildProps),
            ("workbook/Directory.Packages.props", packagesProps),
            .. sdks.Select(sdk => ("sdk/" + sdk, "")),
            .. chapter.Files().Where(file => !file.EndsWith(".cs", StringComparison.OrdinalIgnoreCase)).Select(file => (file, Path.Combine(chapter.Folder, file))),
        ]);
    }

    /// <summary>A SHA-256 over each name and the SHA-256 of its file's bytes (nothing for a file that does not exist), in order, as hex.</summary>
    static string Hash(IEnumerable<(string Name, string Path)> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, path) in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name + "\n"));
            hash.AppendData(File.Exists(path) ? SHA256.HashData(File.ReadAllBytes(path)) : []);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>
    /// The arguments of <c>dotnet build</c> for a chapter folder anywhere on disk: the workbook's build settings passed to
    /// MSBuild (so that a chapter folder copied anywhere builds as in the workbook), quiet output, and no NuGet audit (a
    /// sandbox has no network to fetch vulnerability data with).
    /// </summary>
    /// <param name="project">The project file.</param>
    /// <param name="configuration">The MSBuild configuration.</param>
    /// <param name="buildProps">The workbook's <c>Directory.Build.props</c>.</param>
    /// <param name="packagesProps">The workbook's <c>Directory.Packages.props</c>.</param>
    public static IReadOnlyList<string> Arguments(string project, string configuration, string buildProps, string packagesProps) =>
    [
        "build", project, "--nologo", "-v", "q", "-c", configuration,
        $"-p:DirectoryBuildPropsPath={buildProps}", $"-p:DirectoryPackagesPropsPath={packagesProps}", "-p:NuGetAudit=false",
    ];

    /// <summary>
    /// The compiler's and MSBuild's error lines in what a failed build printed, each once, with the chapter folder left out
    /// of paths, in the UI language the build ran in; or the whole output when no line is an error line.
    /// </summary>
    /// <param name="output">What <c>dotnet build</c> printed, both streams.</param>
    /// <param name="folder">The chapter folder, to make paths relative.</param>
    /// <param name="exitCode">The build's exit code, for the message when no error line is found.</param>
    public static IReadOnlyList<string> Errors(string output, string folder, int exitCode)
    {
        var errors = output.ReplaceLineEndings("\n").Split('\n')
            .Where(line => ErrorLine().IsMatch(line))
            .Select(line => ProjectSuffix().Replace(line, "").Replace(folder + Path.DirectorySeparatorChar, "").Trim())
            .Distinct()
            .ToList();
        return errors.Count > 0 ? errors : [$"dotnet build failed with exit code {exitCode}:\n{output}"];
    }

    [GeneratedRegex(@"\s*\[[^\]]*\.csproj\]\s*$")]
    private static partial Regex ProjectSuffix();

    // "file(1,2): error CS1002: ..." in any UI language: MSBuild keeps the word "error" and the code untranslated.
    [GeneratedRegex(@": error [A-Z]+\d+")]
    private static partial Regex ErrorLine();
}
