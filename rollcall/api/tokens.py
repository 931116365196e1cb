"""Making and checking API tokens; only a SHA-256 hash of a token is ever stored."""

import hashlib
import secrets

from rollcall import audit, clock
from rollcall.api.models import ApiToken
from rollcall.extensions import db

TOKEN_PREFIX = "rc_"  # noqa: S105  (a marker, not a secret)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(user) -> str:
    """Make a token for user, store its hash (audited), and return the token (shown once)."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=_hash(token), prefix=token[:10],
                   user_stamp=user.session_token)
    db.session.add(row)
    db.session.flush()
    audit.record("api_token.create", row, actor=user, school_id=user.school_id,
                 after={"user": user.username, "prefix": row.prefix})
    return token


def user_for_token(token: str | None):
    """The active user a token belongs to, or None (revoked, or made before the user's last
    password change or before the account was disabled)."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == _hash(token)))
    if row is None or row.revoked_at is not None or not row.user.active \
            or row.user_stamp != row.user.session_token:
        return None
    return row.user


def revoke_tokens(user) -> int:
    """Revoke every token of user; returns how many (audited)."""
    rows = db.session.scalars(db.select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))).all()
    for row in rows:
        row.revoked_at = clock.now()
        audit.record("api_token.revoke", row, actor=user, school_id=user.school_id,
                     before={"prefix": row.prefix})
    return len(rows)
