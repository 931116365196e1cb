"""a case's timeline records a changed sweep row: the status the sweep says now

Revision ID: truth_0002
Revises: truth_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "truth_0002"
down_revision = "truth_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("missing_case_events") as batch:
        batch.add_column(sa.Column("status", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("missing_case_events") as batch:
        batch.drop_column("status")
