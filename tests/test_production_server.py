"""The production server as README runs it: gunicorn with rollcall.gunicorn_conf, on 127.0.0.1."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PHONE = "13800138000"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_access_log_keeps_paths_but_not_query_strings_or_referrers(app, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_file = tmp_path / "access.log"
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "ROLLCALL_SECRET_KEY": "x" * 32,
           "ROLLCALL_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log_file.open("w") as log:
        server = subprocess.Popen(
            [str(gunicorn), "-c", "python:rollcall.gunicorn_conf", "-w", "1", "-b",
             f"127.0.0.1:{port}", "rollcall.wsgi:app"],
            stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            wait_for(f"{base}/healthz")
            request = urllib.request.Request(
                f"{base}/healthz?q={PHONE}",
                headers={"Referer": f"{base}/admin/guardians?q=%2B86{PHONE}"})
            with urllib.request.urlopen(request, timeout=5) as response:
                assert response.status == 200
                assert b'"database":"ok"' in response.read().replace(b" ", b"")
        finally:
            server.terminate()
            server.wait(timeout=20)

    written = log_file.read_text()
    assert PHONE not in written
    assert "?q=" not in written
    assert '"GET /healthz HTTP/1.1" 200' in written
    assert list(home.iterdir()) == []  # no control socket left in the service user's home
