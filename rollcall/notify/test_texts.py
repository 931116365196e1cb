"""The admin's test text to an on-duty phone: queued in the outbox like every text, so the
scheduler's send pass and the school's SMS provider send it, and the settings page shows how
it is doing (waiting, sent, failed, or recorded without a provider). Rate-limited per school,
and only to the school's own on-duty phones, so it cannot be used to send texts at will."""

from datetime import timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from rollcall import audit, clock
from rollcall.extensions import db
from rollcall.models import School
from rollcall.notify.carrier import carrier_ready, signature
from rollcall.notify.models import OutboxText, TextKind
from rollcall.notify.settings import LANGUAGES, school_provider
from rollcall.notify.staff_texts import queue_text
from rollcall.phones import mask
from rollcall.state_change import hold

# At most this many test texts per school in any RATE_WINDOW (the outbox is the count, so
# every web worker sees the same one; the school's row is held while counting, so two admins
# sending at the same instant are counted one after the other).
TEST_TEXTS_PER_WINDOW = 3
RATE_WINDOW = timedelta(hours=1)
SHOWN = 5  # the latest test texts the settings page shows


class TestTextRefused(Exception):
    """Nothing was queued: reason is "not_on_duty" or "too_many"."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def send_test_text(school: School, phone: str, duty_phones, actor) -> OutboxText:
    """Queue a test text to one of the school's on-duty phones (commits, audited)."""
    if phone not in duty_phones:
        raise TestTextRefused("not_on_duty")
    hold(school)
    if test_texts_within(school, RATE_WINDOW) >= TEST_TEXTS_PER_WINDOW:
        db.session.rollback()  # lets the school's row go
        raise TestTextRefused("too_many")
    language = school.locale if school.locale in LANGUAGES else "zh_Hans"
    config = current_app.config
    with force_locale(language):
        body = _("%(school)s: a test text from Rollcall to the on-duty phone. "
                 "Nothing to do.", school=school.name)
    text = queue_text(school, clock.school_today(school), TextKind.TEST_TEXT, phone, language,
                      carrier_ready(body, phone, signature(
                          school, school_provider(school, config), config)),
                      {"school": school.name})
    db.session.flush()
    audit.record("notify.test_text", text, actor=actor, after={"phone": mask(phone)})
    db.session.commit()
    return text


def test_texts_within(school: School, window: timedelta) -> int:
    """How many test texts the school queued in the last `window`."""
    return db.session.scalar(db.select(db.func.count(OutboxText.id)).where(
        OutboxText.school_id == school.id, OutboxText.kind == TextKind.TEST_TEXT,
        OutboxText.created_at > clock.now() - window))


def latest_test_texts(school: School, limit: int = SHOWN) -> list[OutboxText]:
    """The school's latest test texts, newest first."""
    return list(db.session.scalars(db.select(OutboxText).where(
        OutboxText.school_id == school.id, OutboxText.kind == TextKind.TEST_TEXT)
        .order_by(OutboxText.created_at.desc(), OutboxText.id.desc()).limit(limit)))
