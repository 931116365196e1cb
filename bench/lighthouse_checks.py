"""Lighthouse (mobile) on the attendance page of a 50-student class, signed in as its teacher.

Needs Lighthouse from npm outside the repo and Debian's Chromium:
    npm install --prefix /tmp/lh lighthouse
    .venv/bin/python -m bench.lighthouse_checks [/tmp/lh/node_modules/.bin/lighthouse]
Not part of `make bench` (it takes a minute and needs npm).
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import flask_migrate
from werkzeug.serving import make_server

from rollcall import clock, create_app
from rollcall.extensions import db
from rollcall.models import School
from tests import factories

CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"


def _serve(folder: str):
    app = create_app({"SECRET_KEY": "lighthouse", "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                      "WTF_CSRF_ENABLED": False,  # signing in through the test client
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'lh.sqlite3'}"})
    with app.app_context():
        flask_migrate.upgrade()
        school = factories.small_school(students_per_class=50)
        day = clock.school_today(db.session.get(School, school.school_id))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, school, day


def _session_cookie(app, school) -> str:
    client = app.test_client()
    client.post("/login", data={"username": school.usernames["teacher"],
                                "password": factories.PASSWORD})
    return f"session={client.get_cookie('session').value}"


DEFAULT_LIGHTHOUSE = "/tmp/lh/node_modules/.bin/lighthouse"  # noqa: S108  (npm --prefix above)


def main(lighthouse: str = DEFAULT_LIGHTHOUSE) -> None:
    with tempfile.TemporaryDirectory() as folder:
        app, server, school, day = _serve(folder)
        url = (f"http://127.0.0.1:{server.server_port}/homerooms/"
               f"{school.homeroom_ids['room1']}/checks/{day.isoformat()}/attendance")
        headers = Path(folder) / "headers.json"
        headers.write_text(json.dumps({"Cookie": _session_cookie(app, school)}))
        report = Path(folder) / "report.json"
        command = [lighthouse, url, f"--chrome-flags={CHROME_FLAGS}", "--quiet",
                   f"--extra-headers={headers}", "--output=json", f"--output-path={report}"]
        environment = os.environ | {"CHROME_PATH": "/usr/bin/chromium"}
        subprocess.run(command, check=True, env=environment)  # noqa: S603  (our own command)
        result = json.loads(report.read_text())
        server.shutdown()
    for name, category in result["categories"].items():
        print(f"{name}: {category['score']}")
    print(result["audits"]["total-byte-weight"]["displayValue"])


if __name__ == "__main__":
    main(*sys.argv[1:])
