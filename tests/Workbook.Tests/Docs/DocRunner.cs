using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Workbook.Tests.Docs;

/// <summary>
/// Follows a chapter's page as a learner does: in a learner's own clone of the workbook (<see cref="LearnerClone"/>) whose
/// earlier chapters are finished as a learner leaves them, it types every command of the page's <c>console</c> blocks, in
/// page order, into one real <c>bash</c> (<see cref="BashSession"/>), runs each <c>powershell</c> block in the real
/// PowerShell of the workbook's local tools (<c>dotnet pwsh</c>), writes the solution's code where the page says the
/// learner has written it (<c>&lt;!-- workbook: solve --&gt;</c>), and compares each command's output with the output the
/// page shows, after the snapshots' scrubbing (the clone's root is shown as <c>~/workbook</c>). The commands are the
/// real ones: <c>dotnet ef</c>, <c>sqlite3</c>, <c>cp</c>, the page's <c>./check</c>.
/// </summary>
/// <remarks>
/// What a page shows and a run prints may differ only where a run differs from run to run: times and migration ids
/// (scrubbed as in the snapshots), a backup's name, <c>app-&lt;UTC yyyyMMdd-HHmmss&gt;.db</c> (compared without its time;
/// in a later command, the name the page shows stands for the name the run printed in its place, as the learner types the
/// name they saw), a line <c>...</c> on the page (any lines). A command that fails must be followed by one that reads its
/// exit code (<c>echo $?</c>, <c>$LASTEXITCODE</c>).
/// <para>
/// A <c>powershell</c> block (see <see cref="PowerShellPart"/>) runs as one session of <c>dotnet pwsh</c>, started from the
/// bash session where the page has reached. <c>$LASTEXITCODE</c> is reset to 0 before each command that does not read it.
/// The session must not leave an environment variable behind that it set (<c>Remove-Item Env:NAME</c>), as a learner's
/// would stay in the window they go on working in.
/// </para>
/// <para>
/// PostgreSQL (chapter 07): a page shows a server at <c>localhost:5432</c> with a user <c>blog</c>, password
/// <c>s3cret</c>, who may create databases (<see cref="PageUser"/>, <see cref="PagePassword"/>). The runner makes that
/// user on the test run's server (<see cref="Postgres.Server"/>) and drops a database <c>blog</c> left by an earlier run,
/// for a page whose commands reach the server (<see cref="ReachesServer"/>), one such page at a time; its port stands
/// for 5432 in what the commands say and print (<c>PGPORT</c> for PostgreSQL's own programs).
/// </para>
/// </remarks>
public sealed partial class DocRunner : IAsyncDisposable
{
    /// <summary>What the clone's root folder is shown as on a page.</summary>
    public const string RootOnPage = "~/workbook";

    /// <summary>The PostgreSQL user the pages connect as.</summary>
    public const string PageUser = "blog";

    /// <summary>The password of <see cref="PageUser"/> on the pages (a learning server's, never a real one).</summary>
    public const string PagePassword = "s3cret";

    /// <summary>How long one command of a page may take.</summary>
    static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(10);

    readonly ChapterInfo chapter;
    readonly OwnMSBuildServer msbuild = new();
    readonly List<string> problems = [];
    readonly Dictionary<string, string> backupNames = [];
    LearnerClone? clone;
    BashSession? bash;
    PostgresServer? server;
    int? unreportedFailure;

    /// <summary>A runner for the page of <paramref name="chapter"/>.</summary>
    /// <param name="chapter">The chapter the page teaches.</param>
    public DocRunner(ChapterInfo chapter) => this.chapter = chapter;

    /// <summary>The learner's clone the page ran in, once <see cref="FollowAsync"/> has made it.</summary>
    public LearnerClone Clone => clone ?? throw new InvalidOperationException("The page has not run yet.");

