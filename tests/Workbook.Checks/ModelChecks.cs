using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Workbook.Checks;

/// <summary>The checks of a chapter's EF Core model, made without opening a database.</summary>
static class ModelChecks
{
    /// <summary>
    /// <c>create-script.sql</c>: the SQL that <see cref="RelationalDatabaseFacadeExtensions.GenerateCreateScript"/>
    /// writes for the model (the schema as EnsureCreated would make it, with no migrations involved);
    /// <c>description.txt</c>: EF Core's own description of the design-time model
    /// (<see cref="IReadOnlyModel.ToDebugString"/>, long form), with its ProductVersion scrubbed.
    /// </summary>
    public static IReadOnlyList<Output> Model(ChapterAssembly chapter)
    {
        using var db = chapter.CreateDbContext();
        var model = db.GetService<IDesignTimeModel>().Model;
        return
        [
            new("create-script.sql", Scrub.Lines(db.Database.GenerateCreateScript())),
            new("description.txt", Scrub.Volatile(Scrub.Lines(model.ToDebugString(MetadataDebugStringOptions.ShortDefault)))),
        ];
    }
}
