// Statements for chapter 05's shell: dotnet run -- shell < ../../tools/utc.csx
// A time as SQLite gives it back without the UtcConverter: the same digits, Kind Unspecified.
var saved = new DateTime(2026, 11, 23, 10, 4, 57, DateTimeKind.Utc);
var read = DateTime.SpecifyKind(saved, DateTimeKind.Unspecified);
// ToLocalTime() takes it for UTC: the right local time.
read.ToLocalTime() == saved.ToLocalTime()
// ToUniversalTime() takes it for local time: shifted by this machine's offset.
read.ToUniversalTime() == saved - TimeZoneInfo.Local.GetUtcOffset(read)
// A DateTimeOffset made from it gets this machine's offset.
new DateTimeOffset(read).Offset == TimeZoneInfo.Local.GetUtcOffset(read)
// JSON writes it without the Z that says UTC.
Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new[] { read, saved }));
// The UtcConverter refuses a local time, and nothing is saved.
db.Comments.Add(new Comment { Body = "written at local time", Timestamp = DateTime.Now, Author = new User { Username = "zoe", Email = "zoe@example.com" } });
db.SaveChanges()
// SQLAlchemy's .first() is FirstOrDefault(): null when no row matches. First() throws.
db.Users.Where(u => u.Username == "zoe").FirstOrDefault() is null
db.Users.Where(u => u.Username == "zoe").First()
