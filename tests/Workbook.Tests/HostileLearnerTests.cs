using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Workbook.Tests;

/// <summary>
/// Learner code is untrusted. A class of chapter 02 is graded with <c>--class</c>, two honest learners among learners whose
/// code misbehaves in each way a learner's code can: it loops forever in model building, in its DbContext's constructor and
/// in its program, allocates without end, writes outside its chapter, reads the instructor's user secrets and environment,
/// connects to a TCP port on 127.0.0.1, ends the process with exit code 0, prints a forged <c>PASS</c> and writes a forged
/// answer file, leaves a child that left its session (<c>setsid</c>), and runs an <c>Exec</c> target at build time that
/// prints secrets. Each of them gets an error or a failure that says why, in bounded time; the honest learners pass as they
/// do alone; nothing is written outside the grader's own folders and nothing of the machine is read; no process outlives
/// the run. These guarantees need the sandbox (bubblewrap): the test is skipped without it, and fails in CI.
/// </summary>
[Trait("Category", "CommandLine")]
public sealed class HostileLearnerTests
{
    const string Chapter = "02-user-model";

    /// <summary>
    /// The class: every hostile learner's verdict and reason, the honest learners' passes, nothing written outside, nothing
    /// leaked into any result, no connection made, no process left, all within a time bounded by the limits.
    /// </summary>
    [SkippableFact]
    public async Task A_class_with_hostile_learners_grades_each_one_alone_and_leaks_nothing()
    {
        var sandbox = Sandbox.Find();
        if (!sandbox.IsWalled)
        {
            Assert.False(string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase),
                $"CI=true, but there is no sandbox here: {sandbox.Description}");
            Skip.If(true, sandbox.Description);
        }

        using var classroom = new TempFolder();
        using var instructor = new TempFolder(); // the instructor's home, with user secrets
        using var cache = new TempFolder();
        var id = Guid.NewGuid().ToString("N")[..10];
        var secretInEnvironment = $"env-secret-{id}";
        var (secrets, secretInSecrets) = UserSecrets(instructor, id);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var connections = 0;
        _ = Task.Run(async () =>
        {
            try { while (true) { using var client = await listener.AcceptTcpClientAsync(); Interlocked.Increment(ref connections); } }
            catch (Exception error) when (error is SocketException or ObjectDisposedException) { }
        });
        var annFolder = Path.Combine(classroom.Path, "ann", "chapters", Chapter);
        string[] outside =
        [
            Path.Combine(Path.GetTempPath(), $"hostile-{id}"), Path.Combine(Solutions.Root, $"hostile-{id}"),
            Path.Combine(annFolder, $"hostile-{id}"), Path.Combine(instructor.Path, $"hostile-{id}"),
        ];
        var writes = string.Concat(outside.Select(path => $"try {{ System.IO.File.WriteAllText(@\"{path}\", \"x\"); }} catch {{ }}\n"));
        var summary = Path.Combine(classroom.Path, "check-results", "summary.csv");

