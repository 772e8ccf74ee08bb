using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Blog.Migrations
{
    /// <inheritdoc />
    public partial class CommentText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Corrected by hand: the tool dropped Body, and every comment's text with it, then added an
            // empty Text. It is the same column under a new name. (SQLite's TEXT has no length to change.)
            migrationBuilder.RenameColumn(
                name: "Body",
                table: "Comments",
                newName: "Text");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // The old name again; a text longer than 140 characters stays whole.
            migrationBuilder.RenameColumn(
                name: "Text",
                table: "Comments",
                newName: "Body");
        }
    }
}
