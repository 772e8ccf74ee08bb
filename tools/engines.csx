// Statements for chapter 07's shell, on SQLite and on PostgreSQL: dotnet run -- shell < ../../tools/engines.csx
db.Users.Add(new User { Username = "susan", Email = "susan@example.com" });
await db.SaveChangesAsync()
// StartsWith becomes LIKE 'Su%': SQLite's LIKE ignores the case of A to Z, PostgreSQL's does not.
db.Users.Count(u => u.Username.StartsWith("Su"))
// A DateTime made without a Kind, sent as a parameter: PostgreSQL wants UTC in a query too.
var since = new DateTime(2000, 1, 1);
db.Users.Count(u => u.LastSeen > since)
// DateTime.Today is a local time: PostgreSQL will not compare it with a timestamp with time zone.
db.Users.Count(u => u.LastSeen > DateTime.Today.AddDays(-2))
// A UTC value works on both.
db.Users.Count(u => u.LastSeen > new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc))
(await db.Users.ToListAsync()).Count
await db.Users.ExecuteDeleteAsync()
