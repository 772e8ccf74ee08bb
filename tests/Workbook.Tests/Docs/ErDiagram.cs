using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Workbook.Tests.Docs;

/// <summary>Draws an EF Core model as a Mermaid <c>erDiagram</c>, the way the docs show each chapter's schema.</summary>
public static class ErDiagram
{
    /// <summary>
    /// The diagram of <paramref name="model"/>: one block per table (in table-name order) listing its columns
    /// in declaration order as <c>TYPE Name KEYS "notes"</c>, where KEYS are <c>PK</c>, <c>FK</c> and <c>UK</c> (a
    /// unique index on that column alone) and the notes give the maximum length, <c>indexed</c> and
    /// <c>nullable</c>; then one line per foreign key, <c>Principal ||--o{ Dependent</c> for a required one
    /// (<c>|o--o{</c> for an optional one), labelled with its two navigations.
    /// </summary>
    /// <param name="model">A design-time model (with its relational annotations), such as a DbContext's.</param>
    /// <returns>The fenced <c>mermaid</c> block, ending in '\n'.</returns>
    public static string Mermaid(IModel model)
    {
        var text = new StringBuilder("```mermaid\nerDiagram\n");
        var entities = model.GetEntityTypes().OrderBy(e => e.GetTableName(), StringComparer.Ordinal).ToList();
        foreach (var entity in entities)
        {
            text.Append($"    {entity.GetTableName()} {{\n");
            var declared = entity.ClrType.GetProperties().Select(p => p.Name).ToList();
            foreach (var property in entity.GetProperties().OrderBy(p => declared.IndexOf(p.Name)))
                text.Append($"        {property.GetColumnType()} {property.GetColumnName()}{Keys(property)}{Notes(property)}\n");
            text.Append("    }\n");
        }
        foreach (var key in entities.SelectMany(e => e.GetForeignKeys()))
        {
            var principal = key.IsRequired ? "||" : "|o";
            var label = $"{key.PrincipalToDependent?.Name ?? "-"} / {key.DependentToPrincipal?.Name ?? "-"}";
            text.Append($"    {key.PrincipalEntityType.GetTableName()} {principal}--o{{ {key.DeclaringEntityType.GetTableName()} : \"{label}\"\n");
        }
        return text.Append("```\n").ToString();
    }

    static string Keys(IProperty property)
    {
        var keys = new List<string>();
        if (property.IsPrimaryKey())
            keys.Add("PK");
        if (property.IsForeignKey())
            keys.Add("FK");
        if (property.GetContainingIndexes().Any(i => i.IsUnique && i.Properties.Count == 1))
            keys.Add("UK");
        return keys.Count == 0 ? "" : " " + string.Join(", ", keys);
    }

    static string Notes(IProperty property)
    {
        var notes = new List<string>();
        if (property.GetMaxLength() is { } length)
            notes.Add($"max {length}");
        if (property.GetContainingIndexes().Any(i => !i.IsUnique))
            notes.Add("indexed");
        if (property.IsNullable)
            notes.Add("nullable");
        return notes.Count == 0 ? "" : $" \"{string.Join(", ", notes)}\"";
    }
}
