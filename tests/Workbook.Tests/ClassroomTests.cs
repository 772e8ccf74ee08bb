using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;

namespace Workbook.Tests;

/// <summary>
/// The GitHub Classroom workflow, <c>.github/workflows/classroom.yml</c>: valid for a workflow validator, one grader step
/// per chapter of the manifest with the reporter wired to each, and every step's command passing in a learner's finished
/// repository when run as GitHub Classroom's command grader runs it. Slow (real builds of every chapter), hence the
/// category <c>CommandLine</c>.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed partial class ClassroomTests(ITestOutputHelper output)
{
    /// <summary>The version of <c>@action-validator/cli</c> (and of its <c>@action-validator/core</c>) the validation installs.</summary>
    public const string ValidatorVersion = "0.6.0";

    /// <summary>The points each chapter's step earns, as the README's "GitHub Classroom" says.</summary>
    public const int PointsPerChapter = 10;

    const string CommandGrader = "classroom-resources/autograding-command-grader@";
    const string Reporter = "classroom-resources/autograding-grading-reporter@";

    /// <summary>The workflow's path in the workbook.</summary>
    public static string WorkflowPath => Path.Combine(Solutions.Root, ".github", "workflows", "classroom.yml");

    /// <summary>
    /// <c>action-validator</c> (the npm package <c>@action-validator/cli</c>, which checks a workflow against the schema of
    /// GitHub's workflow syntax) accepts the workflow and rejects a copy without <c>runs-on</c>, so its verdict is not a
    /// formality. Without Node.js and npm the test is skipped, except in CI (<c>CI=true</c>), where it fails.
    /// </summary>
    [SkippableFact]
    public async Task Workflow_passes_the_validator()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        string? Find(string program) => path.Select(folder => Path.Combine(folder, program)).FirstOrDefault(File.Exists);
        if (Find("node") is not { } node || Find("npm") is not { } npm)
        {
            Assert.False(InCi, "CI=true, but Node.js and npm are not on PATH: the workflow cannot be validated.");
            Skip.If(true, "Node.js and npm are not on PATH: the workflow cannot be validated.");
            return;
        }

        using var temp = new TempFolder();
        // npm as this machine has it set up (its registry, certificates and proxy settings come from the environment).
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value ?? "");
        var install = await ChildProcess.RunAsync(npm,
            ["install", "--prefix", temp["validator"], "--no-audit", "--no-fund", "--loglevel=error",
             $"@action-validator/cli@{ValidatorVersion}", $"@action-validator/core@{ValidatorVersion}"],
            temp.Path, environment, TimeSpan.FromMinutes(5));
        Assert.True(install.ExitCode == 0, $"npm install failed:\n{install.StandardOutput}{install.StandardError}");
        var validator = Path.Combine(temp["validator"], "node_modules", "@action-validator", "cli", "cli.mjs");

        var run = await ChildProcess.RunAsync(node, [validator, WorkflowPath], Solutions.Root, environment, TimeSpan.FromMinutes(2));
        Assert.True(run.ExitCode == 0, $"action-validator rejects {WorkflowPath}:\n{run.StandardOutput}{run.StandardError}");

        var broken = temp["broken.yml"];
        File.WriteAllText(broken, File.ReadAllText(WorkflowPath).Replace("runs-on:", "runs-where:"));
        var rejected = await ChildProcess.RunAsync(node, [validator, broken], temp.Path, environment, TimeSpan.FromMinutes(2));
        Assert.True(rejected.ExitCode != 0, "action-validator accepted a workflow whose job has no runs-on");
    }

    /// <summary>
    /// The job checks out the repository, sets up the SDK <c>global.json</c> names, then has exactly one command-grader
    /// step per chapter of <c>workbook.json</c>, in the manifest's order: id <c>chapter-NN-name</c> (GitHub's rule for
    /// ids: a letter first), test name the chapter's folder, command <c>./check NN</c>, a timeout in minutes and
    /// <see cref="PointsPerChapter"/> points, no <c>env</c> (the grader would not pass it on), and a setup command that
    /// makes <c>app.db</c> exactly for the chapters whose checks read it (git ignores it, so a push has none). The last
    /// step is the reporter, whose <c>runners</c> list every grader's id in order and whose environment holds each one's
    /// result under the name the reporter reads, <c>ID_IN_CAPITALS_RESULTS</c>.
    /// </summary>
    [Fact]
    public void Workflow_grades_every_chapter_in_order()
    {
        var workflow = Workflow.Load(WorkflowPath);
        var triggers = workflow.Root["on"] as YamlSequenceNode;
        Assert.NotNull(triggers);
        Assert.Equal(new[] { "push", "workflow_dispatch", "repository_dispatch" }, triggers.Select(Text));

        Assert.StartsWith("actions/checkout@", workflow.Steps[0].Uses);
        var setup = workflow.Steps.FindIndex(step => step.Uses?.StartsWith("actions/setup-dotnet@") == true);
        Assert.True(setup > 0, "no actions/setup-dotnet step after the checkout");
        Assert.Equal("global.json", workflow.Steps[setup].With("global-json-file"));

        var graders = workflow.Steps.Where(step => step.Uses?.StartsWith(CommandGrader) == true).ToList();
        Assert.True(workflow.Steps.FindIndex(step => step.Uses?.StartsWith(CommandGrader) == true) > setup, "a grader runs before .NET is set up");
        var chapters = Solutions.Manifest.Chapters;
        Assert.Equal(chapters.Select(c => $"chapter-{c.Folder}"), graders.Select(step => step.Id));
        foreach (var (chapter, step) in chapters.Zip(graders))
        {
            Assert.Matches(StepId(), step.Id);
            Assert.Equal(chapter.Folder, step.With("test-name"));
            Assert.Equal($"./check {chapter.Folder[..2]}", step.With("command"));
            Assert.InRange(step.Timeout, 5.0, 360.0);
            Assert.Equal(PointsPerChapter.ToString(), step.With("max-score"));
            Assert.False(step.Node.Children.ContainsKey("env"), $"{step.Id} has an env: the command grader passes none of it to its command");
            var makesDatabase = chapter.Checks.Any(name => CheckCatalog.Named(name).ReadsChapterDatabase);
            Assert.Equal(makesDatabase ? $"dotnet tool restore && cd chapters/{chapter.Folder} && dotnet build && dotnet ef database update" : null,
                step.With("setup-command"));
        }

        var reporter = workflow.Steps[^1];
        Assert.StartsWith(Reporter, reporter.Uses);
        Assert.Equal(graders.Select(step => step.Id), reporter.With("runners")!.Split(','));
        var environment = Assert.IsType<YamlMappingNode>(reporter.Node["env"]);
        Assert.Equal(
            graders.Select(step => $"{step.Id!.ToUpperInvariant()}_RESULTS = ${{{{steps.{step.Id}.outputs.result}}}}"),
            environment.Children.Select(pair => $"{Text(pair.Key)} = {Text(pair.Value)}"));
    }

    /// <summary>
    /// Every grader step of the workflow passes in a learner's repository where every chapter is finished, as a push leaves
    /// it on the runner (the learner ran <c>dotnet ef database update</c> as the pages say, but git ignores <c>app.db</c>,
    /// <c>bin/</c> and <c>obj/</c>, so they are removed), run as the command grader runs it: its setup command and then its
    /// command, each with <c>/bin/sh -c</c> from the repository's root, within the step's timeout (minutes), in an
    /// environment of only the variables the grader gives (<c>PATH</c>, <c>HOME</c>, <c>DOTNET_CLI_HOME</c>,
    /// <c>DOTNET_NOLOGO</c>, <c>FORCE_COLOR</c>), and passing means exit code 0. Chapter 07's check starts its own
    /// PostgreSQL server from this machine's PostgreSQL programs, as it does from the runner image's; where there are
    /// none the test is skipped, except in CI, where it fails. Then the first chapter is put back to its starter and its
    /// step must fail, so that a step that passes whatever the learner did cannot go unnoticed.
    /// </summary>
    [SkippableFact]
    public async Task Every_step_passes_for_finished_chapters_and_fails_for_a_starter()
    {
        var workflow = Workflow.Load(WorkflowPath);
        var graders = workflow.Steps.Where(step => step.Uses?.StartsWith(CommandGrader) == true).ToList();
        Assert.NotEmpty(graders);
        if (Solutions.Manifest.Chapters.Any(c => c.Checks.Any(name => CheckCatalog.Named(name).NeedsServer)) && PostgresPrograms() is null)
        {
            const string why = "PostgreSQL's programs (initdb, pg_ctl) are neither on PATH nor in /usr/lib/postgresql/*/bin, and the "
                + "command grader passes no WORKBOOK_POSTGRES_URL to ./check 07, so the check cannot start its server as it does on the runner.";
            Assert.False(InCi, $"CI=true, but {why}");
            Skip.If(true, why);
        }

        var clock = Stopwatch.StartNew();
        using var clone = await LearnerClone.CreateAsync();
        // No chapter is called this, so every chapter of the manifest comes before it and is finished.
        await clone.FinishChaptersBeforeAsync("(after the last chapter)");
        await GitAsync(clone, "clean", "-fdqX", "chapters");
        output.WriteLine($"Clone with every chapter finished: {clock.Elapsed.TotalSeconds:0} s");

        // The runner's home. Its NuGet package folder is this machine's, so that the test downloads nothing.
        var packages = Path.Combine(clone.Home, ".nuget", "packages");
        Directory.CreateDirectory(Path.GetDirectoryName(packages)!);
        Directory.CreateSymbolicLink(packages, LearnerEnvironment.PackagesFolder);
        try
        {
            var failures = new List<string>();
            foreach (var step in graders)
            {
                var run = await RunAsGraderAsync(clone, step);
                output.WriteLine($"{step.Id}: exit code {run.ExitCode} in {run.Elapsed.TotalSeconds:0} s");
                foreach (var note in $"{run.StandardOutput}{run.StandardError}".Split('\n').Where(line => line.Contains("No sandbox")).Distinct())
                    output.WriteLine($"  {note.Trim()}");
                if (run.ExitCode != 0)
                    failures.Add($"{step.Id} ({step.With("command")}) exited with {run.ExitCode}{(run.TimedOut ? " (timed out)" : "")}:\n{Tail(run)}");
            }
            Assert.True(failures.Count == 0, string.Join("\n\n", failures));

            var first = graders[0];
            var folder = Path.Combine("chapters", first.With("test-name")!);
            await GitAsync(clone, "checkout", "--", folder);
            await GitAsync(clone, "clean", "-fdqx", folder);
            var starter = await RunAsGraderAsync(clone, first);
            output.WriteLine($"{first.Id} on its starter: exit code {starter.ExitCode} in {starter.Elapsed.TotalSeconds:0} s");
            Assert.True(starter.ExitCode != 0 && $"{starter.StandardOutput}{starter.StandardError}".Contains("FAIL"),
                $"{first.Id} ({first.With("command")}) should fail on the chapter's starter, but exited with {starter.ExitCode}:\n{Tail(starter)}");
            output.WriteLine($"In all: {clock.Elapsed.TotalSeconds:0} s");
        }
        finally
        {
            // The link only, never the package folder it points to.
            File.Delete(packages);
        }
    }

    /// <summary>
    /// Runs a grader step's setup command, then its command, as the command grader does (<c>execSync</c> of Node.js with
    /// the grader's own environment): each through <c>/bin/sh -c</c> from the repository's root, each within the step's
    /// timeout; the command does not run when the setup command failed.
    /// </summary>
    static async Task<ChildRun> RunAsGraderAsync(LearnerClone clone, Step step)
    {
        var environment = new Dictionary<string, string>
        {
            // The runner's PATH, with the SDK actions/setup-dotnet put there; the system's folders.
            ["PATH"] = string.Join(Path.PathSeparator, [ChildEnvironment.DotnetRoot, "/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]),
            ["HOME"] = clone.Home,
            // The grader sets /tmp; here a folder of the clone's own, so that the test leaves nothing in the machine's /tmp.
            ["DOTNET_CLI_HOME"] = clone.Home,
            ["DOTNET_NOLOGO"] = "true",
            ["FORCE_COLOR"] = "true",
        };
        var timeout = TimeSpan.FromMinutes(step.Timeout);
        if (step.With("setup-command") is { Length: > 0 } setup)
        {
            var prepared = await ChildProcess.RunAsync("/bin/sh", ["-c", setup], clone.Root, environment, timeout);
            if (prepared.ExitCode != 0 || prepared.TimedOut)
                return prepared;
        }
        return await ChildProcess.RunAsync("/bin/sh", ["-c", step.With("command")!], clone.Root, environment, timeout);
    }

    static async Task GitAsync(LearnerClone clone, params string[] arguments)
    {
        var run = await clone.RunAsync(clone.Root, "git", arguments);
        Assert.True(run.ExitCode == 0, $"git {string.Join(' ', arguments)} failed:\n{run.StandardOutput}{run.StandardError}");
    }

    /// <summary>The folder of <c>initdb</c> and <c>pg_ctl</c>, where the check looks for them (PATH, then /usr/lib/postgresql/*/bin), or null.</summary>
    static string? PostgresPrograms()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var debian = Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")) : [];
        return onPath.Concat(debian).FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }

    static string Tail(ChildRun run)
    {
        var lines = $"{run.StandardOutput}{run.StandardError}".TrimEnd().Split('\n');
        return string.Join('\n', lines.TakeLast(60));
    }

    static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    static string? Text(YamlNode node) => (node as YamlScalarNode)?.Value;

    /// <summary>GitHub's rule for a step's id: a letter or <c>_</c> first, then letters, digits, <c>-</c> and <c>_</c>.</summary>
    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex StepId();

    /// <summary>The workflow's only job, read with YamlDotNet.</summary>
    sealed record Workflow(YamlMappingNode Root, List<Step> Steps)
    {
        public static Workflow Load(string path)
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(path))
                yaml.Load(reader);
            var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
            var job = Assert.Single(((YamlMappingNode)root["jobs"]).Children).Value;
            var steps = ((YamlSequenceNode)((YamlMappingNode)job)["steps"]).Select(node => new Step((YamlMappingNode)node)).ToList();
            return new Workflow(root, steps);
        }
    }

    /// <summary>One step of the job.</summary>
    sealed record Step(YamlMappingNode Node)
    {
        public string? Uses => Value(Node, "uses");

        public string? Id => Value(Node, "id");

        /// <summary>One input of the step's <c>with</c>, or null.</summary>
        public string? With(string input) => Node.Children.TryGetValue("with", out var with) ? Value((YamlMappingNode)with, input) : null;

        /// <summary>The <c>timeout</c> input in minutes, as the command grader reads it (10 when not given).</summary>
        public double Timeout => With("timeout") is { } minutes ? double.Parse(minutes, System.Globalization.CultureInfo.InvariantCulture) : 10;

        static string? Value(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;
    }
}
