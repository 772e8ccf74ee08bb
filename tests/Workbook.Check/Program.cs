using System.CommandLine;
using Workbook.Grading;

// Record the learner's DATABASE_URL, secrets and culture, then keep them away from the chapters this run loads.
LearnerEnvironment.IsolateThisProcess();

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
formatOption.AcceptOnlyFromAmong("text", "exercism");
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
var command = new RootCommand("Checks a learner's chapters against the expectations the solutions meet.")
{
    chapterArgument, pathOption, jsonOption, formatOption, watchOption, noCacheOption, classOption,
};
command.SetAction((parse, cancel) => CheckCommand.RunAsync(
    new CheckOptions(parse.GetValue(chapterArgument), parse.GetValue(pathOption), parse.GetValue(jsonOption),
        parse.GetValue(formatOption)!, parse.GetValue(watchOption), parse.GetValue(noCacheOption), parse.GetValue(classOption)),
    new CheckConsole(), cancel));
return await command.Parse(args).InvokeAsync();
