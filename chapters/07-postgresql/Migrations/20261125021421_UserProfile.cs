using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Blog.Migrations
{
    /// <inheritdoc />
    public partial class UserProfile : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "AboutMe",
                table: "Users",
                type: "TEXT",
                maxLength: 140,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastSeen",
                table: "Users",
                type: "TEXT",
                nullable: false,
                defaultValue: new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified));

            // Every existing user now has LastSeen = 0001-01-01. Give each one the time of their latest
            // comment instead, or the time of this upgrade (UTC) for a user who never wrote one.
            migrationBuilder.Sql("""
                UPDATE "Users" SET "LastSeen" = COALESCE(
                    (SELECT MAX("Timestamp") FROM "Comments" WHERE "Comments"."UserId" = "Users"."Id"),
                    strftime('%Y-%m-%d %H:%M:%f', 'now'));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Dropping the columns loses every AboutMe and LastSeen for good: back up before going down.
            migrationBuilder.DropColumn(
                name: "AboutMe",
                table: "Users");

            migrationBuilder.DropColumn(
                name: "LastSeen",
                table: "Users");
        }
    }
}
