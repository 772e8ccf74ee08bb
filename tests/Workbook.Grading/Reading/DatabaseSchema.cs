using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Scaffolding;
using Microsoft.EntityFrameworkCore.Scaffolding.Metadata;
using Microsoft.EntityFrameworkCore.Sqlite.Design.Internal;
using Microsoft.Extensions.DependencyInjection;
using Npgsql.EntityFrameworkCore.PostgreSQL.Design.Internal;

namespace Workbook.Grading.Reading;

/// <summary>
/// Reads the schema of a live database back, as EF Core's own migration tests do: the provider's design-time
/// <see cref="IDatabaseModelFactory"/> turns the database into a <see cref="DatabaseModel"/>, written here as
/// <see cref="KeyedText"/> a person can read and the grading can compare line by line.
/// </summary>
public static class DatabaseSchema
{
#pragma warning disable EF1001 // see ModelFactory
    static readonly Lazy<IDatabaseModelFactory> Sqlite = new(() => ModelFactory(new SqliteDesignTimeServices()));

    static readonly Lazy<IDatabaseModelFactory> Postgres = new(() => ModelFactory(new NpgsqlDesignTimeServices()));
#pragma warning restore EF1001

    /// <summary>
    /// The provider's <see cref="IDatabaseModelFactory"/>, from its design-time services: what <c>dotnet ef dbcontext
    /// scaffold</c> uses. EF Core marks those types internal (EF1001), but it is the documented way to get a provider's
    /// IDatabaseModelFactory outside the tool.
    /// </summary>
    static IDatabaseModelFactory ModelFactory(IDesignTimeServices provider)
    {
        var services = new ServiceCollection().AddEntityFrameworkDesignTimeServices();
        provider.ConfigureDesignTimeServices(services);
        return services.BuildServiceProvider().GetRequiredService<IDatabaseModelFactory>();
    }

    /// <summary>The text when the database holds no table of the app (EF Core's own tables aside).</summary>
    public const string Empty = "(no tables)\n";

    /// <summary>
    /// The schema of the SQLite file <paramref name="sqliteFile"/>: one block per table in ordinal name order, EF
    /// Core's own tables (<c>__EFMigrationsHistory</c>, <c>__EFMigrationsLock</c>) left out. Each block is
    /// <c>Users: table</c>, then one line per column (primary-key columns first, then by name) with its store type and
    /// <c>NOT NULL</c> or <c>NULL</c>, the primary key, each index with its columns and whether it is unique, and each
    /// foreign key with the table and columns it references and its delete rule. Names the database gives constraints
    /// and indexes are left out, and so are column defaults (SQLite needs one to add a NOT NULL column to a table with
    /// rows; the app always writes the value): they are not behaviour.
    /// </summary>
    /// <param name="sqliteFile">An existing SQLite file; it is opened read-only.</param>
    /// <returns>The schema as keyed text, or <see cref="Empty"/>.</returns>
    /// <exception cref="Microsoft.Data.Sqlite.SqliteException">The file is not a SQLite database.</exception>
    public static string ReadSqlite(string sqliteFile) =>
        Describe(Sqlite.Value.Create(SqliteDatabase.ConnectionString(sqliteFile, readOnly: true), new DatabaseModelFactoryOptions()));

    /// <summary>
    /// The schema of a PostgreSQL database, read from the server's catalog by Npgsql's design-time services, in the
    /// layout of <see cref="ReadSqlite"/> (store types are PostgreSQL's, such as <c>character varying(64)</c>).
    /// </summary>
    /// <param name="connectionString">An Npgsql connection string for the database.</param>
    /// <exception cref="Npgsql.NpgsqlException">The server cannot be reached or refuses.</exception>
    public static string ReadPostgres(string connectionString) =>
        Describe(Postgres.Value.Create(connectionString, new DatabaseModelFactoryOptions()));

    /// <summary>Writes a database model as keyed text (see <see cref="ReadSqlite"/> for the layout).</summary>
    /// <param name="database">A model read by a provider's <see cref="IDatabaseModelFactory"/>.</param>
    public static string Describe(DatabaseModel database)
    {
        var text = new StringBuilder();
        foreach (var table in database.Tables.Where(t => !t.Name.StartsWith("__EF", StringComparison.Ordinal)).OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            if (text.Length > 0)
                text.Append('\n');
            text.Append($"{table.Name}: table\n");
            var keyColumns = table.PrimaryKey?.Columns.Select(c => c.Name).ToList() ?? [];
            foreach (var column in table.Columns.OrderBy(c => keyColumns.Contains(c.Name) ? 0 : 1).ThenBy(c => c.Name, StringComparer.Ordinal))
            {
                text.Append($"{table.Name}.{column.Name}: {column.StoreType} {(column.IsNullable ? "NULL" : "NOT NULL")}\n");
            }
            if (keyColumns.Count > 0)
                text.Append($"{table.Name} primary key: ({string.Join(", ", keyColumns)})\n");
            foreach (var index in table.Indexes.OrderBy(i => Columns(i.Columns), StringComparer.Ordinal))
                text.Append($"{table.Name} index ({Columns(index.Columns)}): {(index.IsUnique ? "unique" : "not unique")}\n");
            foreach (var key in table.ForeignKeys.OrderBy(k => Columns(k.Columns), StringComparer.Ordinal))
                text.Append($"{table.Name} foreign key ({Columns(key.Columns)}): references {key.PrincipalTable.Name} "
                    + $"({Columns(key.PrincipalColumns)}), on delete {DeleteRule(key.OnDelete)}\n");
        }
        return text.Length == 0 ? Empty : text.ToString();
    }

    static string Columns(IEnumerable<DatabaseColumn> columns) => string.Join(", ", columns.Select(c => c.Name));

    /// <summary>The delete rule as SQL says it, such as <c>cascade</c> or <c>no action</c>.</summary>
    public static string DeleteRule(ReferentialAction? action) => action switch
    {
        ReferentialAction.Cascade => "cascade",
        ReferentialAction.SetNull => "set null",
        ReferentialAction.SetDefault => "set default",
        ReferentialAction.Restrict => "restrict",
        _ => "no action",
    };
}
