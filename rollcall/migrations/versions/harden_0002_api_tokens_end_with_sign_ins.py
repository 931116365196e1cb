"""api tokens: end with the user's sign-ins (password change, disabled account)

Revision ID: harden_0002
Revises: harden_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "harden_0002"
down_revision = "harden_0001"
branch_labels = None
depends_on = None


def upgrade():
    # Added NOT NULL with a default (no table copy on SQLite), then filled: the tokens made so
    # far belong to their users' current sign-ins.
    op.add_column("api_tokens", sa.Column("user_stamp", sa.String(length=64), nullable=False,
                                          server_default=""))
    op.execute("UPDATE api_tokens SET user_stamp = (SELECT session_token FROM users "
               "WHERE users.id = api_tokens.user_id)")


def downgrade():
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("user_stamp")
