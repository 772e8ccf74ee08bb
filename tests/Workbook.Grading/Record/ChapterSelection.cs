namespace Workbook.Grading.Record;

/// <summary>Turns what a user typed (a folder, a chapter name) into the chapters to check.</summary>
public static class ChapterSelection
{
    /// <summary>Finds the chapters that <paramref name="path"/> and <paramref name="chapterName"/> select.</summary>
    /// <param name="root">The workbook's root, whose <c>chapters/</c> is used when <paramref name="path"/> is null.</param>
    /// <param name="manifest">The workbook's manifest.</param>
    /// <param name="path">
    /// Null, a clone of the workbook (a folder with <c>chapters/</c>), a folder of chapter folders, or one chapter
    /// folder (named as in the manifest). Relative paths are taken from the current folder.
    /// </param>
    /// <param name="chapterName">A chapter folder name or its number (<c>03</c>), or null for every chapter.</param>
    /// <param name="chapters">The chapters, in the manifest's order, when the call returns true.</param>
    /// <param name="problem">Why nothing could be selected, when the call returns false.</param>
    /// <returns>True when at least one chapter was selected.</returns>
    public static bool TryResolve(string root, Manifest manifest, string? path, string? chapterName,
        out IReadOnlyList<Chapter> chapters, out string problem)
    {
        chapters = [];
        problem = "";
        var folder = Path.GetFullPath(path ?? Path.Combine(root, "chapters"));
        if (!Directory.Exists(folder))
        {
            problem = $"There is no folder {folder}.";
            return false;
        }

        var single = manifest.Find(Path.GetFileName(Path.TrimEndingDirectorySeparator(folder)));
        if (single is not null && Directory.GetFiles(folder, "*.csproj").Length > 0)
        {
            chapters = [new Chapter(single, folder)];
        }
        else
        {
            var track = Directory.Exists(Path.Combine(folder, "chapters")) ? Path.Combine(folder, "chapters") : folder;
            if (!manifest.Chapters.Any(c => Directory.Exists(Path.Combine(track, c.Folder))))
            {
                problem = $"{folder} is not a workbook chapter: it is neither a chapter folder ({manifest.Chapters[0].Folder} ...), "
                    + "nor holds chapter folders, nor a chapters/ folder.";
                return false;
            }
            chapters = manifest.Chapters.Select(info => Chapter.In(track, "", info)).ToList();
        }

        if (chapterName is null)
            return true;
        if (Match(chapters.Select(c => c.Info).ToList(), chapterName) is not { } chosen)
        {
            problem = NoSuchChapter(chapterName, chapters.Select(c => c.Info).ToList());
            return false;
        }
        chapters = chapters.Where(c => c.Name == chosen.Folder).ToList();
        return true;
    }

    /// <summary>The chapter that <paramref name="chapterName"/> names: its folder name, or its number (<c>03</c>, <c>3</c>); null when none or several.</summary>
    /// <param name="chapters">The chapters to choose from.</param>
    /// <param name="chapterName">What the user typed.</param>
    public static ChapterInfo? Match(IReadOnlyList<ChapterInfo> chapters, string chapterName)
    {
        var number = int.TryParse(chapterName, out var n) ? n.ToString("00", System.Globalization.CultureInfo.InvariantCulture) : null;
        var chosen = chapters.Where(c => c.Folder == chapterName || c.Folder.StartsWith((number ?? chapterName.TrimEnd('-')) + "-", StringComparison.Ordinal)).ToList();
        return chosen.Count == 1 ? chosen[0] : null;
    }

    /// <summary>The sentence for a chapter name that names no chapter.</summary>
    public static string NoSuchChapter(string chapterName, IReadOnlyList<ChapterInfo> chapters) =>
        $"'{chapterName}' names no chapter here; the chapters are {string.Join(", ", chapters.Select(c => c.Folder))}.";
}
