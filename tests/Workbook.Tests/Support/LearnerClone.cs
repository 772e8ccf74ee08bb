using System.Diagnostics;
using System.Text;

namespace Workbook.Tests;

/// <summary>
/// A learner's clone of the workbook under test, in a temp folder: a real <c>git clone</c> of this repository whose last
/// commit holds the working tree as it is (so that a change not yet committed is tested too, and the learner's
/// <c>git status</c> starts clean), a home folder of its own (no user secret of the machine), the local tools restored
/// (<c>dotnet tool restore</c>, as the README says a learner does once), and a cache folder of its own for the check.
/// The chapters before a given one can be left as a learner leaves them (<see cref="FinishChaptersBeforeAsync"/>).
/// Deleted on dispose.
/// </summary>
public sealed class LearnerClone : IDisposable
{
    readonly TempFolder temp = new();

    LearnerClone()
    {
        Directory.CreateDirectory(Home);
        Directory.CreateDirectory(Cache);
    }

    /// <summary>The clone's root folder, <c>workbook/</c> in the temp folder.</summary>
    public string Root => temp["workbook"];

    /// <summary>The learner's home folder.</summary>
    public string Home => temp["home"];

    /// <summary>The check's cache folder (its workbenches) for this learner.</summary>
    public string Cache => temp["cache"];

    /// <summary>The folder of a chapter in the clone's <c>chapters/</c>.</summary>
    /// <param name="chapter">The chapter's folder name.</param>
    public string Chapter(string chapter) => Path.Combine(Root, "chapters", chapter);

