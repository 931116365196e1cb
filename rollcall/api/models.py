"""API tokens: only a hash is stored; the token itself is shown once, when it is made."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import User


class ApiToken(db.Model):
    """A bearer token that acts as its user (same role, same homerooms)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # first characters, to tell tokens apart
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    revoked_at: Mapped[datetime | None]
    # User.session_token when the token was made: a password change or a disabled account
    # (a new User.session_token) ends it for good, as it ends the user's sessions.
    user_stamp: Mapped[str] = mapped_column(String(64))

    user: Mapped[User] = relationship()
