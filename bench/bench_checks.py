"""Checks: bytes of the attendance page of a 50-student class and its server render time.

Run with `make bench` (or `python -m bench checks`). Figures only; nothing is asserted.
"""

import statistics
import tempfile
import time
from pathlib import Path

import flask_migrate

from rollcall import clock, create_app
from rollcall.extensions import db
from tests import factories
from tests.checks_support import at

ROUNDS = 30


def _app(folder: str):
    app = create_app({"TESTING": True, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
                      "PASSWORD_HASH_METHOD": "scrypt:1024:8:1"})
    with app.app_context():
        flask_migrate.upgrade()
        school = factories.small_school(students_per_class=50)
    return app, school


def _timed(client, url: str) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, clock.frozen(at(7, 50)):
        app, school = _app(folder)
        client = app.test_client()
        client.post("/login", data={"username": school.usernames["teacher"],
                                    "password": factories.PASSWORD})
        url = f"/homerooms/{school.homeroom_ids['room1']}/checks/2027-03-02/attendance"
        page = client.get(url).data
        names = ("css/rollcall.css", "js/checks.js", "js/offline.js", "favicon.svg")
        assets = {name: len(client.get(f"/static/{name}").data) for name in names}
        sent = {name: len(client.get(f"/static/{name}", headers={
            "Accept-Encoding": "br, gzip"}).data) for name in names}  # as a phone receives them
        total = len(page) + sum(assets.values())
        print(f"attendance page (50 students), HTML: {len(page):,} bytes (sent uncompressed)")
        for name, size in assets.items():
            print(f"  {name}: {size:,} bytes, {sent[name]:,} compressed")
        print(f"  total bodies: {total:,} bytes, {len(page) + sum(sent.values()):,} as sent "
              "(budget 61,440 incl. headers); a repeat visit: the HTML only")
        new = _timed(client, url)
        client.post(url, data={})  # submit: the page now shows saved entries and history
        saved = _timed(client, url)
        for label, times in (("new check", new), ("saved check", saved)):
            print(f"render {label}: median {statistics.median(times):.1f} ms, "
                  f"max {max(times):.1f} ms over {ROUNDS}")
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
