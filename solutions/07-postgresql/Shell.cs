using System.Collections;
using Blog.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Scripting;
using Microsoft.CodeAnalysis.Scripting;
using Microsoft.EntityFrameworkCore;

namespace Blog;

/// <summary>What every shell statement can use by name: the shell context.</summary>
public class ShellContext(BlogContext context)
{
    // Lower-case on purpose: the name you type at the prompt, as in `flask shell`.
    public BlogContext db { get; } = context;
}

/// <summary>An interactive C# prompt with db, User and Comment in scope (`dotnet run -- shell`).</summary>
public static class Shell
{
    public static async Task RunAsync(BlogContext db)
    {
        var options = ScriptOptions.Default
            .AddReferences(typeof(User).Assembly, typeof(DbContext).Assembly, typeof(RelationalQueryableExtensions).Assembly)
            .AddImports("System", "System.Linq", "Blog", "Blog.Models", "Microsoft.EntityFrameworkCore");
        var context = new ShellContext(db);
        ScriptState<object>? state = null;
        var piped = Console.IsInputRedirected;

        Console.WriteLine("C# shell: db, User and Comment are in scope. End with Ctrl+D (Ctrl+Z, Enter on Windows).");
        var code = "";
        while (true)
        {
            Console.Write(code.Length == 0 ? "> " : ". ");
            var line = Console.ReadLine();
            if (line is null)
                break;
            if (piped)
                Console.WriteLine(line); // a piped session then reads like a typed one

            // Keep reading lines until they make a whole statement, such as a multi-line block.
            code += line + "\n";
            var tree = SyntaxFactory.ParseSyntaxTree(code, CSharpParseOptions.Default.WithKind(SourceCodeKind.Script));
            if (!SyntaxFactory.IsCompleteSubmission(tree))
                continue;

            try
            {
                state = state is null
                    ? await CSharpScript.RunAsync(code, options, context)
                    : await state.ContinueWithAsync(code, options);
                if (state.ReturnValue is not null)
                    Console.WriteLine(Show(state.ReturnValue));
            }
            catch (CompilationErrorException error)
            {
                // The statement did not compile: show why, keep everything run before it.
                foreach (var diagnostic in error.Diagnostics)
                    Console.WriteLine(diagnostic);
            }
            catch (DbUpdateException error)
            {
                // The database refused the save: its own message is the innermost exception's. The failed
                // changes are still tracked and would fail every later SaveChanges, so drop them all.
                Console.WriteLine($"{error.GetType().Name}: {error.GetBaseException().Message}");
                db.ChangeTracker.Clear();
                Console.WriteLine("Nothing was saved; the change tracker was cleared (tracked objects are forgotten).");
            }
            catch (Exception error)
            {
                Console.WriteLine($"{error.GetType().Name}: {error.GetBaseException().Message}");
            }
            code = "";
        }
        Console.WriteLine();
    }

    // Lists print their items, the way Python prints [<User john>, <User susan>]; text prints in quotes.
    static string Show(object? value) => value switch
    {
        string text => $"\"{text}\"",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Show)) + "]",
        _ => value?.ToString() ?? "null",
    };
}
