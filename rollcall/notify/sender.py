"""The sender: claim due outbox rows one at a time, send them, record what happened.

Claims are a conditional UPDATE (status and claim token unchanged), so two senders can never
both own a row; on PostgreSQL the candidate is also picked with FOR UPDATE SKIP LOCKED so
senders do not queue behind each other. A sender that dies leaves its row "sending"; after the
lease another sender reclaims it and asks the provider first whether the text already exists.
Each school's texts go through its provider (Twilio or Aliyun); a row remembers the provider
that may hold it, so the lookup asks that one.
"""

import logging
import random
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app
from requests.exceptions import RequestException
from sqlalchemy import and_, or_, update
from Tea.exceptions import TeaException
from twilio.base.exceptions import TwilioException

from rollcall import audit, clock
from rollcall.extensions import db
from rollcall.models import Guardian, School
from rollcall.notify.gateway import OPTED_OUT, Gateways, SendResult
from rollcall.notify.models import WENT_OUT, OutboxText, TextKind, TextStatus
from rollcall.notify.settings import in_window, text_settings
from rollcall.phones import mask

log = logging.getLogger(__name__)
# Why a queued text was cancelled instead of sent (rollcall.vocabulary has what staff read).
TEXTS_STOPPED = "guardian can no longer receive texts"
# Texts that go out at any hour: the on-duty office hears of a missing student at once (and
# the admin testing an on-duty phone sees the answer at once).
ANY_HOUR = (TextKind.MISSING_STUDENT, TextKind.TEST_TEXT)
# What may be raised while asking a provider about a text (it cannot be asked right now).
LOOKUP_ERRORS = (TwilioException, RequestException, TeaException)


@dataclass
class SendStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    not_sent: int = 0
    cancelled: int = 0
    found_existing: int = 0
    outcomes: list = field(default_factory=list)


