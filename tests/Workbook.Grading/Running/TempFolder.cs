namespace Workbook.Grading.Running;

/// <summary>A new empty folder under the system's temp folder, deleted with everything in it on dispose.</summary>
public sealed class TempFolder : IDisposable
{
    /// <summary>Creates the folder.</summary>
    public TempFolder() => Directory.CreateDirectory(Path);

    /// <summary>The folder's absolute path.</summary>
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "workbook-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>The absolute path of <paramref name="name"/> inside the folder.</summary>
    public string this[string name] => System.IO.Path.Combine(Path, name);

    /// <summary>Deletes the folder; a file still held open elsewhere is left for the system to clean.</summary>
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
