using Workbook.Checks;

namespace Workbook.Tests;

/// <summary>Names one solution chapter for <see cref="ChapterTests{TChapter}"/>.</summary>
public interface ISolutionChapter
{
    /// <summary>The chapter's folder name, such as <c>03-first-migration</c>.</summary>
    static abstract string Folder { get; }
}

/// <summary>
/// Runs every check the manifest lists for one solution chapter and matches the outputs with their
/// snapshots. One class per chapter, so that xunit runs the chapters in parallel and a chapter's tests
/// can be run alone (<c>--filter FullyQualifiedName~Chapter03</c>).
/// </summary>
/// <typeparam name="TChapter">The class that names the chapter.</typeparam>
public abstract class ChapterTests<TChapter> where TChapter : ISolutionChapter
{
    /// <summary>
    /// The names of the checks the manifest lists for the chapter, as theory data, less those that read the
    /// chapter's own <c>app.db</c>: a solution has none until <c>dotnet ef database update</c> runs, which
    /// <see cref="CommandLineTests"/> does on a copy.
    /// </summary>
    public static TheoryData<string> ChecksOfChapter =>
        new(Solutions.Manifest[TChapter.Folder].Checks.Where(name => !Checks.Checks.Named(name).ReadsChapterDatabase));

    /// <summary>The chapter's outputs of one check equal its snapshots.</summary>
    /// <param name="check">A check name from the manifest.</param>
    [Theory]
    [MemberData(nameof(ChecksOfChapter))]
    public async Task Check_matches_snapshots(string check)
    {
        var chapter = Solutions.Load(TChapter.Folder);
        SnapshotAssert.Matches(TChapter.Folder, check, await Checks.Checks.Named(check).Run(chapter));
    }
}

/// <summary>The snapshot tests of <c>solutions/01-configuration</c>.</summary>
public sealed class Chapter01 : ChapterTests<Chapter01>, ISolutionChapter
{
    /// <inheritdoc />
    public static string Folder => "01-configuration";
}

/// <summary>The snapshot tests of <c>solutions/02-user-model</c>.</summary>
public sealed class Chapter02 : ChapterTests<Chapter02>, ISolutionChapter
{
    /// <inheritdoc />
    public static string Folder => "02-user-model";
}

/// <summary>The snapshot tests of <c>solutions/03-first-migration</c>.</summary>
public sealed class Chapter03 : ChapterTests<Chapter03>, ISolutionChapter
{
    /// <inheritdoc />
    public static string Folder => "03-first-migration";
}

/// <summary>The snapshot tests of <c>solutions/04-comment-relationship</c>.</summary>
public sealed class Chapter04 : ChapterTests<Chapter04>, ISolutionChapter
{
    /// <inheritdoc />
    public static string Folder => "04-comment-relationship";
}

/// <summary>The snapshot tests of <c>solutions/05-shell-play</c>.</summary>
public sealed class Chapter05 : ChapterTests<Chapter05>, ISolutionChapter
{
    /// <inheritdoc />
    public static string Folder => "05-shell-play";
}
