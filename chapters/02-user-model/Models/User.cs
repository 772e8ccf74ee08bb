using System.ComponentModel.DataAnnotations;
using Microsoft.EntityFrameworkCore;

namespace Blog.Models;

/// <summary>Someone who has an account on the blog: one row of the Users table.</summary>
// TODO 2.2: Give Username and Email a unique index each ([Index(..., IsUnique = true)] on the class).
public class User
{
    // TODO 2.1: Add the columns: Id (the primary key), Username (required, at most 64 characters),
    //           Email (required, at most 120) and PasswordHash (optional, at most 128).

    // TODO 2.3: Override ToString() so that a user prints as <User susan>.
}
