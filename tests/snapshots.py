"""Rows built once and copied into the database again for each test that needs them: the demo
school costs about 2 s to build and a few ms to copy."""

from sqlalchemy import func, select

from rollcall.extensions import db


def take(build) -> dict:
    """Run build() on the (empty) test database and return every row it wrote, table by table."""
    build()
    db.session.remove()
    with db.engine.connect() as connection:
        return {table.name: [dict(row._mapping) for row in connection.execute(select(table))]
                for table in db.metadata.sorted_tables}


def restore(rows: dict) -> None:
    """Insert the rows taken, parents first, and move PostgreSQL's id sequences past them."""
    with db.engine.begin() as connection:
        for table in db.metadata.sorted_tables:
            if rows.get(table.name):
                connection.execute(table.insert(), rows[table.name])
        if connection.dialect.name != "postgresql":
            return
        for table in db.metadata.sorted_tables:
            if rows.get(table.name) and "id" in table.c and table.c.id.autoincrement is not False:
                top = connection.scalar(select(func.max(table.c.id)))
                connection.execute(select(func.setval(
                    func.pg_get_serial_sequence(table.name, "id"), top)))
