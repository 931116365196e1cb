"""remember the phone each guardian's last roster import gave

Revision ID: lead_0002
Revises: lead_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "lead_0002"
down_revision = "lead_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("guardians") as batch:
        batch.add_column(sa.Column("roster_phone", sa.String(20), nullable=True))


def downgrade():
    with op.batch_alter_table("guardians") as batch:
        batch.drop_column("roster_phone")
