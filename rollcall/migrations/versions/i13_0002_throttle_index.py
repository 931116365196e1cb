"""login_throttle: an index to prune forgotten guess counters cheaply

Revision ID: i13_0002
Revises: i13_0001
"""
from alembic import op

revision = "i13_0002"
down_revision = "i13_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f("ix_login_throttle_last_failure_at"), "login_throttle",
                    ["last_failure_at"])


def downgrade():
    op.drop_index(op.f("ix_login_throttle_last_failure_at"), table_name="login_throttle")
