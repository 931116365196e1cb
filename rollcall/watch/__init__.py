"""Students to watch (密切关注问题学生): who, why, until when, the notes, and the close."""
