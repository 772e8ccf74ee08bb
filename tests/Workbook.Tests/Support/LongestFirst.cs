using System.Text.RegularExpressions;
using Workbook.Tests.Docs;
using Xunit.Abstractions;

[assembly: TestCollectionOrderer("Workbook.Tests.LongestFirst", "Workbook.Tests")]

namespace Workbook.Tests;

/// <summary>
/// Starts the test collections that run longest first, so that a run does not end with one page of <c>docs/</c>
/// running alone while the machine's other cores have nothing left to do: the pages (one collection each, whose
/// commands run one after the other) come first, the page with the most work first (see <see cref="Weight"/>), then
/// every other collection in the order xunit gives them.
/// </summary>
public sealed partial class LongestFirst : ITestCollectionOrderer
{
    /// <summary>Orders <paramref name="testCollections"/> by <see cref="Weight"/>, most first; ties keep xunit's order.</summary>
    /// <param name="testCollections">The collections xunit found, one per test class.</param>
    /// <returns>The same collections, each once.</returns>
    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        testCollections.Select((collection, index) => (Collection: collection, Index: index))
            .OrderByDescending(entry => Weight(entry.Collection))
            .ThenBy(entry => entry.Index)
            .Select(entry => entry.Collection);

    /// <summary>
    /// How much the page a collection follows runs: its <c>dotnet</c> commands, a <c>dotnet ef</c> command counted twice
    /// (it builds, then starts EF Core's tools: on the pages' test runs it took about twice as long as the others); 0
    /// for a collection that follows no page.
    /// A collection's class is read from its display name, <c>Test collection for &lt;class&gt;</c>, as xunit names
    /// the collection of a class that names none.
    /// </summary>
    /// <param name="collection">A test collection of this assembly.</param>
    public static int Weight(ITestCollection collection)
    {
        const string Prefix = "Test collection for ";
        if (!collection.DisplayName.StartsWith(Prefix, StringComparison.Ordinal)
            || typeof(LongestFirst).Assembly.GetType(collection.DisplayName[Prefix.Length..]) is not { } type
            || type.BaseType is not { IsGenericType: true } page
            || page.GetGenericTypeDefinition() != typeof(PageTests<>))
            return 0;
        var folder = (string)page.GetGenericArguments()[0].GetProperty(nameof(ISolutionChapter.Folder))!.GetValue(null)!;
        return DocPage.Load(Path.Combine(DocsTests.DocsFolder, folder + ".md")).Parts.OfType<ConsolePart>()
            .SelectMany(part => part.Commands)
            .Sum(command => Dotnet().IsMatch(command.Text) ? (DotnetEf().IsMatch(command.Text) ? 2 : 1) : 0);
    }

    [GeneratedRegex(@"(^|\s)dotnet\s")]
    private static partial Regex Dotnet();

    [GeneratedRegex(@"(^|\s)dotnet\s+ef\s")]
    private static partial Regex DotnetEf();
}
