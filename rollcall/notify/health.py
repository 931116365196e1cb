"""Whether a school's parent texts are going out, and if not, why: the office must know."""

from datetime import timedelta

from rollcall import clock
from rollcall.extensions import db
from rollcall.notify.gateway import has_twilio
from rollcall.notify.models import OutboxText, TextStatus
from rollcall.notify.settings import in_window, template_problem, text_settings

# A text due this long ago and still not handed to Twilio means no sender is sending.
STUCK_AFTER = timedelta(minutes=10)


def texts_stopped(school, config) -> list[str]:
    """The reasons this school's texts are not going out ([] when all is well):
    "settings" (its stored window, send time or a template cannot be used), "no_provider"
    (no SMS provider configured: texts are only recorded), "stuck" (due texts wait unsent)."""
    reasons = []
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
    if settings is not None and in_window(school, settings) and _stuck(school):
        reasons.append("stuck")
    return reasons


def _stuck(school) -> bool:
    return db.session.scalar(
        db.select(OutboxText.id).where(
            OutboxText.school_id == school.id,
            OutboxText.school_date == clock.school_today(school),
            OutboxText.status.in_([TextStatus.QUEUED, TextStatus.SENDING]),
            OutboxText.next_attempt_at < clock.now() - STUCK_AFTER).limit(1)) is not None
