"""Access matrix for the foundation's own endpoints."""

import pytest
from werkzeug.exceptions import NotFound

from rollcall.access import can_see_student, student_or_404
from rollcall.extensions import db
from rollcall.models import Student, User
from tests.access_matrix import Row, assert_access, everyone, matrix_cases, signed_in

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

ROWS = [
    Row("GET", lambda s: "/", signed_in(302)),  # every role goes on to its start page
    Row("GET", lambda s: "/account/password", signed_in(200)),
    Row("POST", lambda s: "/logout", signed_in(302, anon=302)),
    # one's own phones: a handle naming no session of one's own is not found
    Row("POST", lambda s: "/account/sessions/0123456789abcdef/end", signed_in(404)),
    Row("POST", lambda s: "/account/sessions/end-others", signed_in(302)),
    Row("GET", lambda s: "/login", everyone(302, anon=200)),
    Row("GET", lambda s: "/healthz", everyone(200)),
    Row("GET", lambda s: "/sw.js", everyone(200)),  # the service worker: no data, all static
    Row("POST", lambda s: "/language", everyone(302), data={"locale": "en"}),
    Row("POST", lambda s: "/language", everyone(400), data={"locale": "fr"}),
]


@pytest.mark.parametrize(("row", "role"), matrix_cases(ROWS))
def test_foundation_access(login_as, school, row, role):
    assert_access(login_as, school, row, role)


def test_anonymous_visitor_is_sent_to_sign_in_with_the_page_remembered(client, school):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("who", ["teacher", "teacher2", "office", "admin", "other_office",
                                 "other_teacher"])
def test_a_listed_student_is_shown_to_whom_their_page_opens(app, school, who):
    """access.can_see_student (rows listed: the watch list, the week's notes) and
    student_or_404 (a student loaded by id) are one rule, a student without a class included."""
    with app.app_context():
        homeless = Student(school_id=school.school_id, name="无班学生", student_number="N001")
        db.session.add(homeless)
        db.session.commit()
        user = db.session.get(User, school.user_ids[who])
        for student_id in [*school.student_ids["room1"][:1], *school.student_ids["other"],
                           homeless.id]:
            try:
                opens = student_or_404(user, student_id) is not None
            except NotFound:
                opens = False
            assert can_see_student(user, db.session.get(Student, student_id)) == opens
