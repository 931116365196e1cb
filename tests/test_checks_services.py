"""save_check: one check per day and kind, defaults and linkage, conflicts, audit, edit window."""

from datetime import date

import pytest
from sqlalchemy import event

from rollcall.checks import services, summary
from rollcall.checks.models import Check, CheckEntry
from rollcall.checks.validation import CheckInvalid, UnknownStudents
from rollcall.checks.window import NotEditable, correction_cutoff
from rollcall.custody.models import ConfiscatedItem
from rollcall.extensions import db
from rollcall.family import contacts
from rollcall.models import AuditLog
from tests.checks_support import DAY, YESTERDAY, at, homeroom, numbers, school_time, user


def save(school, kind, entries, version=None, role="teacher", day=DAY, **kwargs):
    return services.save_check(homeroom(school), day, kind, entries, version,
                               user(school, role), **kwargs)


def statuses(check) -> dict[str, str]:
    return {e.student.student_number: e.status for e in check.entries}


def test_an_empty_submission_records_everyone_with_the_default(app, school):
    with app.app_context(), school_time(7, 40):
        check = save(school, "attendance", [])
        assert set(statuses(check).values()) == {"present"}
        assert len(check.entries) == 5 and check.version == 1
        assert check.submitted_by.username == "t.wang"


def test_every_attendance_status_is_stored_with_its_details(app, school):
    with app.app_context(), school_time(8, 20):
        n = numbers(school)
        check = save(school, "attendance", [
            {"student_number": n[0], "status": "late", "arrived_at": "08:12"},
            {"student_number": n[1], "status": "absent"},
            {"student_number": n[2], "status": "excused", "reason": "发烧，家长请假"},
        ])
        entries = {e.student.student_number: e for e in check.entries}
        assert entries[n[0]].arrived_at == at(8, 12)
        assert entries[n[1]].status == "absent"
        assert entries[n[2]].reason == "发烧，家长请假"
        assert entries[n[3]].status == "present"


def test_bag_finding_and_dismissal_exception_are_stored(app, school):
    with app.app_context(), school_time(17, 20):
        n = numbers(school)
        bag = save(school, "bag", [{"student_number": n[0], "status": "found",
                                    "category": "knife", "description": "折叠刀",
                                    "action": "handed_to_office"},
                                   {"student_number": n[1], "status": "not_checked"}])
        sweep = save(school, "dismissal", [{"student_number": n[2], "status": "on_campus",
                                            "location": "操场", "reason": "lingering",
                                            "action": "劝离"}])
        found = {e.student.student_number: e for e in bag.entries}[n[0]]
        assert (found.category, found.description, found.action) == (
            "knife", "折叠刀", "handed_to_office")
        stayed = {e.student.student_number: e for e in sweep.entries}[n[2]]
        assert (stayed.status, stayed.location, stayed.reason) == ("on_campus", "操场",
                                                                   "lingering")
        assert sweep.campus_checked_at == at(17, 20)


def test_not_here_in_the_bag_check_starts_absent_in_attendance(app, school):
    with app.app_context(), school_time(7, 40):
        n = numbers(school)
        save(school, "bag", [{"student_number": n[1], "status": "not_checked"}])
        attendance = save(school, "attendance", [])
        assert statuses(attendance)[n[1]] == "absent"
        assert statuses(attendance)[n[0]] == "present"


def test_absent_in_attendance_is_not_checked_in_the_bag_check(app, school):
    with app.app_context(), school_time(7, 40):
        n = numbers(school)
        save(school, "attendance", [{"student_number": n[3], "status": "excused",
                                     "reason": "看病"}])
        bag = save(school, "bag", [])
        assert statuses(bag)[n[3]] == "not_checked"
        assert statuses(bag)[n[0]] == "clear"


def test_the_dismissal_sweep_covers_only_students_here_today(app, school):
    with app.app_context(), school_time(17, 0):
        n = numbers(school)
        save(school, "attendance", [{"student_number": n[0], "status": "absent"}])
        sweep = save(school, "dismissal", [])
        assert n[0] not in statuses(sweep) and len(sweep.entries) == 4
        with pytest.raises(CheckInvalid) as raised:
            save(school, "dismissal", [{"student_number": n[0], "status": "left"}],
                 version=sweep.version)
        assert raised.value.errors[0].field == "entries[0].student_number"