class Pacer:
    """At most `rate` messages per second from this sender (0 or less: no pacing)."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate and rate > 0 else 0.0
        self.last = None

    def wait(self) -> None:
        if self.interval and self.last is not None:
            pause = self.last + self.interval - time.monotonic()
            if pause > 0:
                time.sleep(pause)
        self.last = time.monotonic()


def send_queued_texts(gateway=None, limit: int | None = None) -> SendStats:
    """Send every due text of every school that is inside its sending window today.

    Without a gateway each school's texts go through its own provider's.
    """
    stats, config = SendStats(), current_app.config
    gateways = gateway if isinstance(gateway, Gateways) else Gateways(config, fixed=gateway)
    pacer = Pacer(float(config["SMS_RATE_PER_SECOND"]))
    for school in db.session.scalars(db.select(School).order_by(School.id)).all():
        try:
            settings = text_settings(school)
        except ValueError:  # logged by the decision pass; this school's texts wait
            continue
        # Outside the window only the texts that cannot wait go: the window is for parents.
        kinds = None if in_window(school, settings) else ANY_HOUR
        day = clock.school_today(school)
        while limit is None or len(stats.outcomes) < limit:
            claimed = claim_next(school.id, day, kinds)
            if claimed is None:
                break
            text, token = claimed
            pacer.wait()
            result, used = _attempt(gateways, settings.provider, text)
            record_result(text.id, token, result, provider=used)
            _count(stats, result)
    return stats


def claim_next(school_id: int, day, kinds=None) -> tuple[OutboxText, str] | None:
    """Take the next due row of this school and day (or one whose sender died), of the given
    kinds only when kinds is given."""
    lease = timedelta(seconds=float(current_app.config["SMS_CLAIM_LEASE_SECONDS"]))
    for _ in range(20):  # another sender may win a row; then try the next one
        now = clock.now()
        query = (
            db.select(OutboxText.id, OutboxText.status, OutboxText.claim_token)
            .where(OutboxText.school_id == school_id, OutboxText.school_date == day,
                   or_(and_(OutboxText.status == TextStatus.QUEUED,
                            OutboxText.next_attempt_at <= now),
                       and_(OutboxText.status == TextStatus.SENDING,
                            OutboxText.claimed_at < now - lease)))
            .order_by(OutboxText.next_attempt_at, OutboxText.id).limit(1)
        )
        if kinds is not None:
            query = query.where(OutboxText.kind.in_(kinds))
        if db.session.get_bind().dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True, of=OutboxText)
        row = db.session.execute(query).first()
        if row is None:
            db.session.commit()
            return None
        token = secrets.token_hex(8)
        same_token = (OutboxText.claim_token.is_(None) if row.claim_token is None
                      else OutboxText.claim_token == row.claim_token)
        changed = db.session.execute(
            update(OutboxText)
            .where(OutboxText.id == row.id, OutboxText.status == row.status, same_token)
            .values(status=TextStatus.SENDING, claim_token=token, claimed_at=now,
                    first_claimed_at=db.func.coalesce(OutboxText.first_claimed_at, now),
                    # a dead sender may have reached Twilio: look before sending again
                    needs_lookup=True if row.status == TextStatus.SENDING
                    else OutboxText.needs_lookup,
                    attempts=OutboxText.attempts + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if changed == 1:
            return db.session.get(OutboxText, row.id, populate_existing=True), token
    return None


def _attempt(gateways: Gateways, provider: str, text: OutboxText) -> tuple[SendResult, str]:
    """Look first when an earlier attempt may have reached a provider; send only if it did not.

    Returns the result and the provider that holds (or may hold) the text.
    """
    if text.needs_lookup:
        since = text.first_claimed_at - timedelta(minutes=5)
        holder = text.provider or provider
        try:
            found = gateways.get(holder).find_sent(text, since)
        except LOOKUP_ERRORS:  # the provider cannot be asked right now
            return SendResult(TextStatus.QUEUED, ambiguous=True), holder
        if found is not None:
            log.info("text %s to %s: %s already had it", text.id, mask(text.to_e164), holder)
            return found, holder
    if text.guardian is not None and not text.guardian.can_receive_texts:
        # Not at Twilio (never sent, or the lookup found nothing): the parent said STOP or
        # the office switched their texts off since it was queued.
        log.info("text %s to %s: cancelled, the guardian can no longer receive texts",
                 text.id, mask(text.to_e164))
        return SendResult(TextStatus.CANCELLED, error_message=TEXTS_STOPPED), text.provider
    gateway = gateways.get(provider)
    return gateway.send(text, status_callback=status_callback_url(text)), gateway.name


def status_callback_url(text) -> str | None:
    base = current_app.config.get("PUBLIC_BASE_URL")
    return f"{base.rstrip('/')}/twilio/status?text={text.id}" if base else None


def record_result(text_id: int, token: str, result: SendResult,
                  provider: str | None = None) -> None:
    """Write the outcome, if this sender still owns the row (a status callback may be first)."""
    now, config = clock.now(), current_app.config
    text = db.session.get(OutboxText, text_id)
    values = {"status": result.status, "status_at": now, "error_code": result.error_code,
              "error_message": result.error_message, "provider_error": result.provider_error}
    if provider:
        values["provider"] = provider
    if result.status == TextStatus.QUEUED:
        if text.attempts >= int(config["SMS_MAX_ATTEMPTS"]):
            values.update(status=TextStatus.FAILED,
                          error_message="gave up: Twilio kept failing or limiting the rate"
                          if (provider or "twilio") == "twilio" else
                          "gave up: the SMS provider kept failing or limiting the rate")
        else:
            values.update(next_attempt_at=now + backoff(text.attempts),
                          needs_lookup=text.needs_lookup or result.ambiguous)
    else:
        values.update(twilio_sid=result.sid, needs_lookup=False, claim_token=None)
        if result.sid or result.status in WENT_OUT:
            values["sent_at"] = now
    owned = db.session.execute(
        update(OutboxText).where(OutboxText.id == text_id, OutboxText.claim_token == token,
                                 OutboxText.status == TextStatus.SENDING)
        .values(**values).execution_options(synchronize_session=False)
    ).rowcount
    if owned and result.error_code == OPTED_OUT:
        opt_out_phone(text.to_e164, text.school_id)
    db.session.commit()
    log.info("text %s to %s: %s%s", text_id, mask(text.to_e164), values["status"],
             f" (error {result.error_code})" if result.error_code else "")


def backoff(attempts: int) -> timedelta:
    """Exponential backoff with jitter: about base·2ⁿ, capped, between half and all of it."""
    config = current_app.config
    ceiling = min(float(config["SMS_BACKOFF_MAX_SECONDS"]),
                  float(config["SMS_BACKOFF_BASE_SECONDS"]) * 2 ** max(attempts - 1, 0))
    return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))  # noqa: S311


def opt_out_phone(phone: str, school_id: int) -> int:
    """Every guardian of the school with this number stops getting texts."""
    guardians = db.session.scalars(
        db.select(Guardian).where(Guardian.school_id == school_id, Guardian.phone_e164 == phone,
                                  Guardian.opted_out_at.is_(None))
    ).all()
    for guardian in guardians:
        guardian.opted_out_at = clock.now()
        audit.record("guardian.opted_out", guardian, before={"opted_out": False},
                     after={"opted_out": True, "via": "twilio 21610"})
    return len(guardians)


def _count(stats: SendStats, result: SendResult) -> None:
    stats.outcomes.append(result.status)
    if result.status == TextStatus.QUEUED:
        stats.retried += 1
    elif result.status == TextStatus.FAILED:
        stats.failed += 1
    elif result.status == TextStatus.NOT_SENT:
        stats.not_sent += 1
    elif result.status == TextStatus.CANCELLED:
        stats.cancelled += 1
    else:
        stats.sent += 1
