"""Lighthouse (mobile) on the teacher's attendance page (50 students) and, signed in as office
staff, the board, the log, a student's history and the audit trail of the demo school.

Installs Lighthouse from npm into ~/.cache/rollcall-bench/lighthouse (outside the repo) when it
is missing, and runs it against Debian's Chromium (/usr/bin/chromium). Prints performance,
accessibility and best practices per page with the bytes transferred (first visit: Lighthouse's
total byte weight; repeat visit: the page alone, its static files being kept a year), and writes
them to bench/results/<date>-lighthouse.md. Targets: attendance page performance >= 0.95,
accessibility 1.0, best practices >= 0.95; office pages accessibility 1.0, best practices >= 0.95.
Run with `make bench` or `python -m bench lighthouse`. Figures only; nothing is asserted.
"""

import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
from datetime import UTC, datetime
from pathlib import Path

import flask_migrate
from werkzeug.serving import make_server

from rollcall import clock, create_app
from rollcall.demo.school import DEMO_PASSWORD, build_demo_school
from rollcall.extensions import db
from rollcall.models import Homeroom, School
from tests import factories

CACHE = Path.home() / ".cache" / "rollcall-bench" / "lighthouse"
LIGHTHOUSE = CACHE / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"teacher": {"performance": 0.95, "accessibility": 1.0, "best-practices": 0.95},
           "office": {"accessibility": 1.0, "best-practices": 0.95}}
RESULTS = Path(__file__).parent / "results"
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
           "cumulative-layout-shift", "speed-index")
TOKEN = re.compile(r'name="csrf_token"[^>]*?value="([^"]*)"')


def _lighthouse() -> Path | None:
    if not LIGHTHOUSE.exists():
        npm = shutil.which("npm")
        if npm is None:
            return None
        CACHE.mkdir(parents=True, exist_ok=True)
        print(f"installing Lighthouse into {CACHE}")
        subprocess.run([npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund",  # noqa: S603
                        "lighthouse"], check=True)
    return LIGHTHOUSE


def _serve(folder: str):
    """The app as served (CSRF on, pages compressed) on a free port, with two schools."""
    app = create_app({"SECRET_KEY": "lighthouse", "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'lh.sqlite3'}"})
    with app.app_context():
        flask_migrate.upgrade()
        demo = build_demo_school()
        db.session.commit()
        room = db.session.scalar(db.select(Homeroom).where(Homeroom.school_id == demo.id))
        student_id = room.students[0].id
        small = factories.small_school(students_per_class=50)
        day = clock.school_today(db.session.get(School, small.school_id))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    pages = [
        ("teacher", "attendance page (50 students)", small.usernames["teacher"],
         factories.PASSWORD,
         f"/homerooms/{small.homeroom_ids['room1']}/checks/{day.isoformat()}/attendance"),
        ("office", "board", "office1", DEMO_PASSWORD, "/office/"),
        ("office", "log", "office1", DEMO_PASSWORD, "/office/log"),
        ("office", "student's history", "office1", DEMO_PASSWORD, f"/students/{student_id}"),
        ("office", "audit trail", "office1", DEMO_PASSWORD, "/office/audit"),
    ]
    return app, server, base, pages


def _session_cookie(app, username: str, password: str) -> str:
    client = app.test_client()
    token = TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    answer = client.post("/login", data={"username": username, "password": password,
                                         "csrf_token": token})
    assert answer.status_code == 302, f"{username} could not sign in"
    return f"session={client.get_cookie('session').value}"


def _audit(lighthouse: Path, url: str, cookie: str, folder: Path) -> dict:
    headers = folder / "headers.json"
    headers.write_text(json.dumps({"Cookie": cookie}))
    report = folder / "report.json"
    command = [str(lighthouse), url, f"--chrome-flags={CHROME_FLAGS}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", f"--extra-headers={headers}",
               "--output=json", f"--output-path={report}"]
    subprocess.run(command, check=True, env=os.environ | {"CHROME_PATH": CHROMIUM})  # noqa: S603
    return json.loads(report.read_text())


def _figures(result: dict) -> dict:
    scores = {name: result["categories"][name]["score"] for name in CATEGORIES}
    items = result["audits"]["network-requests"]["details"]["items"]
    document = next(item for item in items if item.get("resourceType") == "Document")
    scored = ("binary", "numeric")
    failing = sorted({ref["id"] for name in CATEGORIES
                      for ref in result["categories"][name]["auditRefs"]
                      if ref["weight"] and result["audits"][ref["id"]].get("scoreDisplayMode")
                      in scored and (result["audits"][ref["id"]].get("score") or 0) < 1})
    metrics = {key: result["audits"][key]["displayValue"] for key in METRICS}
    return scores | {"metrics": metrics,
                     "first": int(result["audits"]["total-byte-weight"]["numericValue"]),
                     "repeat": int(document["transferSize"]), "failing": failing}


def _report(rows: list[tuple[str, str, str, dict]]) -> str:
    load = os.getloadavg()
    lines = [f"# Lighthouse, mobile ({datetime.now(UTC):%Y-%m-%d %H:%M} UTC)", "",
             f"Debian Chromium, Lighthouse {rows[0][3].get('version', '?')}; load average "
             f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores.", "",
             "| page | as | performance | accessibility | best practices | first visit (B) "
             "| repeat visit (B) | below target |", "|---|---|---|---|---|---|---|---|"]
    for role, name, path, figures in rows:
        below = [c for c, target in TARGETS[role].items() if figures[c] < target]
        lines.append(f"| {name} (`{path}`) | {role} | {figures['performance']:.2f} | "
                     f"{figures['accessibility']:.2f} | {figures['best-practices']:.2f} | "
                     f"{figures['first']} | {figures['repeat']} | {', '.join(below) or '—'} |")
    lines += ["", "Metrics (simulated slow 4G, 4× CPU slowdown) and the weighted audits not "
              "passed:", ""]
    lines += [f"- {name}: " + ", ".join(f"{key} {value}" for key, value
                                         in figures["metrics"].items())
              + f"; not passed: {', '.join(figures['failing']) or 'none'}"
              for _, name, _, figures in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    lighthouse = _lighthouse()
    if lighthouse is None or not Path(CHROMIUM).exists():
        print(f"skipped: Lighthouse needs npm and {CHROMIUM} (apt-get install npm chromium)")
        return
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        app, server, base, pages = _serve(folder)
        try:
            for role, name, username, password, path in pages:
                result = _audit(lighthouse, base + path, _session_cookie(app, username, password),
                                Path(folder))
                figures = _figures(result) | {"version": result.get("lighthouseVersion")}
                rows.append((role, name, path, figures))
                print(f"{name}: performance {figures['performance']:.2f}, accessibility "
                      f"{figures['accessibility']:.2f}, best practices "
                      f"{figures['best-practices']:.2f}; first visit {figures['first']} B, "
                      f"repeat visit {figures['repeat']} B")
        finally:
            server.shutdown()
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"{datetime.now(UTC):%Y-%m-%d}-lighthouse.md"
    out.write_text(_report(rows))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
