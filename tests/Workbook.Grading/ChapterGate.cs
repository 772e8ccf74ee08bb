using System.Collections.Concurrent;

namespace Workbook.Grading;

/// <summary>
/// One writer at a time in a chapter folder, within this process: a build of the chapter (<see cref="ChapterBuild"/>)
/// or a check that makes files there (the backup check, <see cref="DataChecks.Backup"/>). Neither holds the gate while
/// it waits for the other, so they cannot wait for each other forever.
/// </summary>
static class ChapterGate
{
    static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new();

    /// <summary>The gate of <paramref name="folder"/>, the same one for every caller in this process.</summary>
    /// <param name="folder">A chapter folder, absolute.</param>
    public static SemaphoreSlim Of(string folder) => Gates.GetOrAdd(Path.GetFullPath(folder), _ => new SemaphoreSlim(1, 1));
}
