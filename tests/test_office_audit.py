"""The audit trail page: filters by person, class, student and date; nothing can change it."""

import re
from datetime import datetime

import pytest

from rollcall import audit, clock
from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Student, User
from tests import factories
from tests.office_helpers import DAY, at


@pytest.fixture
def trail(app, school):
    with app.app_context():
        office = db.session.get(User, school.user_ids["office"])
        teacher = db.session.get(User, school.user_ids["teacher"])
        pupil = db.session.get(Student, school.student_ids["room1"][0])
        other_pupil = db.session.get(Student, school.student_ids["room2"][0])
        room2 = db.session.get(Homeroom, school.homeroom_ids["room2"])
        guardian = pupil.guardian_links[0].guardian
        check_id = factories.record_check(school.homeroom_ids["room1"], DAY, "attendance")
        with clock.frozen(at(8, 0, datetime(2026, 11, 20).date())):
            audit.record("guardian.update", guardian, actor=office,
                         before={"name": "家长1-1"}, after={"name": "李四"})
        with clock.frozen(at(8, 0)):
            audit.record("student.move", other_pupil, actor=office,
                         before={"homeroom": "1班"}, after={"homeroom": "2班"})
            audit.record("homeroom.rename", room2, actor=office,
                         before={"name": "2班"}, after={"name": "九年级2班"})
            audit.record("check.submit", object_type="Check", object_id=check_id,
                         actor=teacher, school_id=school.school_id, after={"absent": 0})
        other = db.session.get(User, school.user_ids["other_office"])
        audit.record("student.update", object_type="Student", object_id=school.student_ids[
            "other"][0], actor=other, school_id=school.other_school_id, after={"x": 1})
        db.session.commit()
        assert isinstance(guardian, Guardian)
    return school


def _actions(client, query=""):
    response = client.get(f"/office/audit?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 200, response.get_data(as_text=True)[-800:]
    html = response.get_data(as_text=True)
    import re

    return re.findall(r'data-action="([\w.]+)"', html), html


def test_every_change_of_the_school_newest_first(trail, login_as):
    actions, html = _actions(login_as("office"))
    assert actions == ["check.submit", "homeroom.rename", "student.move", "guardian.update"]
    assert "Name: 家长1-1 → 李四" in html and "张主任" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("person={teacher}", ["check.submit"]),
    ("person={office}", ["homeroom.rename", "student.move", "guardian.update"]),
    ("homeroom={room1}", ["check.submit"]),
    ("homeroom={room2}", ["homeroom.rename", "student.move"]),
    ("student=学生01", ["student.move", "guardian.update"]),  # one in each class
    ("student=1班001", ["guardian.update"]),
    ("date_from=2026-11-26", ["check.submit", "homeroom.rename", "student.move"]),
    ("date_to=2026-11-25", ["guardian.update"]),
    ("date_from=2026-11-20&date_to=2026-11-20", ["guardian.update"]),
])
def test_filters(trail, login_as, query, expected):
    query = query.format(teacher=trail.user_ids["teacher"], office=trail.user_ids["office"],
                         room1=trail.homeroom_ids["room1"], room2=trail.homeroom_ids["room2"])
    assert _actions(login_as("office"), query)[0] == expected


@pytest.mark.parametrize("query", ["person=abc", "homeroom=99999", "date_from=2026-02-30",
                                   "date_from=2026-11-26&date_to=2026-11-01", "page=-1"])
def test_bad_filters_get_a_clear_error(trail, login_as, query):
    response = login_as("office").get(f"/office/audit?{query}")
    assert response.status_code == 400 and b'class="error"' in response.data


def test_another_schools_person_is_not_a_choice(trail, login_as):
    response = login_as("office").get(f"/office/audit?person={trail.user_ids['other_office']}")
    assert response.status_code == 400


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_trail_cannot_be_changed_from_the_app(trail, login_as, method):
    assert login_as("admin").open("/office/audit", method=method).status_code == 405


def test_no_route_writes_to_the_audit_log(app):
    office_rules = [rule for rule in app.url_map.iter_rules()
                    if rule.endpoint.startswith("office.")]
    assert office_rules
    assert all(rule.methods <= {"GET", "HEAD", "OPTIONS"} for rule in office_rules)


def test_the_student_filter_finds_that_students_check_entry_changes(app, school, login_as):
    from rollcall.checks import services

    first, second = school.student_ids["room1"][:2]
    with app.app_context(), clock.frozen(at(8, 0)):
        teacher = db.session.get(User, school.user_ids["teacher"])
        room1 = db.session.get(Homeroom, school.homeroom_ids["room1"])
        number_1, number_2 = (db.session.get(Student, i).student_number for i in (first, second))
        services.save_check(room1, DAY, "attendance", [
            {"student_number": number_1, "status": "absent"}], None, teacher)
        services.save_check(room1, DAY, "attendance", [
            {"student_number": number_2, "status": "excused", "reason": "看病"}], 1, teacher)
        guardian = db.session.get(Student, second).guardian_links[0].guardian
        audit.record("guardian.update", guardian, actor=teacher, before={"name": "a"},
                     after={"name": "b"})
        db.session.commit()
    client = login_as("office")
    assert _actions(client, f"student={number_1}")[0] == ["check.submit"]
    actions, html = _actions(client, f"student={number_2}")
    assert actions == ["guardian.update", "check.entry"]
    assert "看病" in html


@pytest.mark.parametrize("path", ["/office/audit", "/admin/homerooms?q=nothing-like-this",
                                  "/admin/students?q=nothing-like-this"])
def test_a_list_with_nothing_in_it_counts_nothing(login_as, school, path):
    """A page of nothing says so once, not "More than -1 entries"."""
    client = login_as("admin")
    with clock.frozen(at(9, 0)):
        page = client.get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    text = re.sub(r"<[^>]*>", " ", page)  # its words, not its tags (a CSRF token may hold -1)
    assert "-1" not in text and "More than" not in text
