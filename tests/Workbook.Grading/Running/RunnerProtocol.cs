using System.Security.Cryptography;

namespace Workbook.Grading.Running;

/// <summary>
/// What the grader asks of its runner (<see cref="ChapterRunner"/>), the process that builds a learner's chapter and runs
/// its checks inside the sandbox, and what the runner answers. The answer is files the runner writes into
/// <see cref="RunnerRequest.Results"/>, one per check as it finishes, never anything it prints: what learner code prints
/// cannot pass for a result. Each answer is sealed with a key the grader hands the runner on its standard input before any
/// learner code is loaded (<see cref="Seal"/>), so that an answer file that learner code writes itself is told apart. Code
/// that runs in the runner's own process could still, with effort, find the key in its memory: the seal stops a file
/// written from a copy of the expectations, not a determined attack on the process.
/// </summary>
public static class RunnerProtocol
{
    /// <summary>The JSON form of requests and answers (property names as in C#, read case-insensitively).</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, WriteIndented = false, TypeInfoResolver = GradingJson.Resolver };

    /// <summary>The file of the build's answer in the results folder.</summary>
    public const string BuildFile = "build.json";

    /// <summary>The file a serving runner writes, sealed, once it has served a request (<see cref="ChapterRunner.ServeAsync()"/>).</summary>
    public const string DoneFile = "done.json";

    /// <summary>The file of a check's answer in the results folder.</summary>
    /// <param name="check">The check's name.</param>
    public static string CheckFile(string check) => $"check-{check}.json";

    /// <summary>A new random key for <see cref="Seal"/>, as hex.</summary>
    public static string NewKey() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>The seal of <paramref name="text"/> under <paramref name="key"/>: its HMAC-SHA256, as hex.</summary>
    public static string Seal(string key, string text) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromHexString(key), Encoding.UTF8.GetBytes(text)));

    /// <summary>
    /// Writes <paramref name="value"/> as JSON to <paramref name="path"/> all at once (a temporary file, then a rename);
    /// with a <paramref name="key"/>, a second line holds the JSON's seal.
    /// </summary>
    public static void Write<T>(string path, T value, string? key = null)
    {
        var json = JsonSerializer.Serialize(value, Json);
        var temporary = path + ".partial";
        File.WriteAllText(temporary, key is null ? json : json + "\n" + Seal(key, json) + "\n");
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Reads what <see cref="Write"/> wrote, or null when the file is missing, cut short or not of this form; with a
    /// <paramref name="key"/>, also when its seal is missing or wrong.
    /// </summary>
    public static T? Read<T>(string path, string? key = null) where T : class
    {
        try
        {
            var text = File.ReadAllText(path);
            if (key is not null)
            {
                var lines = text.TrimEnd('\n').Split('\n');
                if (lines.Length != 2 || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Seal(key, lines[0])), Encoding.ASCII.GetBytes(lines[1])))
                    return null;
                text = lines[0];
            }
            return JsonSerializer.Deserialize<T>(text, Json);
        }
        catch (Exception error) when (error is IOException or JsonException or UnauthorizedAccessException or NotSupportedException or FormatException)
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
public sealed record BuildAnswer(bool Succeeded, IReadOnlyList<string> Errors)
{
    /// <summary>How long the build took, in milliseconds (for <c>WORKBOOK_CHECK_TIMINGS</c>).</summary>
    public double Milliseconds { get; init; }
}

/// <summary>The runner's answer about one check.</summary>
/// <param name="Name">The check's name.</param>
/// <param name="Outputs">What it produced, to compare with the expectations; empty when it could not finish.</param>
/// <param name="Failure">Why it could not finish because of the chapter's code (an exception it threw): a failure of the chapter.</param>
/// <param name="Error">Why it could not finish for a reason that says nothing of the work (a limit reached): an error of the check.</param>
public sealed record CheckAnswer(string Name, IReadOnlyList<Output> Outputs, string? Failure = null, string? Error = null)
{
    /// <summary>How long the check took, in milliseconds (for <c>WORKBOOK_CHECK_TIMINGS</c>).</summary>
    public double Milliseconds { get; init; }
}
