using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Workbook.Grading.Reading;

/// <summary>
/// A chapter's built assembly, loaded into this process so that its DbContext can be made and read
/// through EF Core's metadata. Nothing here is compiled against a chapter's types: a chapter that is
/// half done still lets the checks build.
/// </summary>
public sealed class ChapterAssembly
{
    static readonly ConcurrentDictionary<string, Lazy<ChapterAssembly>> Loaded = new();

    ChapterAssembly(Chapter chapter, string path, Assembly assembly)
    {
        Chapter = chapter;
        Path = path;
        Assembly = assembly;
    }

    /// <summary>The chapter this assembly was built from.</summary>
    public Chapter Chapter { get; }

    /// <summary>The absolute path of the assembly file.</summary>
    public string Path { get; }

    /// <summary>The loaded assembly.</summary>
    public Assembly Assembly { get; }

    /// <summary>
    /// Loads the chapter's assembly from <see cref="Chapter.BuiltAssembly"/> into an
    /// <see cref="AssemblyLoadContext"/> of its own that shares EF Core with this process; once per build
    /// (path and time written) in this process.
    /// </summary>
    /// <param name="chapter">The chapter to load.</param>
    /// <param name="configuration">The MSBuild configuration it was built in.</param>
    /// <exception cref="FileNotFoundException">The chapter is not built.</exception>
    public static ChapterAssembly Load(Chapter chapter, string configuration)
    {
        var path = chapter.BuiltAssembly(configuration);
        var build = $"{path}|{File.GetLastWriteTimeUtc(path).Ticks}";
        return Loaded.GetOrAdd(build, _ => new Lazy<ChapterAssembly>(() =>
            new ChapterAssembly(chapter, path, new ChapterLoadContext(path).LoadFromBytes(path)))).Value;
    }

