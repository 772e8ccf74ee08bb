using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CliWrap.Buffered;
using Microsoft.Data.Sqlite;
using Workbook.Grading;

namespace Workbook.Tests.Docs;

/// <summary>
/// Follows a chapter's page as a learner would, on a fresh copy of the chapter's starter: runs every command of
/// its <c>console</c> blocks in page order with the real <c>dotnet</c> and <c>dotnet ef</c>, applies the solution's
/// code where the page says the learner has written it, and compares each command's output with the output the
/// page shows, after the snapshots' scrubbing (the copy's root is shown as <c>~/workbook</c>).
/// </summary>
/// <remarks>
/// The commands a page may use: <c>cd DIR</c> (relative to the folder before; the first one is relative to the
/// workbook root), <c>echo $?</c> (the previous command's exit code; a command that fails must be followed by
/// it), <c>[NAME=value ...] dotnet ...</c>, <c>sqlite3 FILE "SQL"</c> (run here with Microsoft.Data.Sqlite, printing rows
/// as the sqlite3 shell does: values joined by <c>|</c>, NULL as nothing) and <c>cp FROM TO</c>. A backup's name,
/// <c>app-&lt;UTC yyyyMMdd-HHmmss&gt;.db</c>, is compared without its time; in a later command, the name the page shows
/// stands for the name the run printed in its place, as the learner types the name they saw.
/// <c>dotnet run --project tests/Workbook.Check -- ARGS</c> runs this
/// workbook's built check on the copy's <c>chapters/</c> folder. The copy has the workbook's <c>tools/</c> folder
/// too, so a page can run <c>dotnet run --file ../../tools/sql.cs -- app.db "SQL"</c>. Commands run with a home folder of their own
/// (so <c>dotnet user-secrets</c> writes nowhere else, and no secret of the machine leaks in) that shares this
/// machine's NuGet package folder.
/// <para>
/// The page's commands share an MSBuild server of their own (<see cref="OwnMSBuildServer"/>), stopped on <see cref="Dispose"/>.
/// </para>
/// <para>
/// A <c>powershell</c> block (see <see cref="PowerShellPart"/>) runs as one session of the PowerShell of the local tool
/// manifest (<c>dotnet pwsh</c>), in the folder the page has reached, with the same home folder. Any PowerShell
/// command may be used there; each command's output (standard error included) is compared as above.
/// <c>$LASTEXITCODE</c> is reset to 0 before each command that does not read it, so a native command that exits with
/// another code must be followed by a command that reads it, such as <c>$LASTEXITCODE</c>. The session must not
/// leave an environment variable behind that it set (<c>Remove-Item Env:NAME</c>), as a learner's would stay in
/// the window they go on working in. <c>Set-Location</c> inside a block does not carry over to later blocks.
/// </para>
/// <para>
/// PostgreSQL (chapter 07): a page shows a server at <c>localhost:5432</c> with a user <c>blog</c>, password
/// <c>s3cret</c>, who may create databases (<see cref="PageUser"/>, <see cref="PagePassword"/>). The runner makes that
/// user on the test run's server (<see cref="Postgres.Server"/>) and drops a database <c>blog</c> left by an earlier run,
/// for a page whose commands reach the server (<see cref="ReachesServer"/>), one such page at a time;
/// <c>localhost:5432</c> in a command's environment becomes the server's address, and the server's address in the
/// output becomes <c>localhost:5432</c> again. <c>createdb</c>, <c>dropdb</c> and <c>psql</c> run PostgreSQL's own
/// programs, with <c>-h localhost</c> sent to the server's host and <c>PGPORT</c> set to its port.
/// </para>
/// </remarks>
public sealed partial class DocRunner : IDisposable
{
    /// <summary>What the copy's root folder is shown as on a page.</summary>
    public const string RootOnPage = "~/workbook";

    /// <summary>The PostgreSQL user the pages connect as.</summary>
    public const string PageUser = "blog";

    /// <summary>The password of <see cref="PageUser"/> on the pages (a learning server's, never a real one).</summary>
    public const string PagePassword = "s3cret";

