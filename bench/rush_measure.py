"""What the rush bench reads besides the requests: CPU from /proc, the machine, database
round trips and CPU per request type (counted once, in-process, with the test client)."""

import os
import platform
import re
import subprocess
import sys
import time
from collections import defaultdict
from contextlib import contextmanager, suppress
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of one process, in seconds (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS


def children(pid: int) -> list[int]:
    """The direct children of pid."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(stat[1]) == pid:
            found.append(int(entry.name))
    return found


def server_cpu(master: int) -> dict[int, float]:
    """CPU seconds of a gunicorn master and each of its workers, by pid."""
    return {pid: cpu_seconds(pid) for pid in (master, *children(master))}


def postgres_cpu(uri: str | None) -> dict[int, float]:
    """CPU seconds of the PostgreSQL backends serving uri's database, by pid."""
    if not uri or not uri.startswith("postgresql"):
        return {}
    from sqlalchemy import create_engine, text

    engine = create_engine(uri)
    with engine.connect() as connection:
        pids = connection.execute(text(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")).scalars().all()
    engine.dispose()
    return {pid: cpu_seconds(pid) for pid in pids}


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two samples (a process new since counts from zero)."""
    return round(sum(after[pid] - before.get(pid, 0.0) for pid in after), 3)


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def machine(postgres_uri: str | None) -> dict:
    """nproc, CPU model, Python, PostgreSQL and the load average now."""
    model = next((line.split(":", 1)[1].strip() for line in
                  Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    found = {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version(),
             "kernel": platform.release(), "load_average": load_average()}
    if postgres_uri:
        from sqlalchemy import create_engine, text

        engine = create_engine(postgres_uri)
        with engine.connect() as connection:
            found["postgres"] = connection.execute(text("SHOW server_version")).scalar()
        engine.dispose()
    with suppress(OSError):
        found["gunicorn"] = subprocess.run(  # noqa: S603
            [str(Path(sys.executable).with_name("gunicorn")), "--version"],
            capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    return found


def _in_transaction(dbapi_connection) -> bool:
    """Whether the driver has a transaction open (else its commit or rollback sends nothing)."""
    info = getattr(dbapi_connection, "info", None)
    if hasattr(info, "transaction_status"):  # psycopg
        return int(info.transaction_status) != 0  # 0: IDLE
    return bool(getattr(dbapi_connection, "in_transaction", True))  # sqlite3


class RoundTrips:
    """Counts what one request sends to the database: statements, the BEGIN psycopg sends
    before the first statement of a transaction, commits and rollbacks that end an open
    transaction (a connection's reset on its return to the pool included), and pre-pings (one
    per checkout when the pool pre-pings; on PostgreSQL it opens a transaction too)."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.engine = engine
        self.counts = defaultdict(int)
        self.pre_ping = bool(getattr(engine.pool, "_pre_ping", False))
        self.postgres = engine.dialect.name == "postgresql"
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)
        event.listen(engine.pool, "checkout", self._checkout)
        event.listen(engine.pool, "reset", self._reset)

    def _statement(self, connection, *args):
        self.counts["statements"] += 1
        if self.postgres and not _in_transaction(connection.connection.dbapi_connection):
            self.counts["begins"] += 1

    def _commit(self, connection):
        if _in_transaction(connection.connection.dbapi_connection):
            self.counts["commits"] += 1

    def _rollback(self, connection):
        if _in_transaction(connection.connection.dbapi_connection):
            self.counts["rollbacks"] += 1

    def _reset(self, dbapi_connection, *args):
        if _in_transaction(dbapi_connection):
            self.counts["resets"] += 1

    def _checkout(self, dbapi_connection, *args):
        if self.pre_ping:
            self.counts["pings"] += 1
            if self.postgres and _in_transaction(dbapi_connection):
                self.counts["begins"] += 1

    def take(self) -> dict:
        counts = dict(self.counts)
        counts["total"] = sum(counts.values())
        self.counts.clear()
        return counts


def timed_request(client, trips: RoundTrips, method: str, path: str, **kwargs):
    """One in-process request: (response, CPU ms of this process, round trips)."""
    trips.take()
    start = time.process_time()
    response = client.open(path, method=method, **kwargs)
    response.get_data()
    cpu = (time.process_time() - start) * 1000
    return response, round(cpu, 2), trips.take()


def rollcall_request_costs(app, teachers, password: str) -> dict:
    """CPU ms and round trips of each request type of a teacher's morning, in-process: the
    first teacher warms up (templates compiled, pool filled), the others are measured; the
    median CPU and the last teacher's round trips."""
    from bench.rush_driver import FormFields, save_check_fields, today_check_links
    from rollcall.extensions import db

    with app.app_context():
        trips = RoundTrips(db.engine)
    samples: dict[str, list[tuple[float, dict]]] = defaultdict(list)
    for n, teacher in enumerate(teachers):
        if n == 1:
            samples.clear()
        client = app.test_client()

        def measure(label, method, path, client=client, **kwargs):
            response, cpu, counted = timed_request(client, trips, method, path, **kwargs)
            if response.status_code >= 400:
                raise RuntimeError(f"{label}: {response.status_code}")
            samples[label].append((cpu, counted))
            return response

        measure("GET /login", "GET", "/login")
        measure("POST /login", "POST", "/login", data={"username": teacher.username,
                                                        "password": password})
        measure("GET / (redirect)", "GET", "/")
        measure("GET /today (redirect)", "GET", "/today")
        today = measure("GET Today", "GET", f"/homerooms/{teacher.homeroom_id}/today")
        links = today_check_links(today.get_data(as_text=True))
        for kind in ("attendance", "bag"):
            page = measure(f"GET {kind}", "GET", links[kind])
            form = FormFields()
            form.feed(page.get_data(as_text=True))
            # Saved as checks.js saves: the answer is shown in place, its `next` followed.
            answer = measure(f"POST {kind}", "POST", links[kind],
                             data=save_check_fields(form, kind),
                             headers={"Accept": "application/json"}).get_json()
            if answer.get("next"):
                measure(f"GET {kind} (next)", "GET", answer["next"])
    with app.app_context():
        db.engine.dispose()
    return _summary(samples)


def floor_request_costs(uri: str, homeroom_ids: list[int]) -> dict:
    """CPU ms and round trips of the floor's page and save, in-process."""
    from bench.floor_app import create_app

    app = create_app(uri)
    engine = app.extensions["floor_engine"]
    trips = RoundTrips(engine)
    client = app.test_client()
    samples: dict[str, list[tuple[float, dict]]] = defaultdict(list)
    for room in homeroom_ids * 5:
        for label, method in (("floor page", "GET"), ("floor save", "POST")):
            _, cpu, counted = timed_request(client, trips, method, f"/floor/{room}")
            samples[label].append((cpu, counted))
    engine.dispose()
    return _summary(samples)


def _summary(samples) -> dict:
    from statistics import median

    return {label: {"cpu_ms": round(median(cpu for cpu, _ in found), 2),
                    "round_trips": found[-1][1]}
            for label, found in samples.items()}


@contextmanager
def scratch_database(server: str, name: str):
    """A new, empty PostgreSQL database on server (dropped first if left over); its URI.
    Dropped again afterwards."""
    from sqlalchemy import create_engine, text

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain database name: {name}")
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


OFFICE_PAGES = {"office board": "/office/", "office log": "/office/log",
                "office log, everything": "/office/log?show=all"}
OFFICE_ROUNDS = 15


def office_costs(app, username: str, password: str) -> dict:
    """The office board and log, in-process, signed in as the office: wall-clock p50/p95 over
    OFFICE_ROUNDS requests after one warm-up, median CPU, round trips."""
    from statistics import median, quantiles

    from rollcall.extensions import db

    with app.app_context():
        trips = RoundTrips(db.engine)
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"office sign-in: {response.status_code}")
    found = {}
    for label, path in OFFICE_PAGES.items():
        timed_request(client, trips, "GET", path)
        walls, cpus = [], []
        for _ in range(OFFICE_ROUNDS):
            start = time.perf_counter()
            response, cpu, counted = timed_request(client, trips, "GET", path)
            walls.append((time.perf_counter() - start) * 1000)
            cpus.append(cpu)
            if response.status_code != 200:
                raise RuntimeError(f"{label}: {response.status_code}")
        cuts = quantiles(walls, n=20)
        found[label] = {"p50_ms": round(median(walls), 1), "p95_ms": round(cuts[18], 1),
                        "cpu_ms": round(median(cpus), 2), "round_trips": counted,
                        "kb": len(response.data) // 1024}
    with app.app_context():
        db.engine.dispose()
    return found
