"""a second SMS provider: which provider took a text, its template values, its error code

Revision ID: i16_0001
Revises: i9_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "i16_0001"
down_revision = "i9_0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("sms_outbox") as batch:
        batch.add_column(sa.Column("provider", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("template_params", sa.Text(), nullable=True))
        batch.add_column(sa.Column("provider_error", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("sms_outbox") as batch:
        batch.drop_column("provider_error")
        batch.drop_column("template_params")
        batch.drop_column("provider")
