namespace Workbook.Grading.Reading;

/// <summary>Reads back what a SQLite file holds, as SQL a person can compare.</summary>
public static class SqliteDatabase
{
    /// <summary>
    /// The connection string the checks use for a SQLite file: no pooling, so that the file is closed with its
    /// connection and a temp folder can be deleted.
    /// </summary>
    /// <param name="sqliteFile">Path of the database file.</param>
    /// <param name="readOnly">Open it read-only (it must exist) rather than read-write (it is created when missing).</param>
    public static string ConnectionString(string sqliteFile, bool readOnly = false) => new SqliteConnectionStringBuilder
    {
        DataSource = sqliteFile,
        Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
        Pooling = false,
    }.ToString();

    /// <summary>
    /// Runs <paramref name="sql"/>, one statement or several, on a SQLite file and yields the rows of every result it
    /// reads, in order, each as its values (null for NULL), as they are read: rows read before a statement that fails
    /// come before the exception, as the <c>sqlite3</c> shell prints them before its error.
    /// </summary>
    /// <param name="sqliteFile">Path of the database file.</param>
    /// <param name="sql">The SQL to run.</param>
    /// <param name="readOnly">
    /// Open the file read-only (it must exist), or read-write to change it (created when missing, as <c>sqlite3</c> does).
    /// </param>
    /// <returns>The rows, read lazily: the file is opened on the first <c>MoveNext</c> and closed after the last.</returns>
    /// <exception cref="SqliteException">While enumerating: the file cannot be opened, or a statement fails.</exception>
    public static IEnumerable<object?[]> Rows(string sqliteFile, string sql, bool readOnly = true)
    {
        using var connection = new SqliteConnection(ConnectionString(sqliteFile, readOnly));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        do
        {
            while (reader.Read())
                yield return Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray();
        }
        while (reader.NextResult());
    }

    /// <summary>Runs <paramref name="sql"/>, one statement or several that read no rows, on an existing SQLite file.</summary>
    /// <param name="sqliteFile">Path of the database file; it is opened read-write, never created.</param>
    /// <param name="sql">The statements, such as <c>INSERT</c>s.</param>
    /// <returns>The number of rows the statements inserted, updated or deleted.</returns>
    /// <exception cref="SqliteException">The file is missing or not a database, or a statement fails.</exception>
    public static int Execute(string sqliteFile, string sql)
    {
        var existing = new SqliteConnectionStringBuilder(ConnectionString(sqliteFile)) { Mode = SqliteOpenMode.ReadWrite };
        using var connection = new SqliteConnection(existing.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>A row as the <c>sqlite3</c> shell prints it: its values joined by '|', NULL as nothing, numbers in the invariant culture.</summary>
    /// <param name="row">A row from <see cref="Rows"/>.</param>
    public static string Line(object?[] row) => string.Join('|', row.Select(value => Convert.ToString(value, CultureInfo.InvariantCulture)));

    /// <summary>
    /// The <c>CREATE</c> statements SQLite keeps in <c>sqlite_master</c> (tables, then their indexes, by name,
    /// SQLite's own internal objects left out), followed by the ids in <c>__EFMigrationsHistory</c> if that table exists.
    /// </summary>
    /// <param name="sqliteFile">Path of an existing SQLite database file; it is opened read-only.</param>
    /// <returns>The statements, each ending in ";\n", and a comment line per applied migration.</returns>
    /// <exception cref="SqliteException">The file is missing or is not a SQLite database.</exception>
    public static string Read(string sqliteFile)
    {
        using var connection = new SqliteConnection(ConnectionString(sqliteFile, readOnly: true));
        connection.Open();

        var text = new StringBuilder();
        var hasHistory = false;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                SELECT name, sql FROM sqlite_master
                WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
                ORDER BY tbl_name, type = 'index', name;
                """;
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                hasHistory |= reader.GetString(0) == "__EFMigrationsHistory";
                text.Append(reader.GetString(1)).Append(";\n\n");
            }
        }

        if (hasHistory)
        {
            using var command = connection.CreateCommand();
            command.CommandText = """SELECT "MigrationId" FROM "__EFMigrationsHistory" ORDER BY "MigrationId";""";
            using var reader = command.ExecuteReader();
            text.Append("-- applied migrations\n");
            while (reader.Read())
                text.Append("-- ").Append(reader.GetString(0)).Append('\n');
        }
        return Scrub.Lines(text.ToString());
    }
}
