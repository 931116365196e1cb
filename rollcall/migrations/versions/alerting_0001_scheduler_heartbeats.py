"""scheduler heartbeats: each scheduler process's last tick and send pass

Revision ID: alerting_0001
Revises: r11_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "alerting_0001"
down_revision = "r11_0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduler_heartbeats",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("host", sa.String(length=255), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("last_tick_at", sa.DateTime(), nullable=False),
        sa.Column("last_send_pass_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduler_heartbeats")),
        sa.UniqueConstraint("host", "pid", name=op.f("uq_scheduler_heartbeats_host_pid")),
    )
    op.create_index(op.f("ix_scheduler_heartbeats_last_tick_at"), "scheduler_heartbeats",
                    ["last_tick_at"])


def downgrade():
    op.drop_index(op.f("ix_scheduler_heartbeats_last_tick_at"),
                  table_name="scheduler_heartbeats")
    op.drop_table("scheduler_heartbeats")
