using System.Text;
using Workbook.Checks;

namespace Workbook.Tests;

/// <summary>
/// The command-line workflow of chapter 03 on a fresh copy of the solution, with the real <c>dotnet ef</c>
/// and a real SQLite file: the tool and the app must agree on where <c>app.db</c> is, whichever folder they
/// are run from. Slower than the snapshot tests (it builds the copy), so it has a category of its own.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class CommandLineTests
{
    const string ChapterName = "03-first-migration";
    const string ChapterPath = "solutions/" + ChapterName;

    /// <summary>
    /// <c>dotnet ef database update</c> creates <c>app.db</c> in the chapter folder; <c>dotnet run</c> from the
    /// chapter folder and from the workbook root both see that migration applied; <c>dotnet ef migrations
    /// script</c> prints the upgrade SQL; <c>dotnet ef database update 0</c> takes it back out. The whole
    /// session is matched with its snapshot.
    /// </summary>
    [Fact]
    public async Task Dotnet_ef_and_dotnet_run_use_the_same_app_db()
    {
        var chapter = Chapter.In(Solutions.Root, "solutions", Solutions.Manifest[ChapterName]);
        using var copy = new WorkbookCopy(Solutions.Root, "solutions", chapter);
        var build = await DotnetCommand.RunAsync(copy.ChapterFolder, ["build", "--nologo"]);
        Assert.True(build.ExitCode == 0, build.Transcript("dotnet build"));

        var transcript = new StringBuilder();
        async Task Run(string folder, params string[] arguments)
        {
            var run = await DotnetCommand.RunAsync(Path.Combine(copy.Root, folder), arguments);
            transcript.Append(run.Transcript("dotnet " + string.Join(' ', arguments), folder)).Append('\n');
        }

        await Run(ChapterPath, "ef", "database", "update", "--no-build");
        await Run(ChapterPath, "run", "--no-build");
        await Run(".", "run", "--no-build", "--project", ChapterPath);
        await Run(ChapterPath, "ef", "migrations", "script", "--no-build");
        await Run(ChapterPath, "ef", "database", "update", "0", "--no-build");
        await Run(".", "run", "--no-build", "--project", ChapterPath);

        Assert.True(File.Exists(Path.Combine(copy.ChapterFolder, "app.db")), "app.db should be in the chapter folder");
        Assert.False(File.Exists(Path.Combine(copy.Root, "app.db")), "app.db should not be in the folder dotnet run was started from");
        SnapshotAssert.Matches(ChapterName, "command-line",
            [new Output("transcript.txt", Scrub.All(transcript.ToString(), (copy.ChapterFolder, "{chapter}")))]);
    }
}
