"""`flask --app rollcall run-all`: the web app and the scheduler together, for a developer's
machine and the demo (`make run`). One Ctrl-C stops both; when either stops, so does the other.

Production runs them as two services (docs/deploy.md): gunicorn, and one `flask scheduler`.
"""

import signal
import subprocess
import sys
import time

import click
from flask import Flask

FLASK = (sys.executable, "-m", "flask", "--app", "rollcall")
STOP_GRACE_SECONDS = 10.0


@click.command("run-all")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(0, 65535),
              help="0: any free port (the line \"Running on http://…\" names it).")
def run_all_command(host, port):
    """Serve the app and run the scheduler until Ctrl-C (without an SMS provider, texts are
    recorded, not sent)."""
    names = ("the web app", "the scheduler")
    # Fixed arguments (the port is an int, the host an option of the developer's own).
    children = [subprocess.Popen([*FLASK, "run", "--host", host, "--port", str(port)]),  # noqa: S603
                subprocess.Popen([*FLASK, "scheduler"])]  # noqa: S603
    asked_to_stop = []
    previous = {signum: signal.signal(signum, lambda signum, _frame: asked_to_stop.append(signum))
                for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        while not asked_to_stop and all(child.poll() is None for child in children):
            time.sleep(0.2)
    finally:
        stopped_alone = [name for name, child in zip(names, children, strict=True)
                         if child.poll() is not None]
        stop_all(children)
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if not asked_to_stop:
        raise click.ClickException(f"{stopped_alone[0]} stopped, so everything was stopped")


def stop_all(children) -> None:
    """SIGTERM to each child still running, then SIGKILL to any still there after the grace."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def init_app(app: Flask) -> None:
    app.cli.add_command(run_all_command)
