"""The production server as README runs it: gunicorn with rollcall.gunicorn_conf, on 127.0.0.1."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

PHONE = "13800138000"


def listening_socket() -> socket.socket:
    """A socket bound and listening on a free port, handed to gunicorn as it is (fd://): a port
    found free and bound later could be taken in between by a test running beside this one."""
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.set_inheritable(True)
    return listener


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
    listener = listening_socket()
    base = f"http://127.0.0.1:{listener.getsockname()[1]}"
    log_file = tmp_path / "access.log"
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "ROLLCALL_SECRET_KEY": "x" * 32,
           "ROLLCALL_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log_file.open("w") as log:
        server = subprocess.Popen(
            [str(gunicorn), "-c", "python:rollcall.gunicorn_conf", "-w", "1", "-b",
             f"fd://{listener.fileno()}", "rollcall.wsgi:app"],
            stdout=log, stderr=subprocess.STDOUT, env=env, pass_fds=[listener.fileno()])
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
            listener.close()

    written = log_file.read_text()
    assert PHONE not in written
    assert "?q=" not in written
    assert '"GET /healthz HTTP/1.1" 200' in written
    assert list(home.iterdir()) == []  # no control socket left in the service user's home
