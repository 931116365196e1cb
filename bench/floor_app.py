"""The floor of this stack: a trivial Flask app on the same gunicorn, database and driver.

GET /floor/<homeroom_id>: one indexed SELECT (a homeroom's students) rendered as a table.
POST /floor/<homeroom_id>: one single-row UPDATE and a COMMIT.
Served as `gunicorn ... 'bench.floor_app:from_environment()'` with
ROLLCALL_SQLALCHEMY_DATABASE_URI set; the bench creates its counter table first (`prepare`).
"""

import os

from flask import Flask, render_template_string
from sqlalchemy import create_engine, text

PAGE = """<!doctype html><title>floor</title><table>
{% for row in rows %}<tr><td>{{ row.seat }}</td><td>{{ row.name }}</td>
<td>{{ row.student_number }}</td></tr>{% endfor %}</table>"""


def create_app(uri: str) -> Flask:
    """The floor app on database uri (the same engine options Rollcall uses)."""
    app = Flask(__name__)
    # As Rollcall's engine: a pre-ping per checkout; on SQLite, wait for the write lock.
    sqlite = uri.startswith("sqlite")
    engine = create_engine(uri, pool_pre_ping=True,
                           connect_args={"timeout": 30} if sqlite else {})
    app.extensions["floor_engine"] = engine

    @app.get("/floor/<int:homeroom_id>")
    def page(homeroom_id):
        """One indexed SELECT, rendered."""
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT seat, name, student_number FROM students WHERE homeroom_id = :room "
                "ORDER BY seat"), {"room": homeroom_id}).all()
        return render_template_string(PAGE, rows=rows)

    @app.post("/floor/<int:homeroom_id>")
    def save(homeroom_id):
        """One single-row UPDATE and COMMIT."""
        with engine.begin() as connection:
            connection.execute(text("UPDATE floor_saves SET saves = saves + 1 WHERE id = :room"),
                               {"room": homeroom_id})
        return "", 204

    return app


def prepare(uri: str, homeroom_ids: list[int]) -> None:
    """The floor's counter table, one row per homeroom."""
    engine = create_engine(uri)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS floor_saves"))
        connection.execute(text("CREATE TABLE floor_saves (id INTEGER PRIMARY KEY, "
                                "saves INTEGER NOT NULL)"))
        connection.execute(text("INSERT INTO floor_saves (id, saves) VALUES (:id, 0)"),
                           [{"id": room} for room in homeroom_ids])
    engine.dispose()


def from_environment() -> Flask:
    """gunicorn's factory: `gunicorn ... 'bench.floor_app:from_environment()'`."""
    return create_app(os.environ["ROLLCALL_SQLALCHEMY_DATABASE_URI"])
