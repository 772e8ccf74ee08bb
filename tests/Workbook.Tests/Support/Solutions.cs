using System.Reflection;

namespace Workbook.Tests;

/// <summary>The solution chapters under test, found from the manifest and built by <c>dotnet build Workbook.sln</c>.</summary>
public static class Solutions
{
    /// <summary>The repository root, found above this test assembly.</summary>
    public static readonly string Root = WorkbookLayout.FindRoot();

    /// <summary>The manifest, read once.</summary>
    public static readonly Manifest Manifest = Manifest.Load(Root);

    /// <summary>
    /// The MSBuild configuration this test assembly was built in (its <see cref="AssemblyConfigurationAttribute"/>);
    /// the chapters are read from the same configuration's output.
    /// </summary>
    public static readonly string Configuration =
        typeof(Solutions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>
    /// The built check command, <c>tests/Workbook.Check/bin/&lt;configuration&gt;/net10.0/Workbook.Check.dll</c>
    /// (built before the tests, which reference its project), to run with <c>dotnet</c>.
    /// </summary>
    public static readonly string CheckTool =
        Path.Combine(Root, "tests", "Workbook.Check", "bin", Configuration, "net10.0", "Workbook.Check.dll");

    /// <summary>The solution chapter <c>solutions/&lt;folder&gt;</c>, loaded (once) from its build output.</summary>
    /// <param name="folder">The chapter's folder name, such as <c>03-first-migration</c>.</param>
    /// <exception cref="KeyNotFoundException">The manifest has no such chapter.</exception>
    /// <exception cref="FileNotFoundException">The chapter is not built.</exception>
    public static ChapterAssembly Load(string folder) =>
        ChapterAssembly.Load(Chapter.In(Root, "solutions", Manifest[folder]), Configuration);
}