    /// <summary>Follows <paramref name="page"/> from top to bottom, in a new learner's clone.</summary>
    /// <returns>
    /// One entry per command whose output differs from the page (with a line diff) or that failed without the
    /// page saying so; empty when the page is right.
    /// </returns>
    /// <exception cref="SkipException">The page uses PostgreSQL and no server can be had (outside CI).</exception>
    /// <exception cref="InvalidOperationException">The page uses PostgreSQL and no server can be had, in CI; or the clone could not be made.</exception>
    /// <exception cref="Npgsql.NpgsqlException">The server refused to make the page's user or drop its database.</exception>
    public async Task<IReadOnlyList<string>> FollowAsync(DocPage page)
    {
        clone = await LearnerClone.CreateAsync();
        await clone.FinishChaptersBeforeAsync(chapter.Folder);
        var environment = clone.Environment;
        foreach (var (name, value) in msbuild.Variables)
            environment[name] = value!;
        if (ReachesServer(page))
        {
            server = Postgres.Server;
            // The pages share one database name on one server: one page at a time may hold it.
            await PageDatabase.WaitAsync();
            holdsPageDatabase = true;
            server.Execute("DROP DATABASE IF EXISTS blog WITH (FORCE)");
            server.Execute($"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PageUser}') THEN "
                + $"CREATE ROLE {PageUser} LOGIN CREATEDB PASSWORD '{PagePassword}'; END IF; END $$");
            environment["PGPORT"] = server.Port.ToString(CultureInfo.InvariantCulture);
        }
        bash = BashSession.Start(clone.Root, environment);

        foreach (var part in page.Parts)
        {
            if (part is SolvePart solve)
                Solve(solve);
            else if (part is ConsolePart console)
                foreach (var command in console.Commands)
                    await RunAsync(page, command);
            else if (part is PowerShellPart powerShell)
                await RunPowerShellAsync(page, powerShell);
        }
        if (unreportedFailure is { } line)
            problems.Add($"line {line}: the command failed and the page does not show it (follow it with `$ echo $?`).");
        return problems;
    }

    /// <summary>
    /// The learner has written the chapter's code: the solution's versions of the files the marker names (or of all the
    /// scaffolding) replace the clone's. A name with <c>*</c> must match one file in each, such as a migration the
    /// learner's <c>dotnet ef migrations add</c> wrote under another timestamp than the solution's.
    /// </summary>
    void Solve(SolvePart solve)
    {
        var solution = Chapter.In(Solutions.Root, "solutions", chapter).Folder;
        var target = Clone.Chapter(chapter.Folder);
        foreach (var file in solve.Files.Count > 0 ? solve.Files : chapter.Scaffolding)
        {
            var from = Find(solution, file);
            var to = file.Contains('*') ? Find(target, file) : Path.Combine(target, file);
            if (from is null || to is null)
            {
                problems.Add($"line {solve.Line}: `{file}` names no single file of the solution and of the clone.");
                continue;
            }
            File.Copy(from, to, overwrite: true);
            File.SetLastWriteTimeUtc(to, DateTime.UtcNow); // as if just typed, so that builds see the change
        }
    }

    static string? Find(string folder, string file)
    {
        var directory = Path.Combine(folder, Path.GetDirectoryName(file) ?? "");
        var matches = Directory.Exists(directory) ? Directory.GetFiles(directory, Path.GetFileName(file)) : [];
        return matches.Length == 1 ? matches[0] : null;
    }

    async Task RunAsync(DocPage page, ConsoleCommand command)
    {
        var readsExitCode = command.Text.Contains("$?", StringComparison.Ordinal);
        if (unreportedFailure is { } failed && !readsExitCode)
            problems.Add($"line {failed}: the command failed and the page does not show it (follow it with `$ echo $?`).");
        var run = await bash!.RunAsync(Typed(command.Text), CommandLimit);
        unreportedFailure = run.ExitCode == 0 || readsExitCode ? null : command.Line;
        Compare(page, command, run.Output);
    }

