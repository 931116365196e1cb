"""a change made by a rule is the rule's: audit rows name it, checks count people's edits

Revision ID: truth_0001
Revises: harden_0003
"""
import sqlalchemy as sa
from alembic import op

revision = "truth_0001"
down_revision = "harden_0003"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("rule", sa.String(length=32), nullable=True))
    with op.batch_alter_table("checks") as batch:
        batch.add_column(sa.Column("edits", sa.Integer(), nullable=False, server_default="0"))
    # Before this column every change after the first save was a person's.
    op.execute("UPDATE checks SET edits = version - 1")


def downgrade():
    with op.batch_alter_table("checks") as batch:
        batch.drop_column("edits")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("rule")
