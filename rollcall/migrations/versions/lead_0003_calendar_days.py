"""the school calendar: holidays and make-up school days

Revision ID: lead_0003
Revises: lead_0002
"""
import sqlalchemy as sa
from alembic import op

revision = "lead_0003"
down_revision = "lead_0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "calendar_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("school_day", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"],
                                name=op.f("fk_calendar_days_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_days")),
        sa.UniqueConstraint("school_id", "day", name=op.f("uq_calendar_days_school_id_day")),
    )


def downgrade():
    op.drop_table("calendar_days")