    /// <summary>
    /// What the learner types for a command the page shows: a backup's name the page shows becomes the name the run printed
    /// in its place, and the page's PostgreSQL server at <c>localhost:5432</c> the test run's.
    /// </summary>
    string Typed(string command)
    {
        command = BackupStamp().Replace(command, name => backupNames.GetValueOrDefault(name.Value, name.Value));
        return server is null ? command : command.Replace("localhost:5432", $"localhost:{server.Port}");
    }

    /// <summary>
    /// Adds a problem when <paramref name="output"/>, scrubbed, does not match what the page shows for
    /// <paramref name="command"/>; a backup's name is compared without its time, and remembered for later commands.
    /// </summary>
    void Compare(DocPage page, ConsoleCommand command, string output)
    {
        var shown = string.Join("\n", command.ExpectedOutput);
        foreach (var (onPage, printed) in BackupStamp().Matches(shown).Zip(BackupStamp().Matches(output)))
            backupNames.TryAdd(onPage.Value, printed.Value);
        if (server is not null)
            output = output.Replace($"Host=localhost;Port={server.Port}", "Host=localhost;Port=5432")
                .Replace($"localhost:{server.Port}", "localhost:5432");
        var actual = BackupStamp().Replace(Scrub.All(output, (Clone.Root, RootOnPage)), "app-{utc-stamp}.db");
        var expected = BackupStamp().Replace(Scrub.Volatile(Scrub.Lines(shown)), "app-{utc-stamp}.db");
        if (!OutputMatches(expected.TrimEnd('\n').Split('\n'), actual.TrimEnd('\n').Split('\n')))
        {
            problems.Add($"{Path.GetFileName(page.Path)} line {command.Line}: `{command.Text}` printed something else "
                + $"(- on the page, + printed):\n{TextDiff.Lines(expected, actual)}");
        }
    }

    /// <summary>
    /// True when a command of <paramref name="page"/> reaches a PostgreSQL server: PostgreSQL's own programs, or a URL
    /// of the server at <c>localhost:5432</c>. A page that only shows a <c>postgresql://</c> URL to an app that refuses it
    /// (chapter 01) needs none.
    /// </summary>
    /// <param name="page">A page read with <see cref="DocPage.Load"/>.</param>
    public static bool ReachesServer(DocPage page) =>
        page.Parts.OfType<ConsolePart>().SelectMany(part => part.Commands).Any(command =>
            command.Text.Contains("localhost:5432", StringComparison.Ordinal)
            || Words().Matches(command.Text).Select(m => m.Value).SkipWhile(word => word.IndexOf('=') > 0).FirstOrDefault() is "createdb" or "dropdb" or "psql");

    /// <summary>Held by the page that uses the server's database <c>blog</c>, from its start to <see cref="DisposeAsync"/>.</summary>
    static readonly SemaphoreSlim PageDatabase = new(1, 1);
    bool holdsPageDatabase;

    /// <summary>A line no command prints: it separates the commands' outputs in a PowerShell session's output.</summary>
    const string Marker = "@@workbook-doc-runner@@";

