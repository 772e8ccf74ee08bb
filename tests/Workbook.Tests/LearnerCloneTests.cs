using System.Diagnostics;

namespace Workbook.Tests;

/// <summary>
/// The check reads a learner's clone and never writes it: in a learner's own clone, with chapters 01 to 04 finished and
/// <c>app.db</c> of chapters 03 and 04 made by <c>dotnet ef database update</c>, every file of the clone (outside
/// <c>.git</c> and the workbook's own tools' build outputs) has the same bytes before and after <c>./check 03</c>,
/// <c>./check 04</c> while the learner's own program holds chapter 04's database open in the middle of a write, the
/// progress view, a watch session, and a class run over the clone. And a correct chapter passes on a machine whose cores
/// are all kept busy by other work, a class run among it.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class LearnerCloneTests
{
    /// <summary>The clone's files and their bytes are the same after each way of checking it.</summary>
    [Fact]
    public async Task The_check_changes_nothing_in_the_learners_clone()
    {
        using var clone = await LearnerClone.CreateAsync();
        await clone.FinishChaptersBeforeAsync("05-shell-play");
        var check = Path.Combine(clone.Root, "check");
        var first = await clone.RunAsync(clone.Root, check, "01"); // builds the check itself, the workbook's own tool
        Assert.True(first.ExitCode == 0, first.StandardOutput + first.StandardError);
        var before = clone.Contents();
        void Unchanged(string after)
        {
            var now = clone.Contents();
            var changed = before.Keys.Union(now.Keys).Where(file => before.GetValueOrDefault(file) != now.GetValueOrDefault(file)).ToList();
            Assert.True(changed.Count == 0, $"After {after}, the clone differs in: {string.Join(", ", changed)}");
        }

        var three = await clone.RunAsync(clone.Root, check, "03");
        Assert.True(three.ExitCode == 0, three.StandardOutput + three.StandardError);
        Unchanged("./check 03");

        // The learner's program has chapter 04's database open, in the middle of a write.
        using (var program = new Microsoft.Data.Sqlite.SqliteConnection(SqliteDatabase.ConnectionString(Path.Combine(clone.Chapter("04-comment-relationship"), "app.db"))))
        {
            program.Open();
            using var transaction = program.BeginTransaction();
            using var insert = program.CreateCommand();
            insert.CommandText = """INSERT INTO "Users" ("Username", "Email") VALUES ('held', 'held@example.com');""";
            insert.ExecuteNonQuery();
            before = clone.Contents();
            var four = await clone.RunAsync(clone.Root, check, "04");
            Assert.True(four.ExitCode == 0, four.StandardOutput + four.StandardError);
            Unchanged("./check 04 while the learner's program writes to its app.db");
        }
        before = clone.Contents();

        var progress = await clone.RunAsync(clone.Root, check);
        Assert.True(progress.ExitCode == 0, progress.StandardOutput + progress.StandardError);
        Unchanged("./check");

        await WatchUntilFirstResultAsync(clone, check);
        Unchanged("./check 03 --watch");

        using var classroom = new TempFolder();
        Directory.CreateSymbolicLink(Path.Combine(classroom.Path, "ann"), clone.Root);
        var graded = await clone.RunAsync(classroom.Path, check, "04", "--class", classroom.Path);
        Assert.Contains("ann      pass", graded.StandardOutput);
        Unchanged("./check 04 --class");
    }

    /// <summary>
    /// Chapter 05's solution, whose shell session is the slowest program the check runs, passes while as many busy loops as
    /// the machine has cores run, and a class of two learners is graded at the same time: a busy machine makes a check
    /// slower, never failed.
    /// </summary>
    [Fact]
    public async Task A_correct_chapter_passes_on_a_machine_kept_busy()
    {
        var loops = Enumerable.Range(0, Environment.ProcessorCount)
            .Select(_ => Process.Start(new ProcessStartInfo("sh", ["-c", "while :; do :; done"]) { UseShellExecute = false })!)
            .ToList();
        try
        {
            using var classroom = new TempFolder();
            using var cache = new TempFolder();
            foreach (var name in new[] { "ann", "bob" })
            {
                var solution = Chapter.In(Solutions.Root, "solutions", Solutions.Manifest["05-shell-play"]);
                foreach (var file in solution.Files())
                {
                    var target = Path.Combine(classroom.Path, name, "chapters", "05-shell-play", file);
                    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                    File.Copy(Path.Combine(solution.Folder, file), target);
                }
            }
            var environment = TestGrading.CacheIn(cache);
            var classRun = DotnetCommand.RunAsync(classroom.Path, [Solutions.CheckTool, "05", "--class", classroom.Path], environment, timeout: TimeSpan.FromMinutes(20));
            using var learner = new LearnerCopy("solutions", "05-shell-play");
            var check = await learner.CheckAsync(environment);

            Assert.True(check.Status == "pass", check.ToString());
            var graded = await classRun;
            Assert.Contains("ann      pass", graded.StandardOutput);
            Assert.Contains("bob      pass", graded.StandardOutput);
        }
        finally
        {
            foreach (var loop in loops)
                loop.Kill();
        }
    }

    /// <summary>Starts <c>./check 03 --watch</c> in the clone, waits for its first result, and stops it with Ctrl+C's signal.</summary>
    static async Task WatchUntilFirstResultAsync(LearnerClone clone, string check)
    {
        var start = new ProcessStartInfo(check, ["03", "--watch"])
        {
            WorkingDirectory = clone.Root, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment.Clear();
        foreach (var (name, value) in clone.Environment)
            start.Environment[name] = value;
        using var watch = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (!output.ToString().Contains("Watching 03-first-migration") && !stop.IsCancellationRequested)
        {
            var line = await watch.StandardOutput.ReadLineAsync(stop.Token);
            if (line is null)
                break;
            output.AppendLine(line);
        }
        Assert.Contains("All 6 checks pass.", output.ToString());
        await ChildProcess.RunAsync("kill", ["-INT", watch.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], "/",
            new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, TimeSpan.FromSeconds(10));
        await watch.WaitForExitAsync(stop.Token);
    }
}
