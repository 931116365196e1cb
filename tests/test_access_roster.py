"""Access matrix for the admin pages (admin only) and guardian contacts (office edits,
teachers read their own class)."""

from datetime import date

import pytest

from rollcall.extensions import db
from rollcall.models import CalendarDay, Student
from tests.access_matrix import Row, assert_access, matrix_cases, signed_in


def admin_only(status=200, **exceptions):
    return signed_in(403, admin=status, **exceptions)


def room1(s):
    return s.homeroom_ids["room1"]


def pupil(s):
    return s.student_ids["room1"][0]


def guardian(s):
    return s.guardian_id


ADMIN_ROWS = [
    Row("GET", lambda s: "/admin/", admin_only()),
    Row("GET", lambda s: "/admin/homerooms/new", admin_only()),
    Row("GET", lambda s: f"/admin/homerooms/{room1(s)}", admin_only()),
    Row("POST", lambda s: f"/admin/homerooms/{room1(s)}", admin_only(200), data={"name": ""}),
    Row("GET", lambda s: f"/admin/homerooms/{s.homeroom_ids['other']}", admin_only(404)),
    Row("GET", lambda s: "/admin/students/new", admin_only()),
    Row("GET", lambda s: f"/admin/students/{pupil(s)}", admin_only()),
    Row("POST", lambda s: f"/admin/students/{pupil(s)}", admin_only(200), data={"name": ""}),
    Row("GET", lambda s: f"/admin/students/{s.student_ids['other'][0]}", admin_only(404)),
    Row("GET", lambda s: f"/admin/students/{pupil(s)}/guardians/new", admin_only()),
    Row("POST", lambda s: f"/admin/students/{pupil(s)}/guardians/{guardian(s)}/order",
        admin_only(302), data={"contact_order": "2"}),
    Row("POST", lambda s: f"/admin/students/{pupil(s)}/guardians/{guardian(s)}/unlink",
        admin_only(302)),
    Row("POST", lambda s: f"/admin/students/{s.student_ids['other'][0]}/guardians/1/unlink",
        admin_only(404)),
    Row("GET", lambda s: "/admin/guardians", admin_only()),
    Row("GET", lambda s: f"/admin/guardians/{guardian(s)}", admin_only()),
    Row("GET", lambda s: "/admin/users", admin_only()),
    Row("GET", lambda s: "/admin/users/new", admin_only()),
    Row("GET", lambda s: f"/admin/users/{s.user_ids['teacher']}", admin_only()),
    Row("GET", lambda s: f"/admin/users/{s.user_ids['other_office']}", admin_only(404)),
    Row("POST", lambda s: f"/admin/users/{s.user_ids['teacher']}/sessions/end-all",
        admin_only(302)),
    Row("POST", lambda s: f"/admin/users/{s.user_ids['teacher']}/sessions/0123456789abcdef/end",
        admin_only(404)),
    Row("POST", lambda s: f"/admin/users/{s.user_ids['other_office']}/sessions/end-all",
        admin_only(404)),
    Row("GET", lambda s: "/admin/school", admin_only()),
    Row("POST", lambda s: "/admin/school", admin_only(200), data={"timezone": "Mars/Base"}),
    Row("GET", lambda s: "/admin/import", admin_only()),
    Row("POST", lambda s: "/admin/import", admin_only(200), data={}),
    Row("POST", lambda s: "/admin/import/confirm", admin_only(302), data={"token": "nope"}),
    Row("GET", lambda s: "/admin/import/format", admin_only()),
    Row("GET", lambda s: "/admin/import/nope/groups", admin_only(302)),
    Row("POST", lambda s: "/admin/import/nope/groups", admin_only(302), data={"way": "title"}),
    Row("GET", lambda s: "/admin/calendar", admin_only()),
    Row("POST", lambda s: "/admin/calendar", admin_only(200), data={"name": ""}),
    Row("POST", lambda s: "/admin/calendar", admin_only(302), data={
        "first_day": "2027-10-08", "school_day": "no", "name": "假"}),
    Row("POST", lambda s: f"/admin/calendar/{s.calendar_ids['own']}/delete", admin_only(302)),
    Row("POST", lambda s: f"/admin/calendar/{s.calendar_ids['other']}/delete",
        admin_only(404)),
]

CONTACT_ROWS = [
    Row("GET", lambda s: "/contacts/", signed_in(200, teacher=403, teacher2=403)),
    Row("GET", lambda s: f"/contacts/guardians/{guardian(s)}",
        signed_in(200, teacher=403, teacher2=403, other_office=404)),
    Row("POST", lambda s: f"/contacts/guardians/{guardian(s)}",
        signed_in(302, teacher=403, teacher2=403, other_office=404),
        data={"phone": "13812345678", "absence_texts": "y"}),
    Row("GET", lambda s: f"/homerooms/{room1(s)}/contacts",
        signed_in(200, teacher2=404, other_office=404)),
]


@pytest.fixture
def roster_school(app, school):
    with app.app_context():
        student = db.session.get(Student, school.student_ids["room1"][0])
        school.guardian_id = student.guardian_links[0].guardian_id
        days = {key: CalendarDay(school_id=school_id, day=date(2027, 10, 1), school_day=False,
                                 name="国庆节")
                for key, school_id in (("own", school.school_id),
                                       ("other", school.other_school_id))}
        db.session.add_all(days.values())
        db.session.commit()
        school.calendar_ids = {key: day.id for key, day in days.items()}
    return school


# The admin's searches match names with ILIKE on PostgreSQL and lower() LIKE on SQLite: they
# run on both databases (tests/dialect_guard.py found them when they were marked any_database).
SEARCH_ROWS = [
    Row("GET", lambda s: "/admin/homerooms?q=1", admin_only()),
    Row("GET", lambda s: "/admin/students?q=学生", admin_only()),
]


@pytest.mark.parametrize(("row", "role"), matrix_cases(SEARCH_ROWS))
def test_roster_search_access(login_as, roster_school, row, role):
    assert_access(login_as, roster_school, row, role)


@pytest.mark.any_database  # checked by tests/dialect_guard.py
@pytest.mark.parametrize(("row", "role"), matrix_cases(ADMIN_ROWS + CONTACT_ROWS))
def test_roster_access(login_as, roster_school, row, role):
    assert_access(login_as, roster_school, row, role)