def test_a_repeat_of_the_same_submission_changes_nothing(app, school):
    with app.app_context(), school_time(7, 40):
        n = numbers(school)
        entries = [{"student_number": n[0], "status": "late"}]
        first = save(school, "attendance", entries)
        again = save(school, "attendance", entries)  # double tap: still version None
        assert again.id == first.id and again.version == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Check)) == 1


def test_a_stale_version_is_a_conflict_and_writes_nothing(app, school):
    with app.app_context(), school_time(7, 40):
        n = numbers(school)
        check = save(school, "attendance", [])
        save(school, "attendance", [{"student_number": n[0], "status": "absent"}], version=1,
             role="office")
        with pytest.raises(services.CheckConflict) as raised:
            save(school, "attendance", [{"student_number": n[1], "status": "absent"}],
                 version=1)
        assert raised.value.current.updated_by.username == "office.zhang"
        db.session.expire_all()
        assert statuses(db.session.get(Check, check.id))[n[1]] == "present"


def test_creating_a_check_that_exists_is_a_conflict(app, school):
    with app.app_context(), school_time(7, 40):
        n = numbers(school)
        save(school, "bag", [])
        with pytest.raises(services.CheckConflict):
            save(school, "bag", [{"student_number": n[0], "status": "not_checked"}])


@pytest.mark.parametrize(("entry", "field"), [
    ({"status": "gone"}, "status"),
    ({"status": "clear"}, "status"),  # a bag status in attendance
    ({"status": "excused"}, "reason"),
    ({"status": "excused", "reason": "x" * 201}, "reason"),
    ({"status": "late", "arrived_at": "yesterday"}, "arrived_at"),
    ({"status": "late", "arrived_at": "2027-03-01T08:00:00+08:00"}, "arrived_at"),
    ({"status": "late", "arrived_at": "09:30"}, "arrived_at"),  # in the future
    ({"status": "present", "category": "knife"}, "category"),
    ({"status": "late", "arrived_at": 815}, "arrived_at"),
])
def test_invalid_attendance_entries_are_refused_with_the_field(app, school, entry, field):
    with app.app_context(), school_time(8, 20):
        entry = {"student_number": numbers(school)[0]} | entry
        with pytest.raises(CheckInvalid) as raised:
            save(school, "attendance", [entry])
        assert raised.value.errors[0].field == f"entries[0].{field}"
        assert db.session.scalar(db.select(db.func.count()).select_from(Check)) == 0


@pytest.mark.parametrize(("kind", "entry", "field"), [
    ("bag", {"status": "found", "action": "other"}, "category"),
    ("bag", {"status": "found", "category": "bomb", "action": "other"}, "category"),
    ("bag", {"status": "found", "category": "fire"}, "action"),
    ("dismissal", {"status": "on_campus", "reason": "lingering"}, "location"),
    ("dismissal", {"status": "on_campus", "location": "操场", "reason": "why"}, "reason"),
])
def test_invalid_bag_and_dismissal_entries_are_refused(app, school, kind, entry, field):
    with app.app_context(), school_time(8, 20):
        with pytest.raises(CheckInvalid) as raised:
            save(school, kind, [{"student_number": numbers(school)[0]} | entry])
        assert raised.value.errors[0].field == f"entries[0].{field}"


def test_a_student_of_another_class_is_refused(app, school):
    with app.app_context(), school_time(7, 40):
        other = numbers(school, "room2")[0]
        with pytest.raises(UnknownStudents):
            save(school, "attendance", [{"student_number": other, "status": "absent"}])
        assert db.session.scalar(db.select(db.func.count()).select_from(CheckEntry)) == 0


