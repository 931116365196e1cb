"""The texts an audit row is about, with how each is doing now: a test text to an on-duty
phone, and the on-duty texts of an opened missing-student case. The same words as the texts
pages (notify.text_words): its status, and what it waits for (the scheduler, the sending
window, the SMS provider) or that it failed."""

from rollcall.cases.models import CaseText
from rollcall.extensions import db
from rollcall.models import AuditLog
from rollcall.notify.models import OutboxText
from rollcall.notify.text_words import text_words
from rollcall.phones import mask


def text_lines(rows: list[AuditLog]) -> dict[int, list[str]]:
    """{audit row id: a line per text it is about}, read in one query per kind of row."""
    text_ids = {int(row.object_id): row.id for row in rows
                if row.object_type == "OutboxText" and (row.object_id or "").isdigit()}
    case_ids = {int(row.object_id): row.id for row in rows
                if row.action == "case.open" and (row.object_id or "").isdigit()}
    lines: dict[int, list[str]] = {}
    if text_ids:
        for text in db.session.scalars(db.select(OutboxText).where(
                OutboxText.id.in_(text_ids)).order_by(OutboxText.id)):
            lines.setdefault(text_ids[text.id], []).append(text_line(text))
    if case_ids:
        for link in db.session.scalars(db.select(CaseText).where(
                CaseText.case_id.in_(case_ids)).order_by(CaseText.id).options(
                db.joinedload(CaseText.text))):
            lines.setdefault(case_ids[link.case_id], []).append(text_line(link.text))
    return lines


def text_line(text: OutboxText) -> str:
    """'+86*********78: Waiting to send · Waiting for the SMS provider'."""
    return f"{mask(text.to_e164)}: {text_words(text).state}"
