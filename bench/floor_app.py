"""The floor of this stack: a trivial Flask app on the same gunicorn, database and driver.

GET /floor/<homeroom_id>: one indexed SELECT (a homeroom's students) rendered as a table.
POST /floor/<homeroom_id>: one single-row UPDATE and a COMMIT.
The signed-in floor (create_app(uri, signed=True), a separate app so that the bare floor pays
nothing of it) serves the same two behind a sign-in (/signed/<homeroom_id>, after POST
/signed/login/<user_id>): Flask's session cookie and Flask-Login loading the user by one
primary-key SELECT, what any signed-in request of a Flask app on this stack pays before its
own work.
Served as `gunicorn ... 'bench.floor_app:from_environment()'` with
ROLLCALL_SQLALCHEMY_DATABASE_URI set; the bench creates its counter table first (`prepare`).
"""

import os

from flask import Flask, render_template_string
from flask_login import LoginManager, UserMixin, login_required, login_user
from sqlalchemy import create_engine, text

PAGE = """<!doctype html><title>floor</title><table>
{% for row in rows %}<tr><td>{{ row.seat }}</td><td>{{ row.name }}</td>
<td>{{ row.student_number }}</td></tr>{% endfor %}</table>"""


def create_app(uri: str, signed: bool = False) -> Flask:
    """The floor app on database uri (the same engine options Rollcall uses); signed: the
    signed-in floor."""
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

    if signed:
        _signed_in(app, engine, page, save)
    return app


class _User(UserMixin):
    def __init__(self, row):
        self.id, self.username = row


def _signed_in(app: Flask, engine, page, save) -> None:
    """The page and the save behind Flask-Login, its user read by id from Rollcall's users
    table (the signed-in floor)."""
    app.secret_key = os.urandom(16)  # signs its session cookie
    logins = LoginManager(app)

    @logins.user_loader
    def load(user_id):
        with engine.connect() as connection:
            row = connection.execute(text("SELECT id, username FROM users WHERE id = :id"),
                                     {"id": int(user_id)}).first()
        return _User(row) if row else None

    @app.post("/signed/login/<int:user_id>")
    def sign_in(user_id):
        login_user(load(user_id))
        return "", 204

    app.add_url_rule("/signed/<int:homeroom_id>", "signed_page", login_required(page),
                     methods=["GET"])
    app.add_url_rule("/signed/<int:homeroom_id>", "signed_save", login_required(save),
                     methods=["POST"])


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
