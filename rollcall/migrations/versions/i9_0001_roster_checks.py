"""roster checks: the file an admin checked, kept until confirmed

Revision ID: i9_0001
Revises: lead_0003
"""
import sqlalchemy as sa
from alembic import op

revision = "i9_0001"
down_revision = "lead_0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "roster_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("homerooms", sa.String(length=32), nullable=False),
        sa.Column("set_school", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], ondelete="CASCADE",
                                name=op.f("fk_roster_checks_school_id_schools")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_roster_checks_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_checks")),
        sa.UniqueConstraint("token", name=op.f("uq_roster_checks_token")),
    )
    op.create_index(op.f("ix_roster_checks_school_id"), "roster_checks", ["school_id"])
    op.create_index(op.f("ix_roster_checks_user_id"), "roster_checks", ["user_id"])


def downgrade():
    op.drop_index(op.f("ix_roster_checks_user_id"), table_name="roster_checks")
    op.drop_index(op.f("ix_roster_checks_school_id"), table_name="roster_checks")
    op.drop_table("roster_checks")
