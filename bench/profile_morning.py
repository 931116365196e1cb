"""A teacher's morning in-process: CPU ms and SQL statements per request, optionally profiled.

    python -m bench.profile_morning [--database URL] [--rounds 15] [--profile "bag page"]
                                    [--reload | --whole-form]
    (ROLLCALL_BENCH_SQL="bag save" prints that request's statements)

Each round is one teacher of a 45-student homeroom (a school of `rounds` homerooms): sign in,
Today, the attendance page and its save (2 absent, 1 late), the bag check and its save (1
finding); and /today, whose redirect costs little more than what every signed-in request pays
(shown, not counted in the morning). Saves are posted as the phone's checks.js posts them (a
JSON body of the rows changed, with their bases) and shown in place; with --whole-form, as
checks.js posted them before (the page's whole form, multipart) and shown in place; with
--reload, as a page without JavaScript posts them, each followed by the page loaded again.
CPU is this process's (time.process_time: Flask, SQLAlchemy, Jinja, and SQLite when it is the
database; PostgreSQL's own CPU is not in it).
Figures only; nothing is asserted.
"""

import argparse
import cProfile
import os
import pstats
import re
import statistics
import tempfile
import time
from pathlib import Path

import flask_migrate
from sqlalchemy import event, inspect, text

from bench import floor_app
from rollcall import clock, create_app
from rollcall.extensions import db
from rollcall.models import Homeroom, Role
from tests import factories
from tests.checks_support import DAY, at

REQUESTS = ("sign-in", "today link", "today", "attendance page", "attendance save",
            "attendance again", "bag page", "bag save", "bag again")
AGAIN = ("attendance again", "bag again")  # the page loaded again after its save (--reload)
PHONE = {"Accept": "application/json"}
_STATUS = re.compile(r'name="(s\d+)" value="(\w+)" checked')
_BASE = re.compile(r'name="(b\d+)" value="([^"]*)"')
_HIDDEN = re.compile(r'name="(version|loaded_at)" type="hidden" value="([^"]*)"')


def _build(uri: str, rounds: int):
    app = create_app({"SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": uri})
    with app.app_context():
        if uri.startswith("postgresql"):
            db.metadata.drop_all(db.engine)
            with db.engine.begin() as connection:
                for name in inspect(connection).get_table_names():
                    connection.execute(text(f'DROP TABLE IF EXISTS "{name}" CASCADE'))
        flask_migrate.upgrade()
        school = factories.school()
        teachers = []
        for number in range(rounds):
            room = Homeroom(school=school, name=f"九年级{number + 1}班", grade=9)
            db.session.add(room)
            db.session.flush()
            for seat in range(1, 46):
                factories.student(school, room, seat, number=f"{number:02d}{seat:03d}")
            teacher = factories.user(school, f"t{number}", Role.TEACHER, [room])
            teachers.append((teacher.username, room.id, [s.id for s in room.students]))
        db.session.commit()
    return app, teachers


def _rows(page: str) -> dict:
    return dict(_STATUS.findall(page)) | dict(_BASE.findall(page)) | dict(_HIDDEN.findall(page))


def _post(client, url: str, page: dict, changes: dict, how: str):
    """Post a save of page (its fields) with changes ({field: value}) as `how` says."""
    if how == "reload":
        return client.post(url, data=page | changes)
    if how == "whole-form":
        return client.post(url, data=page | changes, headers=PHONE)
    rows = {}
    for name, value in changes.items():  # as checks.js sends: the changed rows, with bases
        sid = name[1:]
        rows.setdefault(sid, {"b": page[f"b{sid}"], "s": page[f"s{sid}"]})[name[0]] = value
    return client.post(url, json={
        "version": int(page["version"]) if page.get("version") else None,
        "loaded_at": int(page["loaded_at"]), "tapped_at": int(page["loaded_at"]) + 1000,
        "rows": rows}, headers=PHONE)


def _morning(app, username: str, room: int, ids: list[int], timings: dict, statements: dict,
             profiled=(None, None), how="json"):
    client = app.test_client()
    url = f"/homerooms/{room}/checks/{DAY.isoformat()}"

    def run(name, call):
        tally = []

        def count(*args):
            tally.append(args[2])

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", count)
        profiler = profiled[1] if profiled[0] == name else None
        if profiler:
            profiler.enable()
        start = time.process_time()
        response = call()
        timings[name].append((time.process_time() - start) * 1000)
        if profiler:
            profiler.disable()
        event.remove(engine, "before_cursor_execute", count)
        statements[name].append(len(tally))
        if os.environ.get("ROLLCALL_BENCH_SQL") == name:  # the statements, one a line
            print(f"-- {name}", *(" ".join(sql.split())[:160] for sql in tally), sep="\n")
        assert response.status_code in (200, 302), (name, response.status_code)
        return response.get_data(as_text=True)

    run("sign-in", lambda: client.post("/login", data={"username": username,
                                                       "password": factories.PASSWORD}))
    run("today link", lambda: client.get("/today"))  # redirects: what every request pays
    run("today", lambda: client.get(f"/homerooms/{room}/today"))
    page = _rows(run("attendance page", lambda: client.get(f"{url}/attendance")))
    changes = {f"s{ids[0]}": "absent", f"s{ids[1]}": "absent", f"s{ids[2]}": "late",
               f"t{ids[2]}": "07:35"}
    run("attendance save", lambda: _post(client, f"{url}/attendance", page, changes, how))
    if how == "reload":
        run("attendance again", lambda: client.get(f"{url}/attendance"))
    page = _rows(run("bag page", lambda: client.get(f"{url}/bag")))
    changes = {f"s{ids[3]}": "found", f"c{ids[3]}": "prohibited", f"d{ids[3]}": "扑克牌",
               f"a{ids[3]}": "kept_by_teacher"}
    run("bag save", lambda: _post(client, f"{url}/bag", page, changes, how))
    if how == "reload":
        run("bag again", lambda: client.get(f"{url}/bag"))


