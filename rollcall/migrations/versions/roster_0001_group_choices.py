"""roster: the roll-call groups chosen for a OneRoster source; a check keeps any choice

Revision ID: roster_0001
Revises: typed_0001
"""
import warnings

import sqlalchemy as sa
from alembic import op

revision = "roster_0001"
down_revision = "typed_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "roster_group_choices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.String(length=255), nullable=False),
        sa.Column("choice", sa.Text(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], ondelete="CASCADE",
                                name=op.f("fk_roster_group_choices_school_id_schools")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_group_choices")),
        sa.UniqueConstraint("school_id", "source_id",
                            name=op.f("uq_roster_group_choices_school_id_source_id")),
    )
    _homerooms_type(sa.String(length=32), sa.Text())


def downgrade():
    _homerooms_type(sa.Text(), sa.String(length=32))
    op.drop_table("roster_group_choices")


def _homerooms_type(old, new):
    """A check keeps the classes chosen one by one: more than 32 characters. SQLite rebuilds
    the table; reflecting the schema for that meets users' expression index, which it cannot
    reflect and leaves alone."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Skipped unsupported reflection",
                                category=sa.exc.SAWarning)
        with op.batch_alter_table("roster_checks") as batch:
            batch.alter_column("homerooms", existing_type=old, type_=new,
                               existing_nullable=False)