    /// <summary>
    /// Runs a <c>powershell</c> block as one script in one <c>dotnet pwsh</c> session, started from the bash session: each
    /// command is dot-sourced (so variables stay for the next one), writing to the session's output as in a PowerShell
    /// window, and followed by a marker line with <c>$LASTEXITCODE</c>; at the end, the environment variables the session
    /// set and did not remove.
    /// </summary>
    async Task RunPowerShellAsync(DocPage page, PowerShellPart block)
    {
        // Each command writes straight to the session's output, as in a PowerShell window: a native command's standard
        // output and error keep their order there, which they would not through a PowerShell pipeline.
        var script = new StringBuilder("$ErrorActionPreference = 'Continue'\n$PSStyle.OutputRendering = 'PlainText'\n")
            .Append("$workbookBefore = @([Environment]::GetEnvironmentVariables().Keys)\n");
        foreach (var command in block.Commands)
        {
            if (!command.Text.Contains("$LASTEXITCODE", StringComparison.OrdinalIgnoreCase))
                script.Append("$global:LASTEXITCODE = 0\n");
            script.Append(". {\n").Append(Typed(command.Text)).Append("\n}\n")
                .Append($"[Console]::Out.Flush(); [Console]::Error.Flush(); [Console]::Out.WriteLine(\"{Marker} $LASTEXITCODE\")\n");
        }
        script.Append("[Environment]::GetEnvironmentVariables().Keys | Where-Object { $workbookBefore -notcontains $_ } | ForEach-Object { \"left: $_\" }\n");
        var file = Path.Combine(Clone.Home, $"page-line-{block.Line}.ps1");
        await File.WriteAllTextAsync(file, script.ToString());

        var run = await bash!.RunAsync($"dotnet pwsh -NoProfile -NonInteractive -File '{file}'", CommandLimit);
        var pieces = run.Output.ReplaceLineEndings("\n").Split(Marker + " ");
        if (run.ExitCode != 0 || pieces.Length != block.Commands.Count + 1)
        {
            problems.Add($"{Path.GetFileName(page.Path)} line {block.Line}: the PowerShell block did not run through "
                + $"(exit code {run.ExitCode}):\n{run.Output}");
            return;
        }

        int? failed = null;
        for (var i = 0; i < block.Commands.Count; i++)
        {
            var command = block.Commands[i];
            if (failed is { } line && !command.Text.Contains("$LASTEXITCODE", StringComparison.OrdinalIgnoreCase))
                problems.Add($"line {line}: the command failed and the page does not show it (follow it with `PS> $LASTEXITCODE`).");
            // Piece i + 1 starts with command i's exit code, then (on the next line) command i + 1's output.
            var exitCode = pieces[i + 1].Split('\n', 2)[0].Trim();
            var readsExitCode = command.Text.Contains("$LASTEXITCODE", StringComparison.OrdinalIgnoreCase);
            failed = exitCode == "0" || readsExitCode ? null : command.Line;
            Compare(page, command, i == 0 ? pieces[0] : pieces[i].Split('\n', 2)[1]);
        }
        if (failed is { } last)
            problems.Add($"line {last}: the command failed and the page does not show it (follow it with `PS> $LASTEXITCODE`).");
        foreach (var left in pieces[^1].Split('\n', 2)[1].Split('\n').Where(l => l.StartsWith("left: ")))
            problems.Add($"{Path.GetFileName(page.Path)} line {block.Line}: the PowerShell block leaves $env:{left[6..]} set; "
                + $"end it with `PS> Remove-Item Env:{left[6..]}`.");
    }

    [GeneratedRegex(@"app-\d{8}-\d{6}\.db")]
    private static partial Regex BackupStamp();

    [GeneratedRegex(@"""[^""]*""|'[^']*'|\S+")]
    private static partial Regex Words();

    /// <summary>Whether <paramref name="actual"/> matches <paramref name="expected"/>, where a line <c>...</c> stands for any lines.</summary>
    static bool OutputMatches(IReadOnlyList<string> expected, IReadOnlyList<string> actual)
    {
        var memo = new Dictionary<(int, int), bool>();
        bool Match(int e, int a)
        {
            if (memo.TryGetValue((e, a), out var known))
                return known;
            var result = e == expected.Count
                ? a == actual.Count
                : expected[e] == "..."
                    ? Match(e + 1, a) || (a < actual.Count && Match(e, a + 1))
                    : a < actual.Count && expected[e].TrimEnd() == actual[a].TrimEnd() && Match(e + 1, a + 1);
            return memo[(e, a)] = result;
        }
        return Match(0, 0);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (bash is not null)
            await bash.DisposeAsync();
        msbuild.Dispose();
        if (holdsPageDatabase)
            PageDatabase.Release();
        holdsPageDatabase = false;
        clone?.Dispose();
    }
}
