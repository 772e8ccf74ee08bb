using System.Collections.Immutable;
using System.Text.Json.Nodes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Workbook.Tests.Generator;

namespace Workbook.Tests;

/// <summary>
/// The chapters are data: the test classes per chapter, the chapters the check grades and their order come from
/// <c>workbook.json</c>, so that adding, removing or reordering a chapter changes no grader or test code.
/// </summary>
public sealed class ManifestTests
{
    /// <summary>The classes this test assembly was compiled with are one <c>ChapterNN</c> and one <c>PageNN</c> per chapter of the manifest.</summary>
    [Fact]
    public void The_test_classes_are_the_manifests_chapters()
    {
        var types = typeof(ManifestTests).Assembly.GetTypes();
        var chapters = types.Where(t => t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(ChapterTests<>))
            .Select(t => (string)t.GetProperty(nameof(ISolutionChapter.Folder))!.GetValue(null)!).Order(StringComparer.Ordinal);
        var pages = types.Where(t => t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(PageTests<>))
            .Select(t => t.Name);

        var folders = Solutions.Manifest.Chapters.Select(c => c.Folder).ToList();
        Assert.Equal(folders.Order(StringComparer.Ordinal), chapters);
        Assert.Equal(folders.Select(f => "Page" + f[..2]).Order(StringComparer.Ordinal), pages.Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// The generator, run by Roslyn on the real manifest with a chapter taken out, then with two chapters swapped, writes
    /// the classes of exactly the chapters listed, in the manifest's order; a chapter added to the manifest gets its classes.
    /// </summary>
    [Fact]
    public void A_manifest_with_a_chapter_removed_reordered_or_added_drives_the_test_classes()
    {
        var removed = Edited(chapters => chapters.RemoveAt(3));
        Assert.Equal(["01", "02", "03", "05", "06", "07"], GeneratedChapters(removed));

        var reordered = Edited(chapters => (chapters[4], chapters[5]) = (chapters[5]!.DeepClone(), chapters[4]!.DeepClone()));
        Assert.Equal(["01", "02", "03", "04", "06", "05", "07"], GeneratedChapters(reordered));

        var added = Edited(chapters =>
        {
            var eighth = chapters[6]!.DeepClone();
            eighth["folder"] = "08-deployment";
            chapters.Add(eighth);
        });
        Assert.Equal(["01", "02", "03", "04", "05", "06", "07", "08"], GeneratedChapters(added));
    }

    /// <summary>
    /// The check's chapter selection follows the manifest it is given: with a chapter taken out, "04" names no chapter and the
    /// progress view lists the others in order; with two swapped, they come in the manifest's order.
    /// </summary>
    [Fact]
    public void The_checks_chapter_list_follows_the_manifest()
    {
        var all = Solutions.Manifest.Chapters;
        var removed = new Manifest([.. all.Where(c => !c.Folder.StartsWith("04-", StringComparison.Ordinal))]);
        Assert.Null(ChapterSelection.Match(removed.Chapters, "04"));
        Assert.Equal("05-shell-play", ChapterSelection.Match(removed.Chapters, "05")!.Folder);
        Assert.Equal("03-first-migration", removed.Previous(removed["05-shell-play"])!.Folder);

        var reordered = new Manifest([all[0], all[2], all[1], .. all.Skip(3)]);
        Assert.Equal("01-configuration", reordered.Previous(reordered["03-first-migration"])!.Folder);
        Assert.True(ChapterSelection.TryResolve(Solutions.Root, reordered, null, null, out var chapters, out var problem), problem);
        Assert.Equal(reordered.Chapters.Select(c => c.Folder), chapters.Select(c => c.Name));
    }

    static string Edited(Action<JsonArray> edit)
    {
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(Solutions.Root, WorkbookLayout.ManifestFile)))!;
        edit(manifest["chapters"]!.AsArray());
        return manifest.ToJsonString();
    }

    /// <summary>The chapter numbers of the <c>ChapterNN</c> classes the generator writes for <paramref name="manifest"/>, in the order written.</summary>
    static IReadOnlyList<string> GeneratedChapters(string manifest)
    {
        var driver = CSharpGeneratorDriver.Create(new ChapterClassesGenerator())
            .AddAdditionalTexts([new ManifestText(manifest)])
            .RunGenerators(CSharpCompilation.Create("chapters"));
        var source = driver.GetRunResult().GeneratedTrees.Single().ToString();
        var classes = System.Text.RegularExpressions.Regex.Matches(source, @"class Chapter(\d\d)\(").Select(m => m.Groups[1].Value).ToList();
        var pages = System.Text.RegularExpressions.Regex.Matches(source, @"class Page(\d\d) ").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(classes, pages);
        return classes;
    }

    sealed class ManifestText(string text) : AdditionalText
    {
        public override string Path => "/workbook/workbook.json";

        public override SourceText GetText(CancellationToken cancellationToken = default) => SourceText.From(text);
    }
}
