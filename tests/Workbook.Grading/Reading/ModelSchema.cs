using Microsoft.EntityFrameworkCore.Metadata;

namespace Workbook.Grading.Reading;

/// <summary>
/// Writes an EF Core model as <see cref="KeyedText"/>: what the model says about each entity type's table, columns,
/// indexes and relationships, including what a SQLite database does not keep (maximum lengths, navigations).
/// </summary>
public static class ModelSchema
{
    /// <summary>
    /// One block per entity type, by CLR type name: <c>User table: Users</c>, then one line per property (key first,
    /// then by name) with its column type, <c>NOT NULL</c> or <c>NULL</c>, <c>key</c>, its maximum length and its
    /// default if any; one line per index (<c>User index (Email): unique</c>) and one per foreign key, with the
    /// principal entity type, whether it is required, the delete behaviour and the navigations on both ends.
    /// </summary>
    /// <param name="model">A design-time model, with its relational annotations (a DbContext's <c>IDesignTimeModel</c>).</param>
    public static string Describe(IModel model)
    {
        var text = new StringBuilder();
        foreach (var entity in model.GetEntityTypes().Where(e => !e.IsOwned()).OrderBy(e => e.ClrType.Name, StringComparer.Ordinal))
        {
            var name = entity.ClrType.Name;
            if (text.Length > 0)
                text.Append('\n');
            text.Append($"{name} table: {entity.GetTableName()}\n");
            foreach (var property in entity.GetProperties().OrderBy(p => p.IsPrimaryKey() ? 0 : 1).ThenBy(p => p.Name, StringComparer.Ordinal))
            {
                var notes = new List<string> { $"{property.GetColumnType()} {(property.IsNullable ? "NULL" : "NOT NULL")}" };
                if (property.IsPrimaryKey())
                    notes.Add("key");
                if (property.GetMaxLength() is { } length)
                    notes.Add($"max length {length}");
                // Only a default the model configures (HasDefaultValue, HasDefaultValueSql), not the CLR type's.
                if (property.FindAnnotation(RelationalAnnotationNames.DefaultValueSql)?.Value is { } defaultSql)
                    notes.Add($"default {defaultSql}");
                else if (property.FindAnnotation(RelationalAnnotationNames.DefaultValue)?.Value is { } defaultValue)
                    notes.Add(FormattableString.Invariant($"default {defaultValue}"));
                text.Append($"{name}.{property.Name}: {string.Join(", ", notes)}\n");
            }
            foreach (var index in entity.GetIndexes().OrderBy(i => Names(i.Properties), StringComparer.Ordinal))
                text.Append($"{name} index ({Names(index.Properties)}): {(index.IsUnique ? "unique" : "not unique")}\n");
            foreach (var key in entity.GetForeignKeys().OrderBy(k => Names(k.Properties), StringComparer.Ordinal))
            {
                var navigations = $"{key.DependentToPrincipal?.Name ?? "(none)"} / {key.PrincipalToDependent?.Name ?? "(none)"}";
                text.Append($"{name} foreign key ({Names(key.Properties)}): references {key.PrincipalEntityType.ClrType.Name} "
                    + $"({Names(key.PrincipalKey.Properties)}), {(key.IsRequired ? "required" : "optional")}, "
                    + $"on delete {DeleteBehaviour(key.DeleteBehavior)}, navigations {navigations}\n");
            }
        }
        return text.Length == 0 ? "(no entity types)\n" : text.ToString();
    }

    static string Names(IEnumerable<IReadOnlyProperty> properties) => string.Join(", ", properties.Select(p => p.Name));

    static string DeleteBehaviour(DeleteBehavior behaviour) => behaviour switch
    {
        DeleteBehavior.Cascade => "cascade",
        DeleteBehavior.SetNull => "set null",
        DeleteBehavior.Restrict => "restrict",
        DeleteBehavior.NoAction => "no action",
        DeleteBehavior.ClientCascade => "cascade (in the DbContext only)",
        DeleteBehavior.ClientSetNull => "set null (in the DbContext only)",
        _ => "no action (in the DbContext only)",
    };
}
