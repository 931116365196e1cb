"""The morning rush (issue 15): Rollcall under gunicorn as in production, beside a floor app.

200 homerooms × 45 students, one teacher each. Every teacher signs in, opens Today, opens and
saves attendance (2 absent, 1 late) and the bag check (1 finding); arrivals spread evenly: 50
over 60 s, 200 over 60 s, 200 over 10 s, and on PostgreSQL the same 200 again already signed in
("stay signed in on this phone"). The floor app makes the same page views and saves. After each
run every check is looked up in the database. Then the same on a year of a 3,000-student
school's history (PostgreSQL), with the office board and log.

PostgreSQL: ROLLCALL_BENCH_POSTGRES (default postgresql+psycopg://postgres@127.0.0.1:5432) holds
the scratch databases RUSH_DATABASE (default rollcall_rush), RUSH_DATABASE + "_year" and + "_new"
(the year's school with one day of history), created and dropped here; RUSH_POSTGRES=0 skips it.
RUSH_QUICK=1: 20 teachers over 5 s, SQLite only (unless RUSH_POSTGRES=1). RUSH_YEAR_DAYS
shortens the year; RUSH_SCALE, see settings(); RUSH_SECTIONS picks some of
postgres,sqlite,year (the report's name then says which); RUSH_NOTE, a sentence the report
carries (how the machine was shared, say).
Writes bench/results/<date>-rush.md and .json (RUSH_RESULTS: another folder).
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import rush_data, rush_measure, rush_report
from bench.rush_server import REPO, serving
from bench.rush_verify import verify

SECRET_KEY = "rush-bench-secret-key-not-for-production"  # noqa: S105
STUDENTS = 45


def settings() -> dict:
    """What to run. RUSH_SCALE (default 1) multiplies every number of teachers, for a machine
    too busy to serve the full rush in the bench's time; the arrival windows stay."""
    quick = os.environ.get("RUSH_QUICK") == "1"
    scale = float(os.environ.get("RUSH_SCALE", "1"))

    def scaled(patterns):
        return [(max(1, round(count * scale)), window) for count, window in patterns]

    return {
        "quick": quick, "scale": 1.0 if quick else scale,
        "rooms": 20 if quick else max(1, round(200 * scale)),
        "patterns": [(20, 5)] if quick else scaled([(50, 60), (200, 60), (200, 10)]),
        "remembered": [(20, 5)] if quick else scaled([(200, 60), (200, 10)]),
        "postgres": os.environ.get("RUSH_POSTGRES", "0" if quick else "1") == "1",
        "year_patterns": [(20, 5)] if quick else scaled([(200, 60), (200, 10)]),
        "year_days": int(os.environ.get("RUSH_YEAR_DAYS", "190")),
        "sections": os.environ.get("RUSH_SECTIONS", "postgres,sqlite,year").split(","),
        "results": Path(os.environ.get("RUSH_RESULTS", REPO / "bench" / "results")),
    }


def drive(base: str, mode: str, teachers, window: float, scratch: Path, password: str) -> dict:
    """One run of the driver in its own process; its result."""
    plan, out = scratch / "plan.json", scratch / "out.json"
    plan.write_text(json.dumps({"base": base, "mode": mode, "window": window,
                                "password": password, "deadline": 180,
                                "teachers": [t.as_dict() for t in teachers]}))
    subprocess.run([sys.executable, "-m", "bench.rush_driver", str(plan), str(out)],  # noqa: S603
                   cwd=REPO, check=True, timeout=window + 300)
    return json.loads(out.read_text())


def measured_run(server, uri, mode, teachers, window, scratch, password) -> dict:
    """A driven run with the load average before it and the CPU the servers spent in it."""
    base, master = server
    load = rush_measure.load_average()
    app_before, db_before = rush_measure.server_cpu(master), rush_measure.postgres_cpu(uri)
    result = drive(base, mode, teachers, window, scratch, password)
    app_after, db_after = rush_measure.server_cpu(master), rush_measure.postgres_cpu(uri)
    result |= {"load_before": load, "app_cpu_s": rush_measure.spent(app_before, app_after),
               "db_cpu_s": rush_measure.spent(db_before, db_after)}
    return result


def rush_on(name, uri, app, teachers, spare, scratch, config, patterns, remembered,
            password=rush_data.PASSWORD, office=(rush_data.OFFICE_USERNAME, rush_data.PASSWORD)):
    """Every run of the rush on one database, and the in-process costs; a report section."""
    from rollcall import clock
    from rollcall.models import School

    with app.app_context():
        from rollcall.extensions import db
        school = db.session.get(School, db.session.scalar(db.select(School.id).order_by(
            School.id)))
        day = clock.school_today(school)
    since = datetime.now(UTC)
    rooms = [t.homeroom_id for t in teachers + spare]
    from bench.floor_app import prepare
    prepare(uri, rooms)
    section = {"database": name, "day": day.isoformat(), "runs": [],
               "costs": rush_measure.rollcall_request_costs(app, spare, password),
               "floor_costs": rush_measure.floor_request_costs(uri, rooms[:4])}
    print(f"-- {name}: in-process costs measured", flush=True)
    remembered_teachers = rush_data.remember_cookies(app, teachers) if remembered else []
    with serving("rollcall", uri, SECRET_KEY, scratch) as rollcall, \
            serving("floor", uri, SECRET_KEY, scratch) as floor:
        drive(rollcall[0], "rollcall", spare, 0, scratch, password)  # warm every worker up
        drive(floor[0], "floor", spare, 0, scratch, password)
        plan = [(count, window, False) for count, window in patterns] + \
               [(count, window, True) for count, window in remembered]
        floors_done = set()
        for count, window, signed_in in plan:
            rush_data.reset_day(app, day, since)
            group = (remembered_teachers if signed_in else teachers)[:count]
            run = measured_run(rollcall, uri, "rollcall", group, window, scratch, password)
            run |= {"remembered": signed_in,
                    "verification_errors": verify(app, day, group)}
            section["runs"].append(run)
            print(f"   rollcall {count} over {window} s{' remembered' if signed_in else ''}: "
                  f"{len(run['errors'])} errors, {len(run['verification_errors'])} not stored",
                  flush=True)
            if (count, window) not in floors_done:
                floors_done.add((count, window))
                run = measured_run(floor, uri, "floor", teachers[:count], window, scratch,
                                   password)
                section["runs"].append(run | {"remembered": False, "verification_errors": []})
        section["office"] = rush_measure.office_costs(app, *office)
    return section


