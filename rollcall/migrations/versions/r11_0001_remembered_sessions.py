"""sessions: remembered for the term, device label, last seen

Revision ID: r11_0001
Revises: i14_0005
"""
import sqlalchemy as sa
from alembic import op

revision = "r11_0001"
down_revision = "i14_0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_sessions") as batch:
        batch.add_column(sa.Column("remembered", sa.Boolean(), nullable=False,
                                   server_default="0"))
        batch.add_column(sa.Column("device", sa.String(length=60), nullable=True))
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("user_sessions") as batch:
        batch.drop_column("expires_at")
        batch.drop_column("last_seen_at")
        batch.drop_column("device")
        batch.drop_column("remembered")
