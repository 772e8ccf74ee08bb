using System.CommandLine;

// The grader starts this same program in the sandbox as its runner, which builds a chapter and runs its checks.
if (args is [ChapterRunner.Verb, var request])
    return await ChapterRunner.RunAsync(request);
if (args is [ChapterRunner.ServeVerb])
    return await ChapterRunner.ServeAsync();

var chapterArgument = new Argument<string?>("chapter")
{
    Description = "One chapter to check in detail, such as 03-first-migration or 03. Without it, every chapter gets one line.",
    Arity = ArgumentArity.ZeroOrOne,
};
var pathOption = new Option<string?>("--path")
{
    Description = "Where the chapters are: a clone of the workbook, its chapters/ folder, or one chapter folder. By default this workbook's chapters/.",
};
var jsonOption = new Option<string?>("--json")
{
    Description = "Also write the results to this file as JSON, for grading scripts.",
};
var formatOption = new Option<string>("--format")
{
    Description = "text: the report for people (the default); exercism: Exercism's test-runner results.json (version 3) on standard output.",
    DefaultValueFactory = _ => "text",
};
formatOption.AcceptOnlyFromAmong(CheckOptions.Formats);
var watchOption = new Option<bool>("--watch")
{
    Description = "Check again every time you save a file of the chapter, until Ctrl+C.",
};
var noCacheOption = new Option<bool>("--no-cache")
{
    Description = "Grade afresh even when nothing the result depends on has changed since the last check.",
};
var classOption = new Option<string?>("--class")
{
    Description = "Grade a whole class: a folder with one sub-folder per learner (a clone of the workbook). Writes a table, "
        + "summary.csv and each learner's JSON into FOLDER/check-results/.",
};
var noSandboxOption = new Option<bool>("--no-sandbox")
{
    Description = "Run learner code without the sandbox (bubblewrap), with its time and memory limits only. For machines where the sandbox cannot run.",
};
var timeLimitOption = new Option<int>("--time-limit")
{
    Description = "How many seconds one run of a chapter's program may take before it is stopped and its check is an error (default 120); "
        + "a build and all the checks of a chapter may take five times as long.",
    DefaultValueFactory = _ => 120,
};
var command = new RootCommand("Checks a learner's chapters against the expectations the solutions meet.")
{
    chapterArgument, pathOption, jsonOption, formatOption, watchOption, noCacheOption, classOption, noSandboxOption, timeLimitOption,
};
var parse = command.Parse(args);
if (parse.Errors.Count > 0 || parse.GetValue(timeLimitOption) <= 0)
{
    // A usage error: its own exit code, in the format asked for when that much can be read, never a stack trace.
    var problems = parse.Errors.Select(error => error.Message).DefaultIfEmpty("--time-limit must be a number of seconds above 0.");
    return await CheckCommand.UsageErrorAsync(string.Join(" ", problems), args.Contains("exercism") ? "exercism" : "text", new CheckConsole());
}
if (args.Any(argument => argument is "-h" or "--help" or "-?" or "--version"))
    return await parse.InvokeAsync();
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
return await CheckCommand.RunAsync(
    new CheckOptions(parse.GetValue(chapterArgument), parse.GetValue(pathOption), parse.GetValue(jsonOption), parse.GetValue(formatOption)!,
        parse.GetValue(watchOption), parse.GetValue(noCacheOption), parse.GetValue(classOption), parse.GetValue(noSandboxOption),
        TimeSpan.FromSeconds(parse.GetValue(timeLimitOption))),
    new CheckConsole(), cancel.Token);
