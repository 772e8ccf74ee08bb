using System.Security.Cryptography;

namespace Workbook.Grading.Running;

/// <summary>
/// The grader's own copy of one learner's chapter folder, where it builds and runs the chapter: the learner's folder is
/// only read. One workbench per chapter folder, kept between checks in the grader's cache folder (see
/// <see cref="DefaultCacheRoot"/>), so that a chapter whose files did not change is not built again, and one whose files
/// changed is built incrementally, with the build of the last check and never with the learner's own (their
/// <c>dotnet build</c> and the check's no longer undo each other's incremental state). A workbench is held by one grading
/// at a time, across processes (a lock file), so two checks of one chapter at once wait for each other.
/// </summary>
/// <remarks>
/// Layout: <c>src/</c> mirrors the chapter's files (<see cref="Chapter.Files"/>) with the grader's <c>bin/</c> and
/// <c>obj/</c>; <c>run/</c> is the scratch folder of the grading under way, emptied before and after it; <c>build.json</c>
/// and <c>result.json</c> are the last build's record and the last result (<see cref="ResultCache"/>); <c>lock</c> is
/// held while a grading uses the workbench.
/// </remarks>
public sealed class Workbench : IDisposable
{
    /// <summary>The environment variable that moves the grader's cache folder (the test suite points it at a folder of its own).</summary>
    public const string CacheVariable = "WORKBOOK_CHECK_CACHE";

    readonly FileStream lockFile;

    Workbench(string folder, FileStream lockFile)
    {
        Folder = folder;
        this.lockFile = lockFile;
    }

    /// <summary>The workbench's folder.</summary>
    public string Folder { get; }

    /// <summary>The mirror of the chapter, where the grader builds it.</summary>
    public string Source => Path.Combine(Folder, "src");

    /// <summary>The scratch folder of the grading under way (databases, homes, results); emptied on open and on dispose.</summary>
    public string Scratch => Path.Combine(Folder, "run");

    /// <summary>The file of a record the grader keeps here, such as <c>result.json</c>.</summary>
    /// <param name="name">A file name.</param>
    public string this[string name] => Path.Combine(Folder, name);

