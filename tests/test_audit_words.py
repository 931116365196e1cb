"""The audit trail speaks in names and the users' words: every kind of change the code can
write, rendered in both languages, holds no stored code, no bare id and no ISO timestamp."""

import ast
import pathlib
import re

import pytest
from flask_babel import force_locale

from rollcall import audit
from rollcall.extensions import db
from rollcall.models import AuditLog, AuditRule, Guardian
from rollcall.office.audit_sentences import audit_cards
from tests import factories
from tests.checks_support import DAY, at

SOURCE = pathlib.Path(__file__).parent.parent / "rollcall"
WRITERS = {"record", "row", "update", "create", "save"}  # audit.record/row, admin services


def written_actions() -> set[str]:
    """Every audit action a call in the code names (admin's `save` writes two)."""
    actions = set()
    for path in SOURCE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in WRITERS):
                continue
            named = [kw.value for kw in node.keywords if kw.arg == "action"]
            if node.func.attr in ("record", "row") and node.args:
                named.append(node.args[0])
            for arg in named:
                for constant in ast.walk(arg):
                    if isinstance(constant, ast.Constant) and isinstance(constant.value, str) \
                            and re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", constant.value):
                        if node.func.attr == "save":
                            actions |= {f"{constant.value}.create", f"{constant.value}.update"}
                        else:
                            actions.add(constant.value)
    return actions


