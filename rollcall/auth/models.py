"""Signed-in sessions kept on the server, so signing out really ends them."""

import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import User


def digest(token: str) -> str:
    """What is stored of a session's token: its SHA-256, as for API tokens. A copy of the
    table signs nobody in."""
    return hashlib.sha256(token.encode()).hexdigest()


class UserSession(db.Model):
    """One sign-in on one device; its token is what the session and remember cookies carry,
    and only the token's digest is stored (the column `token`).

    Deleting the row ends that session and its remember cookie; a password change (a new
    User.session_token) ends every session made before it, and a disabled account loads none.
    """

    __tablename__ = "user_sessions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)  # digest(the token)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user_stamp: Mapped[str] = mapped_column(String(64))  # User.session_token at sign-in
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    remembered: Mapped[bool] = mapped_column(default=False, server_default="0")
    device: Mapped[str | None] = mapped_column(String(60))  # short label from the User-Agent
    last_seen_at: Mapped[datetime | None]  # updated at most once an hour
    expires_at: Mapped[datetime | None]  # remembered sign-ins: the end of the term

    user: Mapped[User] = relationship()

    @property
    def handle(self) -> str:
        """What pages and forms name this session by; the token itself never leaves the cookie."""
        return self.token[:16]

    def is_for(self, token: str | None) -> bool:
        """Whether this is the session of the cookie's token."""
        return token is not None and self.token == digest(token)
