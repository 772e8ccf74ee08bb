using System.Threading.Channels;

/// <summary>
/// Watches chapter folders for saves, as rustlings' watch mode does: a change to any file of a chapter, outside its
/// build outputs, databases and backups (which programs and checks write), wakes <see cref="WaitForChangeAsync"/> once
/// the burst of events of one save is over.
/// </summary>
sealed class ChapterWatcher : IDisposable
{
    static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);
    readonly List<FileSystemWatcher> watchers = [];
    readonly Channel<string> changes = Channel.CreateUnbounded<string>();

    /// <summary>Starts watching every file under <paramref name="folders"/>.</summary>
    public ChapterWatcher(IEnumerable<string> folders)
    {
        foreach (var folder in folders.Where(Directory.Exists))
        {
            var watcher = new FileSystemWatcher(folder) { IncludeSubdirectories = true, NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName };
            watcher.Changed += (_, e) => Record(folder, e.FullPath);
            watcher.Created += (_, e) => Record(folder, e.FullPath);
            watcher.Deleted += (_, e) => Record(folder, e.FullPath);
            watcher.Renamed += (_, e) => Record(folder, e.FullPath);
            watcher.EnableRaisingEvents = true;
            watchers.Add(watcher);
        }
    }

    void Record(string folder, string path)
    {
        var relative = Path.GetRelativePath(folder, path).Replace('\\', '/');
        if (!Chapter.IsSavedFile(relative))
            return;
        changes.Writer.TryWrite(relative);
    }

    /// <summary>Waits for a save: the first change, then until no change came for 100 ms (an editor writes a file at once).</summary>
    /// <returns>True after a change; false when <paramref name="cancel"/> ends the wait.</returns>
    public async Task<bool> WaitForChangeAsync(CancellationToken cancel)
    {
        try
        {
            await changes.Reader.ReadAsync(cancel);
            while (true)
            {
                using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                quiet.CancelAfter(Quiet);
                try
                {
                    await changes.Reader.ReadAsync(quiet.Token);
                }
                catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var watcher in watchers)
            watcher.Dispose();
    }
}
