"""one account per username whatever its case

Revision ID: lead_0001
Revises: notify_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "lead_0001"
down_revision = "notify_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")],
                    unique=True)


def downgrade():
    op.drop_index("uq_users_username_lower", table_name="users")
