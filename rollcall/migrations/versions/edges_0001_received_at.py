"""audit_log and missing_case_events: when the server received a change recorded on a phone

Revision ID: edges_0001
Revises: harden_0004
"""
import sqlalchemy as sa
from alembic import op

revision = "edges_0001"
down_revision = "harden_0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("missing_case_events") as batch:
        batch.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("missing_case_events") as batch:
        batch.drop_column("received_at")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("received_at")
