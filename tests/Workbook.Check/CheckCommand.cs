using Workbook.Grading;

/// <summary>What the check command does with its arguments: find the chapters, check them, report.</summary>
static class CheckCommand
{
    /// <summary>Checks the chapters that <paramref name="chapterName"/> and <paramref name="path"/> select.</summary>
    /// <param name="chapterName">A chapter folder name or its number (<c>03</c>), or null for all chapters.</param>
    /// <param name="path">A workbook clone, a chapters folder or one chapter folder; null for this workbook's <c>chapters/</c>.</param>
    /// <param name="jsonFile">A file to write the JSON report to, or null.</param>
    /// <param name="output">Where the text report goes.</param>
    /// <returns>0 when every chapter checked passes, 1 when one fails, 2 when the arguments select nothing to check.</returns>
    public static async Task<int> RunAsync(string? chapterName, string? path, string? jsonFile, TextWriter output)
    {
        var root = Workspace.FindRoot();
        var manifest = Manifest.Load(root);
        if (!ChapterSelection.TryResolve(root, manifest, path, chapterName, out var chapters, out var problem))
        {
            var result = new ChapterResult(chapterName ?? path ?? "", "", Status.Error, false, problem, []);
            await output.WriteAsync(Report.Details(result));
            if (jsonFile is not null)
                await File.WriteAllTextAsync(jsonFile, Report.ToJson([result]));
            return 2;
        }

        var grader = new Grader(root, manifest);
        var results = new List<ChapterResult>();
        foreach (var chapter in chapters)
            results.Add(await grader.GradeAsync(chapter));

        var detailed = chapterName is not null || results.Count == 1;
        await output.WriteAsync(detailed ? string.Concat(results.Select(Report.Details)) : Report.Summary(results));
        if (!detailed && results.Any(r => r.Status != Status.Pass))
        {
            var next = results.First(r => r.Status != Status.Pass);
            await output.WriteAsync($"\nTo see what differs in a chapter: dotnet run --project tests/Workbook.Check -- {next.Chapter}\n");
        }
        if (jsonFile is not null)
            await File.WriteAllTextAsync(jsonFile, Report.ToJson(results));
        return results.All(r => r.Status == Status.Pass) ? 0 : 1;
    }
}