    Grading.PostgresServer? server;

    readonly ChapterInfo chapter;
    readonly WorkbookCopy copy;
    readonly OwnMSBuildServer msbuild = new();
    readonly List<string> problems = [];
    readonly Dictionary<string, string?> isolation;
    readonly Dictionary<string, string> backupNames = [];
    string folder;
    int? unreportedFailure;
    int lastExitCode;

    /// <summary>Makes a fresh copy of the starter <c>chapters/&lt;chapter&gt;</c> (and of <c>tools/</c>) to follow the page on.</summary>
    /// <param name="chapter">The chapter the page teaches.</param>
    public DocRunner(ChapterInfo chapter)
    {
        this.chapter = chapter;
        copy = new WorkbookCopy(Solutions.Root, "chapters", Chapter.In(Solutions.Root, "chapters", chapter));
        foreach (var tool in Directory.GetFiles(Path.Combine(Solutions.Root, "tools")))
        {
            Directory.CreateDirectory(Path.Combine(copy.Root, "tools"));
            File.Copy(tool, Path.Combine(copy.Root, "tools", Path.GetFileName(tool)));
        }
        folder = copy.Root;
        var home = Path.Combine(copy.Root, ".home");
        Directory.CreateDirectory(home);
        isolation = new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["APPDATA"] = home,
            ["DOTNET_CLI_HOME"] = home,
            ["NUGET_PACKAGES"] = LearnerEnvironment.PackagesFolder,
        };
        foreach (var (name, value) in msbuild.Variables)
            isolation[name] = value;
    }

    /// <summary>
    /// Follows <paramref name="page"/> from top to bottom.
    /// </summary>
    /// <returns>
    /// One entry per command whose output differs from the page (with a line diff) or that failed without the
    /// page saying so; empty when the page is right.
    /// </returns>
    /// <exception cref="SkipException">The page uses PostgreSQL and no server can be had (outside CI).</exception>
    /// <exception cref="InvalidOperationException">The page uses PostgreSQL and no server can be had, in CI.</exception>
    /// <exception cref="Npgsql.NpgsqlException">The server refused to make the page's user or drop its database.</exception>
    public async Task<IReadOnlyList<string>> FollowAsync(DocPage page)
    {
        // A new home knows no local tools yet: restore dotnet-ef from the package folder, as a learner did once.
        var restore = await DotnetCommand.RunAsync(copy.Root, ["tool", "restore"], isolation);
        if (restore.ExitCode != 0)
            return [$"dotnet tool restore failed in the copy:\n{restore.StandardOutput}{restore.StandardError}"];

        if (ReachesServer(page))
        {
            server = Postgres.Server;
            // The pages share one database name on one server: one page at a time may hold it.
            await PageDatabase.WaitAsync();
            holdsPageDatabase = true;
            server.Execute($"DROP DATABASE IF EXISTS blog WITH (FORCE)");
            server.Execute($"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{PageUser}') THEN "
                + $"CREATE ROLE {PageUser} LOGIN CREATEDB PASSWORD '{PagePassword}'; END IF; END $$");
        }

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
    /// scaffolding) replace the copy's. A name with <c>*</c> must match one file in each, such as a migration the
    /// learner's <c>dotnet ef migrations add</c> wrote under another timestamp than the solution's.
    /// </summary>
    void Solve(SolvePart solve)
    {
        var solution = Chapter.In(Solutions.Root, "solutions", chapter).Folder;
        foreach (var file in solve.Files.Count > 0 ? solve.Files : chapter.Scaffolding)
        {
            var source = Find(solution, file);
            var target = file.Contains('*') ? Find(copy.ChapterFolder, file) : Path.Combine(copy.ChapterFolder, file);
            if (source is null || target is null)
            {
                problems.Add($"line {solve.Line}: `{file}` names no single file of the solution and of the copy.");
                continue;
            }
            File.Copy(source, target, overwrite: true);
            File.SetLastWriteTimeUtc(target, DateTime.UtcNow); // as if just typed, so that builds see the change
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
        var words = Split(command.Text);
        var environment = new Dictionary<string, string?>(isolation);
        while (words.Count > 0 && words[0].IndexOf('=') > 0)
        {
            var assignment = words[0].Split('=', 2);
            environment[assignment[0]] = server is null ? assignment[1] : assignment[1].Replace("localhost:5432", $"{server.Host}:{server.Port}");
            words.RemoveAt(0);
        }

        string output;
        switch (words)
        {
            case ["cd", var target]:
                folder = Path.GetFullPath(Path.Combine(folder, target));
                if (!folder.StartsWith(copy.Root) || !Directory.Exists(folder))
                    problems.Add($"line {command.Line}: `cd {target}` leads to no folder of the workbook.");
                output = "";
                break;
            case ["echo", "$?"]:
                output = lastExitCode + "\n";
                unreportedFailure = null;
                break;
            case ["sqlite3", var file, var sql]:
                (output, lastExitCode) = Sqlite(Path.Combine(folder, BackupName(file)), sql);
                unreportedFailure = lastExitCode == 0 ? null : command.Line;
                break;
            case ["cp", var from, var to]:
                var source = Path.Combine(folder, BackupName(from));
                lastExitCode = File.Exists(source) ? 0 : 1;
                output = lastExitCode == 0 ? "" : $"cp: cannot stat '{from}': No such file or directory\n";
                if (lastExitCode == 0)
                    File.Copy(source, Path.Combine(folder, BackupName(to)), overwrite: true);
                unreportedFailure = lastExitCode == 0 ? null : command.Line;
                break;
            case ["dotnet", ..]:
                if (unreportedFailure is { } failed)
                    problems.Add($"line {failed}: the command failed and the page does not show it (follow it with `$ echo $?`).");
                var run = await DotnetCommand.RunAsync(folder, CheckToolArguments(words.Skip(1).ToList()), environment);
                output = run.StandardOutput + run.StandardError;
                lastExitCode = run.ExitCode;
                unreportedFailure = run.ExitCode == 0 ? null : command.Line;
                break;
            case ["createdb" or "dropdb" or "psql", ..] when server is not null:
                if (unreportedFailure is { } failedBefore)
                    problems.Add($"line {failedBefore}: the command failed and the page does not show it (follow it with `$ echo $?`).");
                environment["PGPORT"] = server.Port.ToString(CultureInfo.InvariantCulture);
                var program = server.Binaries is { } bin ? Path.Combine(bin, words[0]) : words[0];
                var arguments = words.Skip(1).Select(w => w == "localhost" ? server.Host : w).ToList();
                var result = await CliWrap.Cli.Wrap(program).WithArguments(arguments).WithWorkingDirectory(folder)
                    .WithEnvironmentVariables(environment).WithValidation(CliWrap.CommandResultValidation.None)
                    .ExecuteBufferedAsync(Encoding.UTF8);
                output = result.StandardOutput + result.StandardError;
                lastExitCode = result.ExitCode;
                unreportedFailure = result.ExitCode == 0 ? null : command.Line;
                break;
            default:
                problems.Add($"line {command.Line}: `{command.Text}` is not a command the doc tests can run (cd, echo $?, dotnet, sqlite3, cp; createdb, dropdb, psql on a PostgreSQL page).");
                return;
        }

        Compare(page, command, output);
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
            output = output.Replace($"Host={server.Host};Port={server.Port}", "Host=localhost;Port=5432")
                .Replace($"{server.Host}:{server.Port}", "localhost:5432");
        var actual = BackupStamp().Replace(Scrub.All(output, (copy.Root, RootOnPage)), "app-{utc-stamp}.db");
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
            || Split(command.Text).SkipWhile(word => word.IndexOf('=') > 0).FirstOrDefault() is "createdb" or "dropdb" or "psql");

    /// <summary>Held by the page that uses the server's database <c>blog</c>, from its start to <see cref="Dispose"/>.</summary>
    static readonly SemaphoreSlim PageDatabase = new(1, 1);
    bool holdsPageDatabase;

    /// <summary>A line no command prints: it separates the commands' outputs in a PowerShell session's output.</summary>
    const string Marker = "@@workbook-doc-runner@@";

    /// <summary>
    /// Runs a <c>powershell</c> block as one script in one <c>dotnet pwsh</c> session: each command is dot-sourced
    /// (so variables stay for the next one) with its errors merged into its output as text, and followed by a marker
    /// line with <c>$LASTEXITCODE</c>; at the end, the environment variables the session set and did not remove.
    /// </summary>
    async Task RunPowerShellAsync(DocPage page, PowerShellPart block)
    {
        var script = new StringBuilder("$ErrorActionPreference = 'Continue'\n")
            .Append("$workbookBefore = @([Environment]::GetEnvironmentVariables().Keys)\n");
        foreach (var command in block.Commands)
        {
            if (!command.Text.Contains("$LASTEXITCODE", StringComparison.OrdinalIgnoreCase))
                script.Append("$global:LASTEXITCODE = 0\n");
            script.Append(". {\n").Append(command.Text).Append("\n} 2>&1 | ForEach-Object { \"$_\" }\n")
                .Append($"Write-Output \"{Marker} $LASTEXITCODE\"\n");
        }
        script.Append("[Environment]::GetEnvironmentVariables().Keys | Where-Object { $workbookBefore -notcontains $_ } | ForEach-Object { \"left: $_\" }\n");
        var file = Path.Combine(isolation["HOME"]!, $"page-line-{block.Line}.ps1");
        await File.WriteAllTextAsync(file, script.ToString());

        var run = await DotnetCommand.RunAsync(folder, ["pwsh", "-NoProfile", "-NonInteractive", "-File", file], isolation);
        var pieces = run.StandardOutput.ReplaceLineEndings("\n").Split(Marker + " ");
        if (run.ExitCode != 0 || pieces.Length != block.Commands.Count + 1)
        {
            problems.Add($"{Path.GetFileName(page.Path)} line {block.Line}: the PowerShell block did not run through "
                + $"(exit code {run.ExitCode}):\n{run.StandardOutput}{run.StandardError}");
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

    /// <summary>A backup's name as the page shows it becomes the name the run printed in its place.</summary>
    string BackupName(string path) => BackupStamp().Replace(path, name => backupNames.GetValueOrDefault(name.Value, name.Value));

    /// <summary>What <c>sqlite3 FILE "SQL"</c> prints, and its exit code: each row's values joined by '|', or the error.</summary>
    static (string Output, int ExitCode) Sqlite(string file, string sql)
    {
        var text = new StringBuilder();
        try
        {
            foreach (var row in SqliteSchema.Rows(file, sql, readOnly: false))
                text.Append(SqliteSchema.Line(row)).Append('\n');
            return (text.ToString(), 0);
        }
        catch (SqliteException error)
        {
            return (text.Append($"Error: {error.Message}\n").ToString(), 1);
        }
    }

    [GeneratedRegex(@"app-\d{8}-\d{6}\.db")]
    private static partial Regex BackupStamp();

    /// <summary>The check command on a page becomes this workbook's built check, pointed at the copy.</summary>
    List<string> CheckToolArguments(List<string> arguments)
    {
        if (arguments is ["run", "--project", var project, .. var rest]
            && Path.GetFullPath(Path.Combine(folder, project)) == Path.Combine(copy.Root, "tests", "Workbook.Check"))
        {
            return [Solutions.CheckTool, "--path", Path.Combine(copy.Root, "chapters"), .. rest.SkipWhile(a => a == "--")];
        }
        return arguments;
    }

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

    /// <summary>Splits a command line into words at spaces, keeping quoted text (single or double quotes) together.</summary>
    static List<string> Split(string commandLine)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char? quote = null;
        var inWord = false;
        foreach (var c in commandLine)
        {
            if (quote is not null)
            {
                if (c == quote)
                    quote = null;
                else
                    word.Append(c);
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c == ' ')
            {
                if (inWord)
                    words.Add(word.ToString());
                word.Clear();
                inWord = false;
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        return words;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        msbuild.Dispose();
        if (holdsPageDatabase)
            PageDatabase.Release();
        holdsPageDatabase = false;
        copy.Dispose();
    }
}
