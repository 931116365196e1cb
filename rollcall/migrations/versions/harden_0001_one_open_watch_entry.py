"""watch entries: one open entry per student, kept by a partial unique index

Revision ID: harden_0001
Revises: alerting_0001
"""
import sqlalchemy as sa
from alembic import op

revision = "harden_0001"
down_revision = "alerting_0001"
branch_labels = None
depends_on = None

OPEN = sa.text("closed_at IS NULL")


def upgrade():
    # Two adds at the same moment could leave a student on the list twice: keep the first
    # open entry, close the later ones (their notes stay), so the index can be built.
    connection = op.get_bind()
    duplicates = connection.execute(sa.text(
        "SELECT e.id, e.added_at FROM watch_entries e WHERE e.closed_at IS NULL AND EXISTS "
        "(SELECT 1 FROM watch_entries f WHERE f.student_id = e.student_id "
        "AND f.closed_at IS NULL AND f.id < e.id)")).all()
    for entry_id, added_at in duplicates:
        connection.execute(sa.text(
            "UPDATE watch_entries SET closed_at = :at, closing_note = :note WHERE id = :id"),
            {"at": added_at, "id": entry_id,
             "note": "重复条目，升级时关闭 / A duplicate entry, closed by the upgrade"})
    op.create_index("uq_watch_entries_open_student", "watch_entries", ["student_id"],
                    unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade():
    op.drop_index("uq_watch_entries_open_student", table_name="watch_entries")