def test_status_since_moves_only_when_the_status_changes(app, school):
    with app.app_context():
        n = numbers(school)
        with school_time(7, 55):
            save(school, "attendance", [{"student_number": n[0], "status": "absent"}])
        with school_time(8, 40):
            check = save(school, "attendance", [
                {"student_number": n[0], "status": "late", "arrived_at": "08:40"},
                {"student_number": n[1], "status": "present"}], version=1)
        entries = {e.student.student_number: e for e in check.entries}
        assert entries[n[0]].status_since == at(8, 40)
        assert entries[n[0]].arrived_at == at(8, 40)
        assert entries[n[1]].status_since == at(7, 55)


def test_every_changed_entry_is_audited_before_and_after(app, school):
    with app.app_context():
        n = numbers(school)
        with school_time(7, 55):
            check = save(school, "attendance", [{"student_number": n[0], "status": "absent"}])
        with school_time(8, 40):
            save(school, "attendance", [{"student_number": n[0], "status": "late",
                                         "arrived_at": "08:40"}], version=1)
        history = summary.check_history(check)
        assert [h.action for h in history] == ["check.submit", "check.entry"]
        assert history[0].after["entries"] == {n[0]: {"status": "absent"}}
        assert history[1].before == {"status": "absent", "student_number": n[0]}
        assert history[1].after["status"] == "late"
        assert history[1].after["arrived_at"].startswith("2027-03-02T00:40")
        assert history[1].actor.username == "t.wang"


def test_a_dangerous_finding_is_flagged_for_the_office(app, school):
    with app.app_context(), school_time(7, 40):
        n = numbers(school)
        save(school, "bag", [
            {"student_number": n[0], "status": "found", "category": "knife",
             "action": "handed_to_office"},
            {"student_number": n[1], "status": "found", "category": "tobacco",
             "action": "kept_by_teacher"}])
        room = homeroom(school)
        findings = summary.dangerous_in_bag_check(summary.day_overview(room, DAY, True))
        assert [(f.student.student_number, f.category) for f in findings] == [(n[0], "knife")]
        flagged = db.session.scalars(db.select(AuditLog).where(
            AuditLog.action == "check.dangerous_finding")).all()
        assert [f.after["student_number"] for f in flagged] == [n[0]]
        assert summary.dangerous_in_bag_check(
            summary.day_overview(room, date(2027, 3, 3), True)) == []


@pytest.mark.parametrize(("role", "day", "hour", "allowed"), [
    ("teacher", DAY, 23, True),
    ("teacher", YESTERDAY, 11, True),
    ("teacher", YESTERDAY, 12, False),
    ("teacher", date(2027, 2, 26), 8, False),
    ("office", date(2027, 2, 26), 8, True),
    ("admin", YESTERDAY, 15, True),
    ("office", date(2027, 3, 3), 8, False),  # never a future date
])
def test_who_may_write_which_day(app, school, role, day, hour, allowed):
    with app.app_context(), school_time(hour):
        if allowed:
            assert save(school, "bag", [], role=role, day=day).school_date == day
        else:
            with pytest.raises(NotEditable):
                save(school, "bag", [], role=role, day=day)


def test_monday_may_correct_friday_until_the_schools_cutoff(app, school):
    with app.app_context():
        homeroom(school).school.settings = {"correction_cutoff": "09:00"}
        db.session.commit()
        assert str(correction_cutoff(homeroom(school).school)) == "09:00:00"
        with school_time(8, 59, YESTERDAY):
            save(school, "bag", [], day=date(2027, 2, 26))
        with school_time(9, 0, YESTERDAY), pytest.raises(NotEditable):
            save(school, "attendance", [], day=date(2027, 2, 26))


def test_contacts_are_logged_and_reported_per_student(app, school):
    with app.app_context(), school_time(8, 20):
        student = homeroom(school).students[0]
        contacts.log_contact(student, DAY, user(school), person="母亲", method="phone",
                             outcome="reason_given", contacted_at=at(8, 15), note="发烧")
        ids = [s.id for s in homeroom(school).students]
        assert contacts.contact_logged(ids, DAY) == {student.id}
        assert contacts.contact_logged(ids, YESTERDAY) == set()
        assert contacts.contacts_for(ids, DAY)[0].note == "发烧"
        assert db.session.scalar(db.select(AuditLog.action).where(
            AuditLog.object_type == "ContactLog")) == "contact.log"