        Learner(classroom, "ann");
        Learner(classroom, "zed");
        Learner(classroom, "loop-in-model", ("BlogContext.cs", "public DbSet<User> Users => Set<User>();",
            "public DbSet<User> Users => Set<User>();\n    protected override void OnModelCreating(ModelBuilder modelBuilder) { while (true) { } }"));
        Learner(classroom, "loop-in-constructor", ("BlogContext.cs", "public DbSet<User> Users => Set<User>();",
            "public DbSet<User> Users => Set<User>();\n    readonly int spin = Spin();\n    static int Spin() { while (true) { } }"));
        Learner(classroom, "loop-in-program", ("Program.cs", "Config config;", "while (true) { }\nConfig config;"));
        Learner(classroom, "allocate", ("BlogContext.cs", "public DbSet<User> Users => Set<User>();",
            "public DbSet<User> Users => Set<User>();\n    static readonly List<byte[]> Kept = [];\n"
            + "    protected override void OnModelCreating(ModelBuilder modelBuilder) { while (true) Kept.Add(new byte[1 << 24]); }"));
        Learner(classroom, "write-outside", ("BlogContext.cs", "public DbSet<User> Users => Set<User>();",
            "public DbSet<User> Users => Set<User>();\n    static BlogContext() { Write(); }\n    static bool Write() {\n" + writes
            + $"try {{ System.IO.File.WriteAllText(@\"{summary}\", \"learner,{Chapter}\\nwrite-outside,pass\\n\"); }} catch {{ }}\nreturn true; }}"));
        Learner(classroom, "read-secrets", ("Models/User.cs", "public override string ToString() => $\"<User {Username}>\";",
            "public override string ToString() => \"<User \" + Read() + \">\";\n    static string Read() { var found = \"\";\n"
            + $"        foreach (var path in new[] {{ @\"{Path.Combine(secrets, "secrets.json")}\", System.IO.Path.Combine(System.Environment.GetEnvironmentVariable(\"HOME\") ?? \"\", \".microsoft/usersecrets/efcore-workbook-blog/secrets.json\"), \"/proc/1/environ\" }})\n"
            + "            try { found += System.IO.File.ReadAllText(path); } catch { }\n"
            + "        return found + string.Join(\";\", System.Environment.GetEnvironmentVariables().Values.Cast<object>()); }"));
        Learner(classroom, "connect", ("BlogContext.cs", "public DbSet<User> Users => Set<User>();",
            "public DbSet<User> Users => Set<User>();\n    static BlogContext() { Send(); }\n"
            + $"    static bool Send() {{ try {{ using var client = new System.Net.Sockets.TcpClient(\"127.0.0.1\", {port}); client.GetStream().Write(new byte[] {{ 1, 2, 3 }}); }} catch {{ }} return true; }}"));
        Learner(classroom, "exit-zero", ("BlogContext.cs", "public DbSet<User> Users => Set<User>();",
            "public DbSet<User> Users => Set<User>();\n    static BlogContext() { System.Environment.Exit(0); }"));
        Learner(classroom, "forge", ("BlogContext.cs", "public DbSet<User> Users => Set<User>();",
            "public DbSet<User> Users => Set<User>();\n    static BlogContext() { Forge(); }\n    static bool Forge() {\n"
            + "        System.Console.WriteLine(\"  PASS  model\\n  PASS  user-behaviour\\n  PASS  run\\n  All 3 checks pass.\");\n"
            + "        var args = System.Environment.GetCommandLineArgs();\n"
            + "        if (args.Length > 2 && System.IO.File.Exists(args[2])) {\n"
            + "            var results = System.Text.Json.JsonDocument.Parse(System.IO.File.ReadAllText(args[2])).RootElement.GetProperty(\"Results\").GetString()!;\n"
            + "            System.AppDomain.CurrentDomain.ProcessExit += (_, _) => { foreach (var check in new[] { \"model\", \"user-behaviour\", \"run\" })\n"
            + "                System.IO.File.WriteAllText(System.IO.Path.Combine(results, $\"check-{check}.json\"), \"{\\\"Name\\\":\\\"\" + check + \"\\\",\\\"Outputs\\\":[]}\"); };\n"
            + "        }\n        return true; }"));
        Learner(classroom, "setsid", ("Program.cs", "Config config;",
            "System.Diagnostics.Process.Start(\"setsid\", \"-f sleep 6123\");\nConfig config;"));
        Learner(classroom, "exec-at-build", ("Blog.csproj", "</Project>",
            "  <Target Name=\"Steal\" BeforeTargets=\"Build\">\n"
            + $"    <Exec Command=\"echo x: error HX1: [$(WORKBOOK_HOSTILE_SECRET)] [`cat {Path.Combine(secrets, "secrets.json")}`] [`cat $HOME/.microsoft/usersecrets/efcore-workbook-blog/secrets.json`] ; exit 1\" />\n"
            + "  </Target>\n</Project>"));

