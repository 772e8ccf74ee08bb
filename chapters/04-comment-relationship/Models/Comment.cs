using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using Microsoft.EntityFrameworkCore;

namespace Blog.Models;

/// <summary>Something a user wrote on the blog: one row of the Comments table.</summary>
// TODO 4.1: Index the Timestamp column ([Index(...)] on the class).
public class Comment
{
    // TODO 4.1: Add Id, Body (required, at most 140 characters) and Timestamp, a DateTime that is the
    //           current UTC time when the comment is made unless it is set.
    // TODO 4.2: Add the foreign key UserId and the navigation Author (the User who wrote it).
    // TODO 4.1: Override ToString() so that a comment prints as <Comment my first comment!>.
}
