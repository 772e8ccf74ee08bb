namespace Workbook.Grading.Checks;

/// <summary>
/// One text a check produced from a chapter, to be compared with the expected text of the same name
/// (the snapshot <c>&lt;chapter&gt;.&lt;check&gt;.&lt;Name&gt;.snap</c>).
/// </summary>
/// <param name="Name">
/// The snapshot's name, unique within its check, ending in the kind of text it holds: <c>schema.txt</c>,
/// <c>UsersTable.cs</c>, <c>transcript.txt</c>.
/// </param>
/// <param name="Text">The scrubbed text: '\n' line endings, no machine paths, times or tool versions.</param>
/// <param name="Keyed">
/// True when every line starts with a key (see <see cref="KeyedText"/>): the grading then compares it key by
/// key and names each difference by its key; otherwise line by line as a whole.
/// </param>
/// <param name="BlockedBy">
/// Set when the check could not produce this output because something graded elsewhere is missing (a probe of
/// comments when the model has no <c>Comment</c>): a reference in the manifest's form, such as
/// <c>model/schema.txt#Comment table</c>, whose steps the failure's hints come from.
/// </param>
public sealed record Output(string Name, string Text, bool Keyed = false, string? BlockedBy = null);