        var clock = Stopwatch.StartNew();
        var run = await DotnetCommand.RunAsync(classroom.Path, [Solutions.CheckTool, "02", "--class", classroom.Path, "--time-limit", "10"],
            new Dictionary<string, string?>
            {
                ["HOME"] = instructor.Path, ["WORKBOOK_HOSTILE_SECRET"] = secretInEnvironment, [Workbench.CacheVariable] = cache.Path,
            }, timeout: TimeSpan.FromMinutes(15));
        var took = clock.Elapsed;
        listener.Stop();

        var report = run.StandardOutput + run.StandardError;
        var results = Directory.GetFiles(Path.Combine(classroom.Path, "check-results"))
            .ToDictionary(path => Path.GetFileName(path), File.ReadAllText);
        var everything = report + string.Concat(results.Values)
            + string.Concat(Directory.EnumerateFiles(cache.Path, "*.json", SearchOption.AllDirectories).Select(File.ReadAllText));
        string Status(string learner) => JsonDocument.Parse(results[learner + ".json"]).RootElement.GetProperty("chapters")[0].GetProperty("status").GetString()!;
        string Said(string learner) => results[learner + ".json"];

        var overview = results["summary.csv"] + string.Concat(results.Where(r => r.Key.EndsWith(".json")).Select(r => $"\n== {r.Key}\n{r.Value[..Math.Min(r.Value.Length, 1500)]}"));
        void Expect(bool condition, string what) => Assert.True(condition, $"{what}\n{overview}");

        Expect(Status("ann") == "pass" && Status("zed") == "pass", "The honest learners pass.");
        // The grader wrote the summary after every runner was gone: a line per learner, as graded (write-outside tried to write it).
        Expect(results["summary.csv"].TrimEnd('\n').Split('\n').Length == 14, "A line per learner.");
        foreach (var looping in new[] { "loop-in-model", "loop-in-constructor" })
            Expect(Status(looping) == "error" && System.Text.RegularExpressions.Regex.IsMatch(Said(looping), "ran longer than|of CPU time"), $"{looping}: an error, a limit reached.");
        Expect(Status("loop-in-program") == "error" && Said("loop-in-program").Contains("ran longer than 10 s"), "loop-in-program: an error, 10 s.");
        Expect(Status("allocate") != "pass" && System.Text.RegularExpressions.Regex.IsMatch(Said("allocate"), "memory|OutOfMemory|ended the run early"), "allocate: memory.");
        Expect(Status("exit-zero") == "error" && Said("exit-zero").Contains("exit code 0"), "exit-zero: an error, exit code 0.");
        Expect(Status("forge") == "error" && Said("forge").Contains("not sealed by the runner"), "forge: an error, not sealed.");
        Expect(Status("read-secrets") != "pass", "read-secrets: its ToString is wrong.");
        Expect(Status("exec-at-build") == "error" && Said("exec-at-build").Contains("error HX1"), "exec-at-build: the build fails.");

