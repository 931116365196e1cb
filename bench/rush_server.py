"""gunicorn as the README's Production section runs it, for Rollcall and for the floor app."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORKERS = 4
APPS = {"rollcall": ("rollcall.wsgi:app", "/healthz"),
        "floor": ("bench.floor_app:from_environment()", "/floor/0")}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()  # noqa: S310 - 127.0.0.1 only
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server at {url} did not start") from None
            time.sleep(0.3)


@contextmanager
def serving(which: str, uri: str, secret_key: str, scratch: Path, workers: int = WORKERS):
    """Serve `which` ("rollcall" or "floor") on a free port of 127.0.0.1 with sync workers;
    yields (base URL, the master's pid). Access log lines go to a file in scratch."""
    target, probe = APPS[which]
    port = free_port()
    home = scratch / f"home-{which}"
    home.mkdir(exist_ok=True)
    env = {**os.environ, "HOME": str(home), "ROLLCALL_SECRET_KEY": secret_key,
           "ROLLCALL_SQLALCHEMY_DATABASE_URI": uri, "ROLLCALL_LOG_LEVEL": "WARNING"}
    env.pop("ROLLCALL_ENV", None)  # rollcall.wsgi makes it production
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with (scratch / f"{which}-{port}.log").open("w") as log:
        server = subprocess.Popen(  # noqa: S603
            [str(gunicorn), "-c", "python:rollcall.gunicorn_conf", "-w", str(workers), "-b",
             f"127.0.0.1:{port}", target], cwd=REPO, env=env, stdout=log,
            stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base + probe, server)
            yield base, server.pid
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)