def samples(ids) -> dict[str, list[dict]]:
    """Each action as the code writes it: (object type, before, after[, rule])."""
    student, other, room, teacher, office, guardian, check, item = (
        ids["student"], ids["other"], ids["room"], ids["teacher"], ids["office"],
        ids["guardian"], ids["check"], ids["item"])
    number = ids["number"]
    when = "2027-03-02T00:35:00+00:00"
    entry = {"status": "found", "category": "knife", "description": "小刀",
             "action": "handed_to_office", "student_number": number}
    return {
        "admin.calendar.mark": [("CalendarDay", {"2027-03-05": {"school_day": True,
                                                                "name": "补课"}},
                                 {"days": ["2027-03-05", "2027-03-06"], "cleared": [],
                                  "school_day": False, "name": "清明"})],
        "admin.calendar.unmark": [("CalendarDay", {"day": "2027-04-05", "school_day": False,
                                                   "name": "清明"}, None)],
        "admin.guardian.contact_order": [("Guardian", {"student_id": student, "contact_order": 1},
                                          {"student_id": student, "contact_order": 2})],
        "admin.guardian.create": [("Guardian", None, {
            "name": "李妈妈", "relationship_label": "母亲", "language": "zh_Hans",
            "absence_texts": True, "phone_e164": "+8613812345678",
            "phone_raw": "138 1234 5678"})],
        "admin.guardian.update": [("Guardian", {"language": "zh_Hans", "absence_texts": True},
                                   {"language": "en", "absence_texts": False})],
        "admin.guardian.unlink": [("Guardian", {"student_id": student, "contact_order": 1},
                                   None)],
        "admin.homeroom.create": [("Homeroom", None, {"name": "九年级3班", "grade": 9,
                                                      "graduating": True, "active": True,
                                                      "teachers": [teacher]})],
        "admin.homeroom.update": [("Homeroom", {"teachers": [teacher]},
                                   {"teachers": [teacher, office]})],
        "admin.school.update": [("School", {
            "phone": None, "timezone": "Asia/Shanghai", "locale": "zh_Hans",
            "bag_check_cutoff": "07:30:00", "attendance_cutoff": "08:15:00",
            "dismissal_cutoff": "17:30:00", "alert_delay_minutes": 20,
            "sms_window": "07:00-21:00"}, {
            "phone": "+861012345678", "timezone": "Asia/Urumqi", "locale": "en",
            "bag_check_cutoff": "07:45:00", "attendance_cutoff": "08:30:00",
            "dismissal_cutoff": "18:00:00", "alert_delay_minutes": 30,
            "sms_window": "08:00-20:00"})],
        "admin.student.create": [("Student", None, {"student_number": "S9001", "name": "新同学",
                                                    "seat": 40, "homeroom_id": room,
                                                    "active": True})],
        "admin.student.update": [("Student", {"homeroom_id": room, "active": True},
                                  {"homeroom_id": ids["room2"], "active": False})],
        "admin.user.create": [("User", None, {"display_name": "赵老师", "role": "teacher",
                                              "active": True, "homerooms": [room],
                                              "phone_e164": None})],
        "admin.user.update": [("User", {"role": "teacher", "homerooms": [room]},
                               {"role": "office", "homerooms": [room, ids["room2"]]})],
        "admin.user.password": [("User", None, {"password_changed": True})],
        "api_token.create": [("ApiToken", None, {"user": "office1", "prefix": "rc_Q3vX9kL"})],
        "api_token.revoke": [("ApiToken", {"prefix": "rc_Q3vX9kL"}, None)],
        "case.close": [("MissingCase", {"outcome": None}, {"outcome": "found_at_home"})],
        "case.note": [("MissingCase", None, {"event_id": 77})],
        "case.open": [("MissingCase", None, {"student_id": student, "date": DAY.isoformat(),
                                             "trigger": "not_found", "texts": 2})],
        "case.sweep_changed": [("MissingCase", {"status": "not_found"}, {"status": "left"})],
        "case.raised_again": [("MissingCase", None, {"trigger": "family_unaware",
                                                     "date": DAY.isoformat()})],
        "conflict.record": [("Conflict", None, {
            "homeroom_id": room, "week": "2027-03-01", "screening_id": 5,
            "students": [student, other], "severity": "needs_mediation",
            "state": "open"})],
        "conflict.update": [("Conflict", {"state": "open", "office_owner_id": None},
                             {"state": "escalated", "office_owner_id": office})],
        "contact.log": [("ContactLog", None, {
            "student_id": student, "date": DAY.isoformat(), "person": "李妈妈",
            "method": "phone", "outcome": "reason_given", "contacted_at": when}),
            ("ContactLog", None, {"student_id": student, "date": DAY.isoformat(),
                                  "reason": "bag_finding", "method": "home_visit",
                                  "follow_up_on": "2027-03-09"})],
        "contacts.guardian.update": [("Guardian", {"absence_texts": True, "phone_raw": None},
                                      {"absence_texts": False, "phone_raw": "138 1234 5678"})],
        "custody.move": [("ConfiscatedItem", {"state": "with_office"}, {
            "state": "returned", "at": when, "received_by_id": office,
            "guardian_id": guardian})],
        "custody.open": [("ConfiscatedItem", None, {"student_id": student,
                                                    "state": "with_teacher"})],
        "guardian.opted_in": [("Guardian", {"opted_out": True},
                               {"opted_out": False, "via": "sms"})],
        "guardian.opted_out": [("Guardian", {"opted_out": False},
                                {"opted_out": True, "via": "twilio 21610"})],
        "parent_meeting.record": [("ParentMeeting", None, {
            "homeroom_id": room, "date": DAY.isoformat(), "attended": [student, other]})],
        "roster.import": [("School", None, {
            "file": "roster.xlsx", "format": "xlsx", "full": True, "via": "web",
            "counts": {"students": {"added": 3, "updated": 1, "deactivated": 0},
                       "homerooms": {"added": 1}, "guardians": {}, "teachers": {}},
            "students": 40, "warnings": 2})],
        "school.case_settings": [("School", {"duty_phones": [], "unreached_by": None},
                                  {"duty_phones": ["+86*********78"],
                                   "unreached_by": "10:00"})],
        "school.screening_settings": [("School", {}, {"weekday": 4, "time": "17:00"})],
        "notify.test_text": [("OutboxText", None, {"phone": "+86*********01"})],
        "school.text_settings": [("School", {
            "alert_delay_minutes": 20, "sms_window": "", "send_time": "", "fan_out": "first",
            "follow_up": True, "absence_zh": "旧", "provider": "",
            "code_absence": ""}, {
            "alert_delay_minutes": 30, "sms_window": "07:00-21:00", "send_time": "09:00",
            "fan_out": "all", "follow_up": False, "absence_zh": "新", "provider": "aliyun",
            "code_absence": "SMS_123456"})],
        "screening.record": [("Screening", None, {"homeroom_id": room, "week": "2027-03-01",
                                                  "no_conflicts": True})],
        "user.created": [("User", None, {"username": "zhao", "role": "teacher",
                                         "homerooms": ["九年级1班"]})],
        "user.password_changed": [("User", None, None)],
        "user.sessions_ended": [("User", None, {"sessions": ["iPhone Safari"]})],
        "watch.add": [("WatchEntry", None, {"student_id": student, "reason": "truancy",
                                            "review_on": "2027-03-16"})],
        "watch.close": [("WatchEntry", {"open": True}, {"open": False})],
        "watch.note": [("WatchEntry", {"review_on": "2027-03-16"},
                        {"note_id": 9, "day": DAY.isoformat(), "review_on": "2027-03-23"})],
        "check.submit": [("Check", None, {"kind": "bag", "date": DAY.isoformat(),
                                          "entries": {number: entry}}, None, check)],
        "check.entry": [("Check", {"status": "clear", "student_number": number}, entry,
                         None, check),
                        ("Check", {"status": "clear", "student_number": number},
                         {"status": "not_checked", "student_number": number},
                         AuditRule.ABSENT_AT_ATTENDANCE, check)],
        "check.dangerous_finding": [("Check", None, {
            "student_number": number, "category": "knife", "description": "小刀",
            "action": "handed_to_office"}, None, check)],
        "check.campus_checked": [("Check", None, {"at": when}, None, check)],
    } | {"_item": item}


