"""Smaller truths (issue 23, point 7): a family contact for any student of the class from Today
and the class's contacts page; the sweep's button once saved; the first visit is only the
sign-in page, while a session that ended says so."""

from rollcall.auth.models import UserSession
from rollcall.extensions import db
from tests.checks_support import check_url, page, school_time

EN = {"Accept-Language": "en"}


def test_today_leads_to_a_family_contact_for_any_student(login_as, school):
    teacher = login_as("teacher")
    room = school.homeroom_ids["room1"]
    with school_time(7, 40):
        today = page(teacher.get(f"/homerooms/{room}/today", headers=EN))
        contacts = page(teacher.get(f"/homerooms/{room}/contacts", headers=EN))
        form = teacher.get(f"/students/{school.student_ids['room1'][2]}/family-contacts")
    assert f'<a href="/homerooms/{room}/contacts">Record a family contact</a>' in today
    for student_id in school.student_ids["room1"]:  # nobody absent: every student is there
        assert f'href="/students/{student_id}/family-contacts"' in contacts
    assert 'class="jump-row" id="seat-3"' in contacts
    assert form.status_code == 200


def test_the_sweeps_button_says_it_saves_changes_once_saved(login_as, school):
    teacher = login_as("teacher")
    with school_time(17, 30):
        before = page(teacher.get(check_url(school, "dismissal"), headers=EN))
        teacher.post(check_url(school, "dismissal"), data={"version": ""})
        after = page(teacher.get(check_url(school, "dismissal"), headers=EN))
    assert "Classroom and campus checked: submit" in before
    assert "Classroom and campus checked: save changes" in after
    assert "Classroom and campus checked: submit" not in after


def test_the_first_visit_is_only_the_sign_in_page(client, school):
    response = client.get("/", headers=EN, follow_redirects=True)
    assert response.request.path == "/login"
    assert "flash" not in page(response)


def test_a_session_that_ended_asks_to_sign_in_again(app, login_as, school):
    teacher = login_as("teacher")
    with app.app_context():
        db.session.execute(db.delete(UserSession))
        db.session.commit()
    response = teacher.get(f"/homerooms/{school.homeroom_ids['room1']}/today", headers=EN,
                           follow_redirects=True)
    assert response.request.path == "/login"
    assert "Your session has ended: please sign in again." in page(response)
