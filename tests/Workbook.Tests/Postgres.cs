using Xunit.Abstractions;

namespace Workbook.Tests;

/// <summary>
/// The PostgreSQL server of the test run (<see cref="PostgresServer.Shared"/>, started once), for tests marked
/// <c>[SkippableFact]</c> or <c>[SkippableTheory]</c>.
/// </summary>
static class Postgres
{
    /// <summary>
    /// The server. Where none can be had the calling test is skipped with the one-line reason, except in CI
    /// (<c>CI=true</c>), where PostgreSQL must be there and the test fails instead.
    /// </summary>
    /// <exception cref="SkipException">No server, outside CI.</exception>
    /// <exception cref="InvalidOperationException">No server, in CI.</exception>
    public static PostgresServer Server
    {
        get
        {
            if (PostgresServer.Shared is { } server)
                return server;
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
                throw new InvalidOperationException($"CI=true, but there is no PostgreSQL server: {PostgresServer.Unavailable}");
            Skip.If(true, $"No PostgreSQL: {PostgresServer.Unavailable}");
            throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>
    /// Skips the calling test (outside CI) when <paramref name="chapter"/> lists a check that needs a PostgreSQL server
    /// and none can be had; does nothing for other chapters.
    /// </summary>
    /// <param name="chapter">A chapter folder of the manifest.</param>
    /// <exception cref="SkipException">No server, outside CI.</exception>
    /// <exception cref="InvalidOperationException">No server, in CI.</exception>
    public static void RequireFor(string chapter)
    {
        if (Solutions.Manifest[chapter].Checks.Any(name => CheckCatalog.Named(name).NeedsServer))
            _ = Server;
    }
}

/// <summary>The throwaway server starts, takes databases, and says how long it took to start.</summary>
public sealed class PostgresServerTests(ITestOutputHelper output)
{
    /// <summary>Two databases made on the server are distinct and both accept connections.</summary>
    [SkippableFact]
    public void Server_makes_databases()
    {
        var server = Postgres.Server;
        output.WriteLine($"PostgreSQL {(server.Throwaway ? "throwaway server started" : "server found")} in {server.StartTime.TotalSeconds:0.0} s on port {server.Port}");
        var first = server.CreateDatabase("servertest");
        var second = server.CreateDatabase("servertest");
        Assert.NotEqual(first, second);
        foreach (var database in new[] { first, second })
        {
            using var connection = new Npgsql.NpgsqlConnection(server.ConnectionString(database));
            connection.Open();
            using var command = new Npgsql.NpgsqlCommand("SELECT current_database()", connection);
            Assert.Equal(database, command.ExecuteScalar());
        }
    }
}
