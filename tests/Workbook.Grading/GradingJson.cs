using System.Text.Json.Serialization.Metadata;

namespace Workbook.Grading;

/// <summary>
/// The JSON contracts of the files the grader and its runner read and write on every check (the manifest, requests and
/// answers, the build record, the result cache), made by System.Text.Json's source generator at compile time: built by
/// reflection instead, they cost each process tens of milliseconds of start-up before its first file is read.
/// </summary>
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(RunnerRequest))]
[JsonSerializable(typeof(BuildAnswer))]
[JsonSerializable(typeof(CheckAnswer))]
[JsonSerializable(typeof(Grader.BuildRecord))]
[JsonSerializable(typeof(ResultCache.Entry))]
internal sealed partial class GradingJson : JsonSerializerContext
{
    /// <summary>
    /// The generated contracts first, then reflection for every other type (the reports' anonymous types): for
    /// <see cref="JsonSerializerOptions.TypeInfoResolver"/>.
    /// </summary>
    public static IJsonTypeInfoResolver Resolver { get; } = JsonTypeInfoResolver.Combine(Default, new DefaultJsonTypeInfoResolver());
}