        foreach (var secret in new[] { secretInEnvironment, secretInSecrets })
            Assert.DoesNotContain(secret, everything);
        Assert.All(outside, path => Assert.False(File.Exists(path), $"{path} was written"));
        Assert.Equal(0, connections);
        var left = await ChildProcess.RunAsync("pgrep", ["-f", "sleep 6123"], "/", new Dictionary<string, string> { ["PATH"] = "/usr/bin:/bin" }, TimeSpan.FromSeconds(10));
        Assert.True(left.StandardOutput.Trim().Length == 0, $"a process outlived the grading: {left.StandardOutput}");
        // Ten learners, two at a time, each within its limits (ten times 10 s for a run, five times that for all of a chapter).
        Assert.True(took < TimeSpan.FromMinutes(10), $"The class took {took}.");
    }

    /// <summary>
    /// The control: without the sandbox (<c>--no-sandbox</c>), learners whose code connects to a port on 127.0.0.1, writes
    /// outside its chapter and reads the instructor's user secrets do reach them, so that the test above could fail and it
    /// is the sandbox that stops them. (The environment stays an allow-list without the sandbox too.)
    /// </summary>
    [Fact]
    public async Task Without_the_sandbox_the_same_code_does_reach_out()
    {
        using var classroom = new TempFolder();
        using var instructor = new TempFolder();
        using var cache = new TempFolder();
        var id = Guid.NewGuid().ToString("N")[..10];
        var (secrets, secretInSecrets) = UserSecrets(instructor, id);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = listener.AcceptTcpClientAsync();
        var outside = Path.Combine(instructor.Path, $"hostile-{id}");
        Learner(classroom, "reach-out",
            ("BlogContext.cs", "public DbSet<User> Users => Set<User>();",
                "public DbSet<User> Users => Set<User>();\n    static BlogContext() {\n"
                + $"        try {{ using var client = new System.Net.Sockets.TcpClient(\"127.0.0.1\", {port}); client.GetStream().Write(new byte[] {{ 1 }}); }} catch {{ }}\n"
                + $"        try {{ System.IO.File.WriteAllText(@\"{outside}\", \"x\"); }} catch {{ }} }}"),
            ("Models/User.cs", "public override string ToString() => $\"<User {Username}>\";",
                $"public override string ToString() {{ try {{ return \"<User \" + System.IO.File.ReadAllText(@\"{Path.Combine(secrets, "secrets.json")}\") + \">\"; }} catch {{ return \"<User>\"; }} }}"));

        var run = await DotnetCommand.RunAsync(classroom.Path, [Solutions.CheckTool, "02", "--class", classroom.Path, "--no-sandbox", "--time-limit", "30"],
            new Dictionary<string, string?> { ["HOME"] = instructor.Path, [Workbench.CacheVariable] = cache.Path }, timeout: TimeSpan.FromMinutes(10));
        listener.Stop();

        Assert.True(accepted.IsCompletedSuccessfully, "without the sandbox, the learner's code connects to 127.0.0.1");
        Assert.True(File.Exists(outside), "without the sandbox, the learner's code writes outside its chapter");
        Assert.Contains(secretInSecrets, File.ReadAllText(Path.Combine(classroom.Path, "check-results", "reach-out.json")));
        Assert.Contains("No sandbox (--no-sandbox)", run.StandardOutput + File.ReadAllText(Path.Combine(classroom.Path, "check-results", "reach-out.json")));
    }

    /// <summary>
    /// User secrets of the workbook in the instructor's home <paramref name="home"/>: a <c>DATABASE_URL</c> whose password is
    /// a secret no result may show. Returns the secrets' folder and the secret.
    /// </summary>
    static (string Folder, string Secret) UserSecrets(TempFolder home, string id)
    {
        var secret = $"secrets-secret-{id}";
        var folder = Path.Combine(home.Path, ".microsoft", "usersecrets", "efcore-workbook-blog");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "secrets.json"), $$"""{ "DATABASE_URL": "postgresql://blog:{{secret}}@db.example.com/blog" }""");
        return (folder, secret);
    }

    /// <summary>Writes a learner's clone of chapter 02's solution into the class folder, with <paramref name="edits"/> made to it.</summary>
    static void Learner(TempFolder classroom, string name, params (string File, string From, string To)[] edits)
    {
        var solution = global::Workbook.Grading.Record.Chapter.In(Solutions.Root, "solutions", Solutions.Manifest[Chapter]);
        var folder = Path.Combine(classroom.Path, name, "chapters", Chapter);
        foreach (var file in solution.Files())
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(folder, file))!);
            File.Copy(Path.Combine(solution.Folder, file), Path.Combine(folder, file));
        }
        foreach (var (file, from, to) in edits)
        {
            var text = File.ReadAllText(Path.Combine(folder, file));
            Assert.True(text.Contains(from), $"{file} does not contain {from}");
            File.WriteAllText(Path.Combine(folder, file), text.Replace(from, to));
        }
    }
}
