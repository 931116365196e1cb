"""Signed-in sessions kept on the server, so signing out really ends them."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import User


class UserSession(db.Model):
    """One sign-in on one device; its token is what the session and remember cookies carry.

    Deleting the row ends that session and its remember cookie; a password change (a new
    User.session_token) ends every session made before it, and a disabled account loads none.
    """

    __tablename__ = "user_sessions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user_stamp: Mapped[str] = mapped_column(String(64))  # User.session_token at sign-in
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    user: Mapped[User] = relationship()
