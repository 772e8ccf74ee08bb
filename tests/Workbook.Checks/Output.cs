namespace Workbook.Checks;

/// <summary>
/// One text a check produced from a chapter, to be compared with the expected text of the same name
/// (the snapshot <c>&lt;chapter&gt;.&lt;check&gt;.&lt;Name&gt;.snap</c>).
/// </summary>
/// <param name="Name">
/// The snapshot's name, unique within its check, ending in the kind of text it holds: <c>create-script.sql</c>,
/// <c>UsersTable.cs</c>, <c>transcript.txt</c>.
/// </param>
/// <param name="Text">The scrubbed text: '\n' line endings, no machine paths, times or tool versions.</param>
public sealed record Output(string Name, string Text);
