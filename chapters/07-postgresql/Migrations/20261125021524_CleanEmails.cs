using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Blog.Migrations
{
    /// <inheritdoc />
    public partial class CleanEmails : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Written by hand: no model change, only data. " Ann@Example.com" becomes "ann@example.com".
            // If two emails become the same, the unique index stops the UPDATE and nothing is changed.
            migrationBuilder.Sql("""UPDATE "Users" SET "Email" = lower(trim("Email"));""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Nothing to do, and nothing that could be done: the old spellings are gone. Going down only
            // removes CleanEmails from the history; the emails stay clean (restore a backup to get them back).
        }
    }
}
