using Microsoft.Data.Sqlite;

namespace Blog;

/// <summary>`dotnet run -- backup`: a checked copy of the database in backups/, made while the app may be using it.</summary>
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

        // One file per backup, named for the moment in UTC; CreateNew fails rather than overwrite an older one.
        var name = Path.Combine("backups", $"app-{DateTime.UtcNow:yyyyMMdd-HHmmss}.db");
        var path = Path.Combine(Config.BaseDir, name);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            new FileStream(path, FileMode.CreateNew).Dispose();
        }
        catch (IOException error)
        {
            Console.Error.WriteLine(File.Exists(path)
                ? $"error: {name} already exists and is kept; try again in a second."
                : $"error: cannot create {name}: {error.Message}");
            return 1;
        }

        var copy = new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString();
        try
        {
            // SQLite's online backup API copies page by page, consistently, even while others use the database.
            using (var from = new SqliteConnection(source.ToString()))
            using (var to = new SqliteConnection(copy))
            {
                from.Open();
                from.BackupDatabase(to);
            }
            return Verify(copy, name);
        }
        catch (Exception error) when (error is SqliteException or IOException)
        {
            // A full disk ends up here (SQLite error 13): no half-written copy is left behind.
            File.Delete(path);
            File.Delete(path + "-journal");
            Console.Error.WriteLine($"error: the backup failed and was deleted: {error.Message}");
            return 1;
        }
    }

    /// <summary>Opens the copy as a database, checks it, and prints how many rows each table holds.</summary>
    static int Verify(string copy, string name)
    {
        using var connection = new SqliteConnection(copy);
        connection.Open();
        var integrity = Query(connection, "PRAGMA integrity_check").Single();
        if (integrity != "ok")
            throw new IOException($"the copy failed SQLite's integrity check: {integrity}");

        Console.WriteLine($"Backup: {name} (integrity check: ok)");
        var tables = Query(connection, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        foreach (var table in tables)
            Console.WriteLine($"  {table}: {Query(connection, $"SELECT COUNT(*) FROM \"{table}\"").Single()} row(s)");
        return 0;
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