    /// <summary>
    /// The grader's cache folder: <c>WORKBOOK_CHECK_CACHE</c> when set; else <c>%LOCALAPPDATA%\efcore-workbook</c> on Windows
    /// and <c>$XDG_CACHE_HOME/efcore-workbook</c> (by default <c>~/.cache/efcore-workbook</c>) elsewhere, of the home this
    /// process started with.
    /// </summary>
    public static string DefaultCacheRoot =>
        Environment.GetEnvironmentVariable(CacheVariable) is { Length: > 0 } set ? set
        : OperatingSystem.IsWindows() ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "efcore-workbook")
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(LearnerEnvironment.RealHome, ".cache"),
            "efcore-workbook");

    /// <summary>
    /// Opens the workbench of <paramref name="chapter"/> as graded by the workbook at <paramref name="root"/>, waiting for a
    /// grading that holds it in another process or thread, and empties its scratch folder.
    /// </summary>
    /// <param name="chapter">The learner's chapter; only its path names the workbench.</param>
    /// <param name="root">The grading workbook's root.</param>
    /// <param name="cacheRoot">The grader's cache folder (<see cref="DefaultCacheRoot"/>).</param>
    /// <param name="wait">How long to wait for another grading of the same chapter.</param>
    /// <returns>The open workbench; dispose it to let the next grading in.</returns>
    /// <exception cref="TimeoutException">Another grading held the workbench for longer than <paramref name="wait"/>.</exception>
    /// <exception cref="IOException">The cache folder cannot be written.</exception>
    public static async Task<Workbench> OpenAsync(Chapter chapter, string root, string cacheRoot, TimeSpan wait)
    {
        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{Path.GetFullPath(chapter.Folder)}\n{Path.GetFullPath(root)}")))[..16];
        var folder = Path.Combine(cacheRoot, $"{chapter.Name}-{key}");
        Directory.CreateDirectory(folder);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive lock across processes on every system .NET runs on (flock on Unix).
                var lockFile = new FileStream(Path.Combine(folder, "lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                File.SetLastWriteTimeUtc(Path.Combine(folder, "lock"), DateTime.UtcNow);
                var bench = new Workbench(folder, lockFile);
                bench.EmptyScratch();
                return bench;
            }
            catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(Path.Combine(folder, "lock")))
            {
                await Task.Delay(100);
            }
            catch (IOException) when (File.Exists(Path.Combine(folder, "lock")))
            {
                throw new TimeoutException($"Another check of {chapter.Name} held it for {wait.TotalSeconds:0} s; try again when it ends.");
            }
        }
    }

    /// <summary>
    /// Makes <see cref="Source"/> hold exactly the chapter's files (<see cref="Chapter.Files"/>): a file that is new or whose
    /// bytes differ is copied (its time written is now, so that MSBuild sees the change whatever time the learner's file
    /// carries), a file the chapter no longer has is deleted; the grader's <c>bin/</c> and <c>obj/</c> stay.
    /// </summary>
    /// <param name="chapter">The learner's chapter, read only.</param>
    /// <returns>True when something changed.</returns>
    public bool Mirror(Chapter chapter)
    {
        var files = chapter.Files().ToHashSet(StringComparer.Ordinal);
        var source = new Chapter(chapter.Info, Source);
        Directory.CreateDirectory(Source);
        var changed = false;
        foreach (var stale in source.Files().Where(file => !files.Contains(file)).ToList())
        {
            File.Delete(Path.Combine(Source, stale));
            changed = true;
        }
        foreach (var file in files)
        {
            var from = Path.Combine(chapter.Folder, file);
            var to = Path.Combine(Source, file);
            var bytes = File.ReadAllBytes(from);
            if (File.Exists(to) && bytes.AsSpan().SequenceEqual(File.ReadAllBytes(to)))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.WriteAllBytes(to, bytes);
            changed = true;
        }
        foreach (var folder in Directory.GetDirectories(Source, "*", SearchOption.AllDirectories).OrderByDescending(f => f.Length))
        {
            var relative = Path.GetRelativePath(Source, folder).Replace('\\', '/');
            if (!relative.StartsWith("bin") && !relative.StartsWith("obj") && !Directory.EnumerateFileSystemEntries(folder).Any())
                Directory.Delete(folder);
        }
        return changed;
    }

    /// <summary>
    /// Empties the scratch folder but keeps the folder itself: a runner that serves one grading after another (watch mode)
    /// has it bound into its sandbox, and a folder made anew would not be the one it sees.
    /// </summary>
    void EmptyScratch()
    {
        Directory.CreateDirectory(Scratch);
        foreach (var entry in Directory.EnumerateFileSystemEntries(Scratch))
        {
            if (Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget is null)
                Directory.Delete(entry, recursive: true);
            else
                File.Delete(entry);
        }
    }

    /// <summary>The folder of a runner that serves this workbench's gradings one after another (watch mode): its home and temp folder.</summary>
    public string Session => Path.Combine(Folder, "session");

    /// <summary>
    /// Deletes the workbenches under <paramref name="cacheRoot"/> that no grading opened for <paramref name="unused"/>
    /// (their chapter was deleted or moved, or its learner left); one that another process holds is left alone.
    /// </summary>
    /// <param name="cacheRoot">The grader's cache folder.</param>
    /// <param name="unused">How long a workbench may go unopened.</param>
    public static void DeleteUnused(string cacheRoot, TimeSpan unused)
    {
        if (!Directory.Exists(cacheRoot))
            return;
        foreach (var folder in Directory.GetDirectories(cacheRoot))
        {
            var lockPath = Path.Combine(folder, "lock");
            if (File.Exists(lockPath) && DateTime.UtcNow - File.GetLastWriteTimeUtc(lockPath) < unused)
                continue;
            try
            {
                using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
                    Directory.EnumerateFileSystemEntries(folder).Where(entry => Path.GetFileName(entry) != "lock").ToList()
                        .ForEach(entry => { if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true); else File.Delete(entry); });
                Directory.Delete(folder, recursive: true);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                // Held by a grading under way, or not ours to delete: left for another time.
            }
        }
    }

    /// <summary>Empties the scratch folder and lets the next grading of this chapter in.</summary>
    public void Dispose()
    {
        try
        {
            EmptyScratch();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // A file still held by a process that is going away: the next grading empties it.
        }
        lockFile.Dispose();
    }
}
