"""`flask --app rollcall send-alerts` (one pass) and `flask --app rollcall scheduler`."""

import time

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from rollcall.cli_support import clean_errors
from rollcall.jobs import minute_pass
from rollcall.jobs.scheduler import run_scheduler
from rollcall.notify import services


@click.command("send-alerts")
@click.option("--until-done", is_flag=True,
              help="Keep passing while texts wait for a retry (at most --max-seconds).")
@click.option("--max-seconds", default=600, show_default=True, type=click.IntRange(1, 3600))
@with_appcontext
@clean_errors
def send_alerts_command(until_done, max_seconds):
    """Run one send pass now: decide due parent texts and send them."""
    warn_without_callbacks()
    deadline = time.monotonic() + max_seconds
    while True:
        reminded, queued, stats = minute_pass.send_pass()
        click.echo(f"queued {queued}, sent {stats.sent}, retrying {stats.retried}, "
                   f"failed {stats.failed}, not sent {stats.not_sent}, "
                   f"cancelled {stats.cancelled}, classes reminded {reminded}")
        if not until_done or not services.texts_waiting() or time.monotonic() > deadline:
            break
        time.sleep(0.2)


@click.command("scheduler")
@with_appcontext
@clean_errors
def scheduler_command():
    """Run the scheduler (one at a time: a second one waits to take over)."""
    warn_without_callbacks()
    run_scheduler(announce=lambda line: click.echo(line, err=True))


def warn_without_callbacks() -> None:
    """Twilio without PUBLIC_BASE_URL sends, but never hears which texts failed to arrive."""
    if services.status_callbacks_missing(current_app.config):
        # Operator output, in English like every command's (no request, so no user locale).
        click.echo("warning: PUBLIC_BASE_URL is not set, so Twilio cannot report delivery and "
                   "undelivered texts will never show \"Call this parent\"", err=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(send_alerts_command)
    app.cli.add_command(scheduler_command)