SNAKE = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}")
BARE_ID = re.compile(r"(?:: |：)\d+(?: → \d+)?$")  # "Student: 13"
# Fields whose value is a count or a number a person typed, not a reference.
NUMBERS = ("Seat", "Grade", "Contact order", "Warnings", "Students", "Texts to the on-duty",
           "Minutes", "座", "年级", "顺序", "警告", "学生", "短信", "分钟")


@pytest.fixture
def every_kind(app, school):
    """One audit row of every kind the code writes, as the code writes it."""
    room = school.homeroom_ids["room1"]
    with app.app_context():
        guardian = Guardian(school_id=school.school_id, name="李爸爸", sms_consent=True)
        db.session.add(guardian)
        db.session.commit()
        check = factories.record_check(room, DAY, "bag", submitted_at=at(7, 30),
                                       teacher_id=school.user_ids["teacher"])
        from rollcall.models import Student
        pupil = db.session.get(Student, school.student_ids["room1"][0])
        ids = {"student": pupil.id, "other": school.student_ids["room1"][1], "room": room,
               "room2": school.homeroom_ids["room2"], "teacher": school.user_ids["teacher"],
               "office": school.user_ids["office"], "guardian": guardian.id,
               "check": check, "item": 1, "number": pupil.student_number}
        kinds = samples(ids)
        kinds.pop("_item")
        rows = []
        for action, writes in kinds.items():
            for written in writes:
                object_type, before, after, *rest = written
                rule, object_id = (rest + [None, None])[:2]
                rows.append(audit.row(action, actor=None if rule else db.session.get(
                    __import__("rollcall.models", fromlist=["User"]).User,
                    school.user_ids["office"]), school_id=school.school_id,
                    object_type=object_type, object_id=object_id or 1, before=before,
                    after=after, rule=rule))
        audit.insert_rows(rows)
        db.session.commit()
        return set(kinds), pupil.name


def test_every_kind_the_code_writes_has_a_sample():
    assert written_actions() - set(samples(dict.fromkeys(
        ("student", "other", "room", "room2", "teacher", "office", "guardian", "check",
         "item", "number")))) == set()


@pytest.mark.parametrize("locale", ["zh_Hans", "en"])
def test_every_audit_entry_reads_in_names_and_words(app, school, every_kind, locale):
    kinds, student_name = every_kind
    with app.test_request_context(), force_locale(locale):
        rows = list(db.session.scalars(db.select(AuditLog).order_by(AuditLog.id)))
        cards = audit_cards(rows)
        assert {card.row.action for card in cards} == kinds
        for card in cards:
            lines = [card.who, card.sentence, *card.details]
            text = "\n".join(lines)
            problems = (SNAKE.findall(text) + ISO.findall(text)
                        + [line for line in card.details if BARE_ID.search(line)
                           and not any(word in re.split("：|: ", line)[0]
                                       for word in NUMBERS)]
                        + [mark for mark in "[]{}" if mark in text]
                        + [gone for gone in ("object at", "(removed)", "（已删除）", "None")
                           if gone in text])
            assert not problems, (card.row.action, problems, text)
        student_lines = "\n".join(
            "\n".join([card.sentence, *card.details]) for card in cards
            if card.row.action in ("case.open", "watch.add", "custody.open"))
        assert student_lines.count(student_name) == 3
