using Microsoft.Data.Sqlite;

namespace Blog;

/// <summary>`dotnet run -- backup`: a checked copy of the database in backups/ beside it, made while the app may be using it.</summary>
public static class Backup
{
    public static int Run(string connectionString)
    {
        // ReadWrite never creates a missing file; no pooling, so each file is closed with its connection.
        var source = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false };
        if (!File.Exists(source.DataSource))
        {
            Console.Error.WriteLine($"error: there is no database at {source.DataSource} to back up.");
            return 1;
        }

        // One file per backup, in backups/ beside the database, named for the moment in UTC.
        var name = Path.Combine("backups", $"app-{DateTime.UtcNow:yyyyMMdd-HHmmss}.db");
        var path = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(source.DataSource))!, name);
        // The copy is written under a name no backup has, and takes the backup's name only once it is complete and
        // checked: a copy cut short (a crash, a kill, a full disk) is never mistaken for a backup.
        var partial = path + ".partial";
        if (File.Exists(path))
        {
            Console.Error.WriteLine($"error: {name} already exists and is kept; try again in a second.");
            return 1;
        }
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            new FileStream(partial, FileMode.CreateNew).Dispose();
        }
        catch (IOException error)
        {
            Console.Error.WriteLine($"error: cannot create {name}.partial: {error.Message}");
            return 1;
        }

        var copy = new SqliteConnectionStringBuilder { DataSource = partial, Pooling = false }.ToString();
        try
        {
            // SQLite's online backup API copies page by page, consistently, even while others use the database.
            using (var from = new SqliteConnection(source.ToString()))
            using (var to = new SqliteConnection(copy))
            {
                from.Open();
                from.BackupDatabase(to);
            }
            var rows = Verify(copy);
            // Move without overwriting: an older backup of the same name stays as it is.
            File.Move(partial, path, overwrite: false);
            Console.WriteLine($"Backup: {name} (integrity check: ok)");
            foreach (var (table, count) in rows)
                Console.WriteLine($"  {table}: {count} row(s)");
            return 0;
        }
        catch (Exception error) when (error is SqliteException or IOException)
        {
            // A full disk ends up here (SQLite error 13): no half-written copy is left behind.
            File.Delete(partial);
            File.Delete(partial + "-journal");
            Console.Error.WriteLine(File.Exists(path)
                ? $"error: {name} already exists and is kept; try again in a second."
                : $"error: the backup failed and was deleted: {error.Message}");
            return 1;
        }
    }

    /// <summary>Opens the copy as a database, checks it, and counts the rows of each table.</summary>
    static List<(string Table, string Count)> Verify(string copy)
    {
        using var connection = new SqliteConnection(copy);
        connection.Open();
        var integrity = Query(connection, "PRAGMA integrity_check").Single();
        if (integrity != "ok")
            throw new IOException($"the copy failed SQLite's integrity check: {integrity}");

        var tables = Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        return tables.Select(table => (table, Query(connection, $"SELECT COUNT(*) FROM \"{table}\"").Single())).ToList();
    }

    static List<string> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
            values.Add(reader.GetValue(0).ToString()!);
        return values;
    }
}
