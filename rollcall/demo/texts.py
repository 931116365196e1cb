"""Past parent texts for the demo school, so the office's list of texts has a history.

Deterministic and drawing nothing from the demo's random generator, so the rest of the demo
(names, absences, findings) comes out exactly as before.
"""

from datetime import timedelta

from rollcall.checks.models import AttendanceStatus, Check, CheckKind
from rollcall.extensions import db
from rollcall.jobs.absence_texts import Recipient, compose_body
from rollcall.notify.models import OutboxStudent, OutboxText, SmsReply, TextKind, TextStatus
from rollcall.notify.settings import text_settings

REPLIES = ("孩子发烧了，今天请假", "收到，马上联系孩子", "在路上了，堵车")


def add_past_texts(school) -> int:
    """An absence text for each unexcused absence of the history: most delivered, every
    fourth failed (the office should phone), and a few with a parent's reply."""
    settings = text_settings(school)
    checks = sorted((obj for obj in db.session.new if isinstance(obj, Check)
                     and obj.kind == CheckKind.ATTENDANCE),
                    key=lambda check: (check.school_date, check.homeroom.name))
    count = 0
    for check in checks:
        for entry in (e for e in check.entries if e.status == AttendanceStatus.ABSENT):
            guardian = entry.student.guardian_links[0].guardian
            recipient = Recipient(guardian.phone_e164, guardian.id, guardian.language,
                                  [(entry.student, entry)])
            at = check.submitted_at + timedelta(minutes=settings.delay_minutes + 1)
            failed = count % 4 == 3
            text = OutboxText(
                school=school, school_date=check.school_date, kind=TextKind.ABSENCE,
                to_e164=guardian.phone_e164, guardian=guardian, language=guardian.language,
                body=compose_body(school, settings, check.school_date, TextKind.ABSENCE,
                                  recipient),
                status=TextStatus.FAILED if failed else TextStatus.DELIVERED, attempts=1,
                next_attempt_at=at, created_at=at, status_at=at + timedelta(seconds=20),
                sent_at=None if failed else at,
                twilio_sid=None if failed else f"SMdemo{count:026d}",
                error_code=21614 if failed else None,
                error_message="not a mobile number" if failed else None)
            text.students = [OutboxStudent(student=entry.student, school_date=check.school_date,
                                           kind=TextKind.ABSENCE, to_e164=guardian.phone_e164)]
            db.session.add(text)
            if count % 3 == 0 and not failed:
                db.session.add(SmsReply(
                    school=school, school_date=check.school_date, text=text, guardian=guardian,
                    from_e164=guardian.phone_e164, body=REPLIES[count // 3 % len(REPLIES)],
                    twilio_sid=f"SMdemoreply{count:021d}", received_at=at + timedelta(minutes=4)))
            count += 1
    return count
