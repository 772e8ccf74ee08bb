namespace Workbook.Tests;

/// <summary>
/// Chapter 06's migrations as <c>dotnet ef migrations add</c> scaffolds them, before they are edited by hand (kept as the
/// snapshots <c>06-schema-change.scaffolded.*</c>, which the pages show and a pitfall test applies). What the migrations do
/// to data is graded in process: the upgrade from chapter 05 keeping every row, backfilling <c>LastSeen</c> and cleaning the
/// emails, going down and up again, by the <c>keeps-data</c> check (<c>Chapter06</c>); the scaffolded <c>CommentText</c>
/// losing every text, by <c>PitfallTests</c>; a clean-up that fails halfway changing nothing, by <c>PageClaimTests</c>.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class SchemaChangeTests
{
    const string Chapter = "06-schema-change";

    /// <summary>The snapshot of a migration of chapter 06 as <c>dotnet ef migrations add</c> writes it, before it is edited by hand.</summary>
    /// <param name="name">The migration's name, such as <c>CommentText</c>.</param>
    public static string Scaffolded(string name) =>
        Path.Combine(Expectations.Folder(Solutions.Root), Expectations.SnapshotName(Chapter, "scaffolded", name + ".cs"));

    /// <summary>
    /// On a copy of the starter, the learner's path through the chapter: each step's model files from the solution, then
    /// <c>dotnet ef migrations add</c>. What the tool writes matches the <c>scaffolded</c> snapshots (the versions the page
    /// shows before the hand edits); only <c>CommentText</c> comes with the warning that data may be lost. Each scaffolded
    /// migration is then replaced by the solution's, as the learner edits it, before the next step.
    /// </summary>
    [Fact]
    public async Task Scaffolded_migrations_are_what_dotnet_ef_writes()
    {
        using var copy = await BuiltCopy.MakeAsync(Chapter, "chapters");
        var solution = Path.Combine(Solutions.Root, "solutions", Chapter);
        var outputs = new List<Output>();
        foreach (var (name, files) in new (string, string[])[] { ("UserProfile", ["Models/User.cs"]), ("CommentText", ["Models/Comment.cs", "Play.cs"]), ("CleanEmails", []) })
        {
            foreach (var file in files)
                copy.Write(file, File.ReadAllText(Path.Combine(solution, file)));
            var add = await DotnetCommand.RunAsync(copy.Folder, ["ef", "migrations", "add", name]);
            Assert.True(add.ExitCode == 0, add.Transcript($"dotnet ef migrations add {name}"));
            Assert.Equal(name == "CommentText", add.StandardOutput.Contains("may result in the loss of data"));

            var generated = Path.GetRelativePath(copy.Folder, Directory.GetFiles(Path.Combine(copy.Folder, "Migrations"), $"*_{name}.cs").Single());
            outputs.Add(new($"{name}.cs", Scrub.Lines(File.ReadAllText(Path.Combine(copy.Folder, generated)))));
            copy.Write(generated, File.ReadAllText(Directory.GetFiles(Path.Combine(solution, "Migrations"), $"*_{name}.cs").Single()));
        }
        SnapshotAssert.Matches(Chapter, "scaffolded", outputs);
    }
}
