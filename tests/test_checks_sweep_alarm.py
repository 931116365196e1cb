"""An emergency is not saved with a routine message: after a sweep with a student "not found",
the teacher sees at once that a missing-student case is open, which on-duty phones were texted
(or that none was, for none is set) and the office's number; in place (the phone's answer) and
on the page."""

from datetime import time

from rollcall.cases import services as cases
from rollcall.extensions import db
from rollcall.models import School
from tests.checks_support import check_url, page, school_time, user

EN = {"Accept-Language": "en"}
JSON = EN | {"Accept": "application/json"}


def not_found(client, school, headers):
    sid = school.student_ids["room1"][0]
    return client.post(check_url(school, "dismissal"), headers=headers, data={
        f"s{sid}": "not_found", "version": ""})


def test_without_an_on_duty_phone_the_panel_says_nobody_was_texted(app, login_as, school):
    with app.app_context():
        db.session.get(School, school.school_id).phone = "+862150001234"
        db.session.commit()
    teacher = login_as("teacher")
    with school_time(17, 35):
        answer = not_found(teacher, school, JSON).get_json()
        shown = page(teacher.get(check_url(school, "dismissal"), headers=EN))
    for html in (answer["html"], shown):
        alarm = html.split('class="card missing-cases sweep-alarm"')[1].split("</section>")[0]
        assert "A missing-student case is open: 学生01" in alarm
        assert "Nobody was texted: no on-duty office phone is set." in alarm
        assert 'href="tel:+862150001234"' in alarm


def test_the_panel_names_the_on_duty_phones_texted(app, login_as, school):
    with app.app_context():
        cases.save_case_settings(db.session.get(School, school.school_id), ["+8613900001111"],
                                 time(9, 0), user(school, "office"))
        db.session.commit()
    teacher = login_as("teacher")
    with school_time(17, 35):
        response = not_found(teacher, school, EN)
        assert response.status_code == 302
        shown = page(teacher.get(check_url(school, "dismissal"), headers=EN))
    assert "Texted to the on-duty office phones: +8613900001111" in shown
    assert "Call the office now." in shown


def test_a_sweep_without_anyone_missing_shows_no_panel(app, login_as, school):
    teacher = login_as("teacher")
    with school_time(17, 35):
        teacher.post(check_url(school, "dismissal"), data={"version": ""}, headers=EN)
        assert "sweep-alarm" not in page(teacher.get(check_url(school, "dismissal"),
                                                      headers=EN))


def test_the_panel_says_so_when_the_on_duty_phones_could_not_be_texted(app, login_as, school,
                                                                        runner):
    """No SMS provider (as in the tests): the duty texts end "not sent", and the teacher's
    panel stops saying only "texted" and gives the numbers to call instead."""
    with app.app_context():
        cases.save_case_settings(db.session.get(School, school.school_id), ["+8613900001111"],
                                 time(9, 0), user(school, "office"))
        db.session.commit()
    teacher = login_as("teacher")
    with school_time(17, 35):
        assert not_found(teacher, school, EN).status_code == 302
        before = page(teacher.get(check_url(school, "dismissal"), headers=EN))
        assert runner.invoke(args=["send-alerts"]).exit_code == 0
        after = page(teacher.get(check_url(school, "dismissal"), headers=EN))
    assert "duty-texts-unsent" not in before  # queued, not yet tried
    alarm = after.split('class="card missing-cases sweep-alarm"')[1].split("</section>")[0]
    assert "The on-duty office may not have been texted about this case: call it yourself." \
        in alarm
    assert 'href="tel:+8613900001111"' in alarm