def test_two_first_submissions_at_once_make_one_check_and_a_conflict(app, school):
    with app.app_context(), school_time(7, 40):
        n = numbers(school)
        save(school, "attendance", [])
        # The second request got past its read before the first one committed.
        target = services.default_entries(homeroom(school), DAY, "attendance",
                                          homeroom(school).students)
        target[homeroom(school).students[0].id]["status"] = "absent"
        with pytest.raises(services.CheckConflict) as raised:
            services._create(homeroom(school), DAY, "attendance", target, user(school), True)
        assert raised.value.current.version == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Check)) == 1
        assert statuses(raised.value.current)[n[0]] == "present"


def test_a_correction_returns_the_check_as_saved_and_the_next_save_follows_it(app, school):
    with app.app_context():
        n = numbers(school)
        with school_time(7, 40):
            save(school, "attendance", [{"student_number": n[0], "status": "absent"}])
        with school_time(8, 10):
            corrected = save(school, "attendance", [{"student_number": n[0], "status": "late",
                                                     "arrived_at": "08:05"}],
                             version=1, role="office")
            shown = (corrected.version, corrected.updated_at, corrected.updated_by.username,
                     statuses(corrected))
        db.session.expire_all()
        stored = db.session.get(Check, corrected.id)
        assert shown == (stored.version, stored.updated_at, stored.updated_by.username,
                         statuses(stored))
        assert shown[:3] == (2, at(8, 10), "office.zhang") and shown[3][n[0]] == "late"
        with school_time(8, 20):  # the version the correction returned is the saved one
            again = save(school, "attendance", [{"student_number": n[1], "status": "absent"}],
                         version=corrected.version)
        assert again.version == 3 and statuses(again)[n[1]] == "absent"


def test_a_finding_added_by_a_correction_opens_one_custody_trail(app, school):
    with app.app_context(), school_time(7, 40):
        n = numbers(school)
        save(school, "bag", [])
        finding = {"student_number": n[0], "status": "found", "category": "tobacco",
                   "description": "烟", "action": "kept_by_teacher"}
        check = save(school, "bag", [finding], version=1)
        save(school, "bag", [finding | {"description": "一包烟"}], version=check.version)
        items = db.session.scalars(db.select(ConfiscatedItem)).all()
        assert [(i.check_id, i.student.student_number, i.state, i.description)
                for i in items] == [(check.id, n[0], "with_teacher", "烟")]
        assert [(e.state, e.recorded_by.username) for e in items[0].events] == [
            ("with_teacher", "t.wang")]
        opened = db.session.scalars(db.select(AuditLog).where(
            AuditLog.action == "custody.open")).all()
        assert [(a.object_type, a.object_id, a.after, a.actor.username) for a in opened] == [
            ("ConfiscatedItem", str(items[0].id),
             {"student_id": items[0].student_id, "state": "with_teacher"}, "t.wang")]


def test_a_save_decides_from_the_days_rows_without_loading_their_entries(app, school):
    # A bag save reads attendance's statuses (who is absent) and a second save its own rows
    # as plain rows: neither loads the day's entries as ORM objects, one per student.
    loaded = []

    def count(entry, context):
        loaded.append(entry.student_id)

    with app.app_context(), school_time(7, 40):
        n = numbers(school)
        save(school, "attendance", [{"student_number": n[0], "status": "absent"}])
        event.listen(CheckEntry, "load", count)
        try:
            save(school, "bag", [{"student_number": n[1], "status": "found",
                                  "category": "tobacco", "action": "kept_by_teacher"}])
            save(school, "bag", [{"student_number": n[2], "status": "not_checked"}], version=1)
            save(school, "attendance", [{"student_number": n[3], "status": "absent"}],
                 version=1)
        finally:
            event.remove(CheckEntry, "load", count)
        assert loaded == []
        bag = statuses(services.find_check(homeroom(school).id, DAY, "bag"))
        assert [bag[number] for number in n[:5]] == ["not_checked", "found", "not_checked",
                                                     "not_checked", "clear"]
