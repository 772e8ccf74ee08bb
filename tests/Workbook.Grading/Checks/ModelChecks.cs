using Microsoft.EntityFrameworkCore.Metadata;

namespace Workbook.Grading.Checks;

/// <summary>The checks of a chapter's EF Core model, made without opening a database.</summary>
static class ModelChecks
{
    /// <summary>
    /// <c>context.txt</c>: the provider and connection string of the DbContext that the chapter's design-time
    /// factory makes, as <c>dotnet ef</c> would get it with no DATABASE_URL set (the learner's settings are kept out,
    /// see <see cref="LearnerEnvironment"/>), or what the factory threw.
    /// </summary>
    public static IReadOnlyList<Output> DesignTimeFactory(ChapterAssembly chapter)
    {
        string text;
        try
        {
            using var db = chapter.CreateDbContext();
            text = $"Provider: {db.Database.ProviderName}\nDatabase: {db.Database.GetConnectionString()}\n";
        }
        catch (ChapterCodeException error)
        {
            text = error.Message + "\n";
        }
        return [new("context.txt", Scrub.All(text, (chapter.Chapter.Folder, "{chapter}")))];
    }

    /// <summary>
    /// Graded. <c>schema.txt</c>: what the design-time model says of each entity type (<see cref="ModelSchema"/>):
    /// its table, columns with their types, nullability and maximum lengths, its indexes and its relationships.
    /// </summary>
    public static IReadOnlyList<Output> Model(ChapterAssembly chapter)
    {
        using var db = chapter.CreateDbContext();
        return [new("schema.txt", ModelSchema.Describe(db.GetService<IDesignTimeModel>().Model), Keyed: true)];
    }

    /// <summary>
    /// Solutions only. <c>create-script.sql</c>: the SQL that
    /// <see cref="RelationalDatabaseFacadeExtensions.GenerateCreateScript"/> writes for the model (the schema as
    /// EnsureCreated would make it, with no migrations involved); <c>description.txt</c>: EF Core's own description of
    /// the design-time model (<see cref="IReadOnlyModel.ToDebugString"/>, long form), with its ProductVersion scrubbed.
    /// </summary>
    public static IReadOnlyList<Output> ModelText(ChapterAssembly chapter)
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
