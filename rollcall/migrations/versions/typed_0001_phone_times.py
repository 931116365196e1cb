"""checks: the phone's time of the tap and when the server received the save

Revision ID: typed_0001
Revises: truth_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "typed_0001"
down_revision = "truth_0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checks") as batch:
        batch.add_column(sa.Column("recorded_on_phone_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("received_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("checks") as batch:
        batch.drop_column("received_at")
        batch.drop_column("recorded_on_phone_at")