def fresh_database(name, uri, scratch, config) -> dict:
    """The rush on a new school of config["rooms"] homerooms."""
    from rollcall import create_app

    app = create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": uri,
                      "WTF_CSRF_ENABLED": False})
    rush_data.create_schema(app)
    start = time.perf_counter()
    teachers = rush_data.build_fresh(app, config["rooms"], STUDENTS)
    print(f"-- {name}: built {len(teachers)} homerooms in {time.perf_counter() - start:.0f} s",
          flush=True)
    rooms = config["rooms"]
    section = rush_on(name, uri, app, teachers[:rooms], teachers[rooms:], scratch, config,
                      config["patterns"], config["remembered"] if name != "SQLite"
                      or config["quick"] else [])
    _dispose(app)
    return section


def year_database(server, name, scratch, config) -> dict:
    """The rush, the board and the log on a year of a 3,000-student school's history, beside the
    same school with one day of history measured in the same minutes (in-process only): what
    grows with history shows as a ratio between the two."""
    from bench import bench_office
    from rollcall import create_app

    section_start = time.perf_counter()
    with rush_measure.scratch_database(server, f"{name}_new") as uri:
        baseline = new_school_costs(uri, config)
    print("-- PostgreSQL, one day of history: in-process costs measured", flush=True)
    with rush_measure.scratch_database(server, f"{name}_year") as uri:
        app = create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": uri,
                          "WTF_CSRF_ENABLED": False})
        rush_data.create_schema(app)
        start = time.perf_counter()
        history, fresh, built = rush_data.build_year_school(app, bench_office, config["rooms"],
                                                           STUDENTS, config["year_days"])
        build_seconds = round(time.perf_counter() - start)
        print(f"-- PostgreSQL, a year: built {built:,} entries in {build_seconds} s", flush=True)
        office_before = rush_measure.office_costs(app, "bench.office", bench_office.PASSWORD)
        spare = history[-rush_data.SPARE:]
        teachers = history[:-rush_data.SPARE] + fresh
        section = rush_on(f"PostgreSQL, {config['year_days']} school days of history", uri,
                          app, teachers, spare, scratch, config, config["year_patterns"], [],
                          office=("bench.office", bench_office.PASSWORD))
        _dispose(app)
    section |= {"history_entries": built, "history_days": config["year_days"],
                "build_seconds": build_seconds, "office_before_rush": office_before,
                "one_day": baseline,
                "section_seconds": round(time.perf_counter() - section_start)}
    return section


def new_school_costs(uri, config) -> dict:
    """The year's school with a single day of history: the in-process costs of a teacher's
    morning and of the office pages before anyone has checked today."""
    from bench import bench_office
    from rollcall import create_app

    app = create_app({"SECRET_KEY": SECRET_KEY, "SQLALCHEMY_DATABASE_URI": uri,
                      "WTF_CSRF_ENABLED": False})
    rush_data.create_schema(app)
    history, _fresh, _built = rush_data.build_year_school(app, bench_office, config["rooms"],
                                                          STUDENTS, 1)
    office = rush_measure.office_costs(app, "bench.office", bench_office.PASSWORD)
    costs = rush_measure.rollcall_request_costs(app, history[-rush_data.SPARE:],
                                                rush_data.PASSWORD)
    _dispose(app)
    return {"costs": costs, "office_before_rush": office}


def _dispose(app) -> None:
    from rollcall.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    config = settings()
    started = time.perf_counter()
    server = os.environ.get("ROLLCALL_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432")
    name = os.environ.get("RUSH_DATABASE", "rollcall_rush")
    report = {"date": datetime.now(UTC).date().isoformat(),
              "machine": rush_measure.machine(f"{server}/postgres" if config["postgres"]
                                              else None),
              "commit": rush_report.commit(), "quick": config["quick"],
              "scale": config["scale"], "sections": [],
              "note": os.environ.get("RUSH_NOTE", "")}

    def save(section):  # after each database, so a stopped bench keeps what it measured
        report["sections"].append(section)
        report["seconds"] = round(time.perf_counter() - started)
        return rush_report.write(report, config["results"], suffix)

    chosen = config["sections"]
    suffix = "" if chosen == ["postgres", "sqlite", "year"] else "-" + "-".join(chosen)
    written = []
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        if config["postgres"] and "postgres" in chosen:
            with rush_measure.scratch_database(server, name) as uri:
                written = save(fresh_database("PostgreSQL", uri, scratch, config))
        if "sqlite" in chosen:
            written = save(fresh_database("SQLite", f"sqlite:///{scratch / 'rush.sqlite3'}",
                                          scratch, config))
        if config["postgres"] and "year" in chosen:
            written = save(year_database(server, name, scratch, config))
    print(f"rush: {report['seconds']} s; wrote {', '.join(str(p) for p in written)}")


if __name__ == "__main__":
    main()