# Each of Rollcall's requests against the floor's request of the same kind (issue 28's targets:
# the attendance page at most 3x the floor page, its save at most 5x the floor save).
AGAINST_FLOOR = (("attendance page", "floor page"), ("bag page", "floor page"),
                 ("attendance save", "floor save"), ("bag save", "floor save"))
# And against the same floor behind a sign-in (Flask's session cookie, Flask-Login's user
# loaded by id): what is left is Rollcall's own work.
AGAINST_SIGNED_FLOOR = (("today link", "signed floor save"),
                        ("attendance page", "signed floor page"),
                        ("attendance save", "signed floor save"),
                        ("bag save", "signed floor save"))


# The floor's requests: (name, method, path), the signed-in ones behind Flask-Login.
FLOORS = (("floor page", "get", "/floor"), ("floor save", "post", "/floor"),
          ("signed floor page", "get", "/signed"), ("signed floor save", "post", "/signed"))


def _floor(uri: str, rooms: list[int], timings: dict) -> None:
    """The floor app's page and save for each homeroom, in this process, on the same database,
    bare and behind a sign-in."""
    floor_app.prepare(uri, rooms)
    bare = floor_app.create_app(uri).test_client()
    signed = floor_app.create_app(uri, signed=True)
    with signed.extensions["floor_engine"].connect() as connection:
        user_id = connection.execute(text("SELECT min(id) FROM users")).scalar_one()
    clients = {"/floor": bare, "/signed": signed.test_client()}
    assert clients["/signed"].post(f"/signed/login/{user_id}").status_code == 204
    for room in rooms:
        for name, method, path in FLOORS:
            start = time.process_time()
            response = getattr(clients[path], method)(f"{path}/{room}")
            timings[name].append((time.process_time() - start) * 1000)
            assert response.status_code in (200, 204), (name, response.status_code)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--profile", choices=REQUESTS, help="print cProfile's top functions")
    posting = parser.add_mutually_exclusive_group()
    posting.add_argument("--reload", action="store_true",
                         help="save as a plain form, then load the page again")
    posting.add_argument("--whole-form", action="store_true",
                         help="save the whole form, multipart, as checks.js did before")
    args = parser.parse_args(argv)
    how = "reload" if args.reload else "whole-form" if args.whole_form else "json"
    requests = [name for name in REQUESTS if args.reload or name not in AGAIN]
    morning = [name for name in requests if name != "today link"]
    with tempfile.TemporaryDirectory() as folder, clock.frozen(at(7, 40)):
        uri = args.database or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        app, teachers = _build(uri, args.rounds)
        timings = {name: [] for name in (*REQUESTS, *(floor for floor, _, _ in FLOORS))}
        statements = {name: [] for name in REQUESTS}
        profiler = cProfile.Profile() if args.profile else None
        for index, (username, room, ids) in enumerate(teachers):
            # The first round warms caches up (and is left out of the figures).
            _morning(app, username, room, ids, timings, statements,
                     (args.profile if index else None, profiler), how)
        _floor(uri, [room for _, room, _ in teachers], timings)
        load = os.getloadavg()
        print(f"database: {'PostgreSQL' if args.database else 'SQLite'}; rounds: "
              f"{args.rounds} (first dropped); saves posted as {how}"
              f"; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        for name in requests:
            warm = timings[name][1:]
            print(f"  {name:17} CPU median {statistics.median(warm):6.1f} ms  "
                  f"min {min(warm):6.1f}  statements {statements[name][-1]}")
        print(f"  {'morning':17} CPU median "
              f"{sum(statistics.median(timings[n][1:]) for n in morning):6.1f} ms "
              f"(without sign-in "
              f"{sum(statistics.median(timings[n][1:]) for n in morning[1:]):.1f} ms)")
        for name, what in (("floor page", "a 45-row SELECT rendered"),
                           ("floor save", "one UPDATE and COMMIT"),
                           ("signed floor page", "the floor page, signed in"),
                           ("signed floor save", "the floor save, signed in")):
            warm = timings[name][1:]
            print(f"  {name:17} CPU median {statistics.median(warm):6.1f} ms  "
                  f"min {min(warm):6.1f}  (bench/floor_app.py: {what})")
        for ours, floor in AGAINST_FLOOR + AGAINST_SIGNED_FLOOR:
            ratio = statistics.median(timings[ours][1:]) / statistics.median(timings[floor][1:])
            print(f"  {ours} / {floor}: {ratio:.1f}x")
        if profiler and args.profile:
            print(f"(profile: {args.profile}, rounds 2..{args.rounds})")
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        with app.app_context():
            db.engine.dispose()


if __name__ == "__main__":
    main()