    /// <summary>
    /// Makes the chapter's DbContext the way <c>dotnet ef</c> does, through its
    /// <see cref="IDesignTimeDbContextFactory{TContext}"/>, then, when asked, points it at <paramref name="sqliteFile"/>
    /// so that a check never touches the chapter's own <c>app.db</c>.
    /// </summary>
    /// <param name="sqliteFile">The SQLite file to use; it is created when first opened. Null leaves the
    /// chapter's own connection string, for checks that never open a connection.</param>
    /// <param name="ignorePendingModelChanges">
    /// Make a DbContext whose options are the factory's, except that applying migrations to a model with changes no
    /// migration holds is allowed (EF Core 9 and later refuse with <c>PendingModelChangesWarning</c>): a check of
    /// what the migrations do grades them, and the pending changes are graded on their own.
    /// </param>
    /// <returns>A new DbContext; the caller disposes it.</returns>
    /// <exception cref="ChapterCodeException">
    /// The chapter has no design-time factory, or its factory (or the configuration it reads) threw.
    /// </exception>
    public DbContext CreateDbContext(string? sqliteFile = null, bool ignorePendingModelChanges = false)
    {
        var factoryType = FindFactory(Assembly) ?? throw new ChapterCodeException(
            $"{Chapter.Name} has no design-time factory: a class that implements IDesignTimeDbContextFactory<BlogContext>.");
        var create = factoryType.GetInterfaces()
            .Single(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDesignTimeDbContextFactory<>))
            .GetMethod(nameof(IDesignTimeDbContextFactory<DbContext>.CreateDbContext))!;
        DbContext db;
        try
        {
            db = (DbContext)create.Invoke(Activator.CreateInstance(factoryType), [Array.Empty<string>()])!;
        }
        catch (TargetInvocationException error) when (error.InnerException is { } inner)
        {
            throw new ChapterCodeException(
                $"{factoryType.Name}.CreateDbContext threw {inner.GetType().Name}: {inner.Message}", inner);
        }
        if (ignorePendingModelChanges && Reconfigured(db, sqliteFile) is { } reconfigured)
        {
            db.Dispose();
            return reconfigured;
        }
        if (sqliteFile is not null)
            db.Database.SetConnectionString(SqliteDatabase.ConnectionString(sqliteFile));
        return db;
    }

    /// <summary>
    /// A new DbContext of the same type with the factory's options, pending model changes allowed and, when given, the
    /// SQLite file; null when the DbContext type has no constructor that takes its options.
    /// </summary>
    static DbContext? Reconfigured(DbContext db, string? sqliteFile)
    {
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(
            typeof(DbContextOptionsBuilder<>).MakeGenericType(db.GetType()), db.GetService<IDbContextOptions>())!;
        builder.ConfigureWarnings(warnings => warnings.Ignore(RelationalEventId.PendingModelChangesWarning));
        if (sqliteFile is not null)
            builder.UseSqlite(SqliteDatabase.ConnectionString(sqliteFile));
        return NewDbContext(db.GetType(), builder.Options);
    }

    /// <summary>
    /// A DbContext of <paramref name="contextType"/> made with <paramref name="options"/> through its constructor that takes
    /// them: <c>BlogContext(DbContextOptions&lt;BlogContext&gt;)</c>, or <c>BlogContext(DbContextOptions)</c> where a derived
    /// DbContext passes its own.
    /// </summary>
    /// <param name="contextType">A DbContext type of the chapter.</param>
    /// <param name="options">The options, whose provider and connection the DbContext uses.</param>
    /// <returns>The new DbContext, which the caller disposes; null when the type has no such constructor.</returns>
    /// <exception cref="ChapterCodeException">The constructor threw.</exception>
    public static DbContext? NewDbContext(Type contextType, DbContextOptions options)
    {
        var optionsType = typeof(DbContextOptions<>).MakeGenericType(contextType);
        if ((contextType.GetConstructor([optionsType]) ?? contextType.GetConstructor([typeof(DbContextOptions)])) is not { } constructor)
            return null;
        try
        {
            return (DbContext)constructor.Invoke([options]);
        }
        catch (TargetInvocationException error) when (error.InnerException is { } inner)
        {
            throw new ChapterCodeException($"{contextType.Name}'s constructor threw {inner.GetType().Name}: {inner.Message}", inner);
        }
    }

    /// <summary>
    /// The design-time factory of the chapter's DbContext. A chapter with one DbContext type per provider (chapter 07's
    /// PostgresBlogContext derives from BlogContext) has a factory for each: the one of the least derived DbContext type,
    /// the app's own, is taken, whatever order the compiler wrote the types in.
    /// </summary>
    static Type? FindFactory(Assembly assembly) =>
        assembly.GetTypes()
            .Select(t => (Factory: t, Context: t.IsAbstract ? null : t.GetInterfaces().FirstOrDefault(i =>
                i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IDesignTimeDbContextFactory<>))?.GetGenericArguments()[0]))
            .Where(f => f.Context is not null)
            .OrderBy(f => Depth(f.Context!))
            .Select(f => f.Factory)
            .FirstOrDefault();

    static int Depth(Type type) => type.BaseType is { } baseType ? 1 + Depth(baseType) : 0;

    /// <summary>
    /// Loads the chapter's own assembly from its build folder and takes everything else (EF Core above
    /// all) from this process when it has it, so the chapter's DbContext is this process's DbContext type.
    /// </summary>
    sealed class ChapterLoadContext(string path) : AssemblyLoadContext(path)
    {
        readonly string mainAssembly = path;
        readonly AssemblyDependencyResolver resolver = new(path);

        /// <summary>
        /// Loads the chapter's assembly from its bytes, not its path: the runtime keeps an image it opened by path, so a
        /// chapter rebuilt in place would otherwise be loaded again as the build it had before.
        /// </summary>
        public Assembly LoadFromBytes(string assemblyPath)
        {
            using var bytes = new MemoryStream(File.ReadAllBytes(assemblyPath));
            return LoadFromStream(bytes);
        }

        protected override Assembly? Load(AssemblyName name)
        {
            if (name.Name == System.IO.Path.GetFileNameWithoutExtension(mainAssembly))
                return LoadFromBytes(mainAssembly);
            try
            {
                return Default.LoadFromAssemblyName(name);
            }
            catch (FileNotFoundException)
            {
                var path = resolver.ResolveAssemblyToPath(name);
                return path is null ? null : LoadFromAssemblyPath(path);
            }
        }
    }
}

/// <summary>The chapter's own code failed while a check ran it; the message says where and why.</summary>
/// <param name="message">What failed, in a sentence a learner can act on.</param>
/// <param name="inner">The exception the chapter's code threw, if any.</param>
public sealed class ChapterCodeException(string message, Exception? inner = null) : Exception(message, inner);