    /// <summary>
    /// The environment of the learner's terminal: <c>PATH</c> (the system's and the SDK's folders), the clone's home, the
    /// machine's NuGet package folder (restores work offline from it), the C.UTF-8 locale, a far time zone (no page output
    /// may depend on it), the SDK's first-run messages and telemetry off, the check's cache folder, and nothing else of this
    /// machine (no <c>DATABASE_URL</c>, no token).
    /// </summary>
    public Dictionary<string, string> Environment => new()
    {
        ["PATH"] = string.Join(Path.PathSeparator, [ChildEnvironment.DotnetRoot, "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]),
        ["HOME"] = Home,
        ["DOTNET_CLI_HOME"] = Home,
        ["DOTNET_ROOT"] = ChildEnvironment.DotnetRoot,
        ["NUGET_PACKAGES"] = LearnerEnvironment.PackagesFolder,
        ["LANG"] = "C.UTF-8",
        ["TZ"] = ChildEnvironment.FarZone,
        ["DOTNET_NOLOGO"] = "1",
        ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_CLI_WORKLOAD_UPDATE_NOTIFY_DISABLE"] = "1",
        [Workbench.CacheVariable] = Cache,
        ["TERM"] = "dumb",
    };

    /// <summary>Clones the workbook under test, with its uncommitted changes committed in the clone, and restores its local tools.</summary>
    /// <exception cref="InvalidOperationException">git or <c>dotnet tool restore</c> failed.</exception>
    public static async Task<LearnerClone> CreateAsync()
    {
        var clone = new LearnerClone();
        try
        {
            await clone.GitAsync(Solutions.Root, "clone", "-q", "--no-hardlinks", Solutions.Root, clone.Root);
            // The working tree under test, not only what is committed: every file git would keep, over the clone's.
            var files = (await clone.GitAsync(Solutions.Root, "ls-files", "-z", "-c", "-o", "--exclude-standard"))
                .Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(f => File.Exists(Path.Combine(Solutions.Root, f))).ToHashSet();
            foreach (var file in files)
            {
                var target = Path.Combine(clone.Root, file);
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(Path.Combine(Solutions.Root, file), target, overwrite: true);
            }
            foreach (var file in (await clone.GitAsync(clone.Root, "ls-files", "-z")).Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(f => !files.Contains(f)))
                File.Delete(Path.Combine(clone.Root, file));
            // Staged first: a file that differs only in its line endings (Workbook.sln written with LF by `dotnet sln`, where
            // .gitattributes checks it out with CRLF) shows in `git status` but stages as no change, and commits nothing.
            await clone.GitAsync(clone.Root, "add", "-A");
            if ((await clone.GitAsync(clone.Root, "status", "--porcelain")).Length > 0)
                await clone.GitAsync(clone.Root, "-c", "user.name=Workbook tests", "-c", "user.email=tests@workbook.invalid",
                    "commit", "-q", "-m", "The working tree under test");
            var restore = await clone.RunAsync(clone.Root, ChildEnvironment.Dotnet, "tool", "restore");
            if (restore.ExitCode != 0)
                throw new InvalidOperationException($"dotnet tool restore failed in the clone:\n{restore.StandardOutput}{restore.StandardError}");
            return clone;
        }
        catch
        {
            clone.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Leaves every chapter before <paramref name="chapter"/> as a learner who finished it leaves it: the solution's files
    /// in <c>chapters/</c> (not committed), and, for a chapter whose check reads its <c>app.db</c>, that database made by
    /// <c>dotnet ef database update</c> there, as its page says.
    /// </summary>
    /// <param name="chapter">The chapter the learner is on.</param>
    /// <exception cref="InvalidOperationException"><c>dotnet ef database update</c> failed.</exception>
    public async Task FinishChaptersBeforeAsync(string chapter)
    {
        var earlier = Solutions.Manifest.Chapters.TakeWhile(c => c.Folder != chapter).ToList();
        foreach (var info in earlier)
        {
            var solution = global::Workbook.Grading.Record.Chapter.In(Solutions.Root, "solutions", info);
            var target = Chapter(info.Folder);
            var files = solution.Files().ToHashSet();
            foreach (var stale in new global::Workbook.Grading.Record.Chapter(info, target).Files().Where(f => !files.Contains(f)))
                File.Delete(Path.Combine(target, stale));
            foreach (var file in files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, file))!);
                File.Copy(Path.Combine(solution.Folder, file), Path.Combine(target, file), overwrite: true);
            }
        }
        await Task.WhenAll(earlier.Where(info => info.Checks.Any(name => CheckCatalog.Named(name).ReadsChapterDatabase)).Select(async info =>
        {
            // As the chapter's page says: build once, then update.
            foreach (var command in new[] { new[] { "build" }, ["ef", "database", "update"] })
            {
                var run = await RunAsync(Chapter(info.Folder), ChildEnvironment.Dotnet, command);
                if (run.ExitCode != 0)
                    throw new InvalidOperationException($"dotnet {string.Join(' ', command)} failed in {info.Folder}:\n{run.StandardOutput}{run.StandardError}");
            }
        }));
    }

    /// <summary>Runs a program in a folder of the clone with the learner's <see cref="Environment"/>.</summary>
    public Task<ChildRun> RunAsync(string folder, string program, params string[] arguments) =>
        ChildProcess.RunAsync(program, arguments, folder, Environment, TimeSpan.FromMinutes(5));

    async Task<string> GitAsync(string folder, params string[] arguments)
    {
        var environment = Environment;
        environment["GIT_CONFIG_NOSYSTEM"] = "1";
        var run = await ChildProcess.RunAsync("git", arguments, folder, environment, TimeSpan.FromMinutes(2));
        return run.ExitCode == 0 ? run.StandardOutput
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed:\n{run.StandardOutput}{run.StandardError}");
    }

    /// <summary>
    /// The files of the clone (its <c>.git</c> but for git's index, and the build outputs of the workbook's own tools, aside)
    /// and a hash of each, to show that a command changed nothing in it.
    /// </summary>
    public SortedDictionary<string, string> Contents()
    {
        var contents = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(Root, path).Replace('\\', '/');
            // git's index is the learner's too: a `git status` that refreshes it writes into the clone.
            if ((relative.StartsWith(".git/") && relative != ".git/index") || (relative.StartsWith("tests/") && (relative.Contains("/bin/") || relative.Contains("/obj/"))))
                continue;
            contents[relative] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(path)));
        }
        return contents;
    }

    /// <inheritdoc />
    public void Dispose() => temp.Dispose();
}
