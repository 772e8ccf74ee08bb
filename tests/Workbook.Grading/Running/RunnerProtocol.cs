using System.Text.Json;

namespace Workbook.Grading.Running;

/// <summary>
/// What the grader asks of its runner (<see cref="ChapterRunner"/>), the process that builds a learner's chapter and runs
/// its checks inside the sandbox, and what the runner answers. The answer is files the runner writes into
/// <see cref="RunnerRequest.Results"/>, one per check as it finishes, never anything it prints: what learner code prints
/// cannot pass for a result.
/// </summary>
public static class RunnerProtocol
{
    /// <summary>The JSON form of requests and answers (property names as in C#, read case-insensitively).</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, WriteIndented = false };

    /// <summary>The file of the build's answer in the results folder.</summary>
    public const string BuildFile = "build.json";

    /// <summary>The file of a check's answer in the results folder.</summary>
    /// <param name="check">The check's name.</param>
    public static string CheckFile(string check) => $"check-{check}.json";

    /// <summary>Writes <paramref name="value"/> as JSON to <paramref name="path"/> all at once (a temporary file, then a rename).</summary>
    public static void Write<T>(string path, T value)
    {
        var temporary = path + ".partial";
        File.WriteAllText(temporary, JsonSerializer.Serialize(value, Json));
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>Reads what <see cref="Write"/> wrote, or null when the file is missing, cut short or not of this form.</summary>
    public static T? Read<T>(string path) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path), Json);
        }
        catch (Exception error) when (error is IOException or JsonException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }
}

/// <summary>What the grader asks the runner to do with one chapter.</summary>
/// <param name="Chapter">The chapter as the manifest lists it (its name for messages).</param>
/// <param name="GradedAs">The chapter whose checks and expectations apply.</param>
/// <param name="Folder">The project folder to build and load: the grader's copy of the learner's chapter.</param>
/// <param name="Configuration">The MSBuild configuration.</param>
/// <param name="Build">How to build it first, or null when the build in <paramref name="Folder"/> is current.</param>
/// <param name="Checks">The checks to run, by name.</param>
/// <param name="ChapterDatabase">The grader's copy of the chapter's <c>app.db</c>, for the checks that read it.</param>
/// <param name="Postgres">PostgreSQL databases for the checks that need a server, and how to reach them.</param>
/// <param name="ProgramTimeLimitSeconds">How long each run of the chapter's program may take.</param>
/// <param name="Results">The folder the answers go to.</param>
public sealed record RunnerRequest(
    ChapterInfo Chapter, ChapterInfo GradedAs, string Folder, string Configuration, BuildRequest? Build, IReadOnlyList<string> Checks,
    ChapterDatabaseCopy? ChapterDatabase, PostgresRequest? Postgres, double ProgramTimeLimitSeconds, string Results);

/// <summary>How to build the chapter.</summary>
/// <param name="BuildProps">The grading workbook's <c>Directory.Build.props</c>, so that a chapter builds the same anywhere.</param>
/// <param name="PackagesProps">Its <c>Directory.Packages.props</c>.</param>
/// <param name="UiLanguage">The language the learner's SDK speaks (<c>DOTNET_CLI_UI_LANGUAGE</c>), for the compiler's messages.</param>
public sealed record BuildRequest(string BuildProps, string PackagesProps, string UiLanguage);

/// <summary>PostgreSQL for the checks that need a server.</summary>
/// <param name="Access">The databases and their user, as the chapter's program reaches them (host and port).</param>
/// <param name="Socket">
/// A Unix socket that leads to the server, where the sandbox has no network: the runner then listens on
/// <see cref="PostgresAccess.Host"/>:<see cref="PostgresAccess.Port"/> inside the sandbox and passes each connection on to it.
/// Null when the program reaches the server directly.
/// </param>
public sealed record PostgresRequest(PostgresAccess Access, string? Socket);

/// <summary>The runner's answer about the build.</summary>
/// <param name="Succeeded">True when <c>dotnet build</c> succeeded.</param>
/// <param name="Errors">The compiler's and MSBuild's error lines, each once, paths relative to the chapter folder.</param>
public sealed record BuildAnswer(bool Succeeded, IReadOnlyList<string> Errors);

/// <summary>The runner's answer about one check.</summary>
/// <param name="Name">The check's name.</param>
/// <param name="Outputs">What it produced, to compare with the expectations; empty when it could not finish.</param>
/// <param name="Failure">Why it could not finish because of the chapter's code (an exception it threw): a failure of the chapter.</param>
/// <param name="Error">Why it could not finish for a reason that says nothing of the work (a limit reached): an error of the check.</param>
public sealed record CheckAnswer(string Name, IReadOnlyList<Output> Outputs, string? Failure = null, string? Error = null);
