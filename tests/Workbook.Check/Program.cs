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
var command = new RootCommand("Checks a learner's chapters against the expectations the solutions meet.")
{
    chapterArgument, pathOption, jsonOption,
};
command.SetAction((parse, _) => CheckCommand.RunAsync(
    parse.GetValue(chapterArgument), parse.GetValue(pathOption), parse.GetValue(jsonOption), Console.Out));
return await command.Parse(args).InvokeAsync();
