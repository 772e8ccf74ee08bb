#:package Microsoft.EntityFrameworkCore.Sqlite
// Runs SQL on a SQLite file and prints what comes back, with the .NET SDK alone (no sqlite3 needed):
//   dotnet run ../../tools/sql.cs -- app.db "SELECT Id, Username FROM Users"
// The package's version is the workbook's own (Directory.Packages.props), so it is already on your machine.
using Microsoft.Data.Sqlite;

if (args is not [var file, var sql])
{
    Console.Error.WriteLine("usage: dotnet run tools/sql.cs -- FILE.db \"SQL\"");
    return 2;
}
if (!File.Exists(file))
{
    // SQLite would quietly create an empty file: say so instead.
    Console.Error.WriteLine($"error: there is no {file} here ({Environment.CurrentDirectory})");
    return 1;
}

using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file }.ToString());
connection.Open();
using var command = connection.CreateCommand();
command.CommandText = sql;
using var reader = command.ExecuteReader();
do
{
    // One line per row, the columns separated by " | ".
    while (reader.Read())
        Console.WriteLine(string.Join(" | ", Enumerable.Range(0, reader.FieldCount)
            .Select(i => reader.IsDBNull(i) ? "NULL" : reader.GetValue(i))));
} while (reader.NextResult());
if (reader.RecordsAffected >= 0)
    Console.WriteLine($"{reader.RecordsAffected} row(s) changed");
return 0;
