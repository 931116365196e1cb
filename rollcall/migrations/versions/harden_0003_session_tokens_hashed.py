"""user sessions: store the SHA-256 of each session's token, not the token

Revision ID: harden_0003
Revises: harden_0002
"""
import hashlib

import sqlalchemy as sa
from alembic import op

revision = "harden_0003"
down_revision = "harden_0002"
branch_labels = None
depends_on = None


def upgrade():
    # Each live session keeps working: its cookie's token now matches the stored digest.
    connection = op.get_bind()
    for (token,) in connection.execute(sa.text("SELECT token FROM user_sessions")).all():
        connection.execute(sa.text("UPDATE user_sessions SET token = :digest WHERE token = :token"),
                           {"digest": hashlib.sha256(token.encode()).hexdigest(), "token": token})


def downgrade():
    # A digest cannot be turned back into its token: every session is signed out.
    op.execute("DELETE FROM user_sessions")
