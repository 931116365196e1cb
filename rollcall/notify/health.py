"""Whether a school's parent texts are going out, and if not, why: the office must know."""

from datetime import timedelta

from flask import current_app, g
from flask_babel import format_datetime, to_user_timezone

from rollcall import clock
from rollcall.extensions import db
from rollcall.notify.gateway import has_twilio
from rollcall.notify.heartbeat import SchedulerState, scheduler_state, state_at
from rollcall.notify.models import OutboxText, TextStatus, TextWait
from rollcall.notify.sender import ANY_HOUR
from rollcall.notify.settings import in_window, template_problem, text_settings

# A text due this long ago and still not handed to Twilio means no sender is sending.
STUCK_AFTER = timedelta(minutes=10)
# The provider is failing when this many attempts in a row failed (the school's latest texts
# today that failed, or wait for a retry after an error, each counting all its attempts).
PROVIDER_FAILURE_RUN = 3


def scheduler_stopped_since() -> str | None:
    """The last tick on the reader's (the school's) clock: HH:mm today, else with its date."""
    last = current_scheduler().last_tick
    if last is None:
        return None
    same_day = to_user_timezone(last).date() == to_user_timezone(clock.now()).date()
    return format_datetime(last, "HH:mm" if same_day else "yyyy-MM-dd HH:mm")


def current_scheduler() -> SchedulerState:
    """The scheduler's state, read once per request (or command)."""
    if "scheduler_state" not in g:
        g.scheduler_state = scheduler_state(current_app)
    return g.scheduler_state


def scheduler_read_along(last_tick) -> None:
    """This request's scheduler state from heartbeat.LAST_TICK, read by a page along with
    another statement: current_scheduler() then asks no more."""
    g.scheduler_state = state_at(current_app, last_tick)


def texts_stopped(school, config) -> list[str]:
    """The reasons this school's texts are not going out ([] when all is well):
    "scheduler" (no scheduler has ticked within the limit), "settings" (its stored window,
    send time or a template cannot be used), "no_provider" (no SMS provider configured: texts
    are only recorded), "provider_failing" (its latest attempts all failed), "stuck" (due
    texts wait unsent)."""
    reasons = ["scheduler"] if current_scheduler().stale else []
    try:
        settings = text_settings(school)
    except ValueError:
        settings = None
    if settings is None or any(template_problem(template)
                               for by_language in settings.templates.values()
                               for template in by_language.values()):
        reasons.append("settings")
    if not has_twilio(config):
        reasons.append("no_provider")
    elif provider_failing(school):
        reasons.append("provider_failing")
    if (settings is not None and "scheduler" not in reasons and in_window(school, settings)
            and _stuck(school)):
        reasons.append("stuck")
    return reasons


def text_wait(text) -> TextWait | None:
    """What this text waits for (None: it went out, or was not sent on purpose)."""
    if text.status in (TextStatus.FAILED, TextStatus.UNDELIVERED):
        return TextWait.FAILED
    if text.status not in (TextStatus.QUEUED, TextStatus.SENDING):
        return None
    if current_scheduler().stale:
        return TextWait.SCHEDULER_STOPPED
    if text.status == TextStatus.SENDING or text.attempts:
        return TextWait.PROVIDER
    if text.kind not in ANY_HOUR:
        try:
            open_now = in_window(text.school, text_settings(text.school))
        except ValueError:
            open_now = False  # broken settings: the banner says so, the text waits
        if not open_now:
            return TextWait.WINDOW
    return TextWait.SCHEDULER


def not_going_out(text) -> bool:
    """The text did not reach its phone and will not (or not while nothing changes)."""
    if text.status == TextStatus.NOT_SENT:
        return True
    if text.status == TextStatus.QUEUED and text.attempts:
        return True  # the provider failed it once already: a retry may come too late
    return text_wait(text) in (TextWait.FAILED, TextWait.SCHEDULER_STOPPED)


def duty_texts_unsent(case) -> bool:
    """Some on-duty phone of this missing-student case was not (and will not be) texted."""
    return any(not_going_out(link.text) for link in case.texts)


def provider_failing(school) -> bool:
    """The provider failed the school's latest attempts today: PROVIDER_FAILURE_RUN attempts
    in a row (the latest texts it was asked to send, up to the last one that went)."""
    latest = db.session.execute(
        db.select(OutboxText.status, OutboxText.attempts).where(
            OutboxText.school_id == school.id,
            OutboxText.school_date == clock.school_today(school),
            OutboxText.attempts > 0,
            OutboxText.status.not_in([TextStatus.NOT_SENT, TextStatus.CANCELLED]))
        .order_by(OutboxText.status_at.desc(), OutboxText.id.desc())
        .limit(PROVIDER_FAILURE_RUN)).all()
    failed_attempts = 0
    for row in latest:
        if not _failure(row.status):
            break
        failed_attempts += row.attempts
    return failed_attempts >= PROVIDER_FAILURE_RUN


def _failure(status) -> bool:
    # A queued text that was tried before waits for a retry after an error.
    return status in (TextStatus.FAILED, TextStatus.QUEUED)


def _stuck(school) -> bool:
    return db.session.scalar(
        db.select(OutboxText.id).where(
            OutboxText.school_id == school.id,
            OutboxText.school_date == clock.school_today(school),
            OutboxText.status.in_([TextStatus.QUEUED, TextStatus.SENDING]),
            OutboxText.next_attempt_at < clock.now() - STUCK_AFTER).limit(1)) is not None
