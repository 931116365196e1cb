"""The class work log: a week with gaps and edits, printable, in both languages."""

from datetime import date

import pytest

from rollcall import clock
from rollcall.extensions import db
from tests import factories
from tests.office_helpers import at

MONDAY, TUESDAY, THURSDAY = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 26)
WEEK = "2026-W48"


def _week(app, school):
    ids = school.student_ids["room1"]
    room, teacher = school.homeroom_ids["room1"], school.user_ids["teacher"]
    with app.app_context():
        for kind, hour in (("bag", 7), ("attendance", 8), ("dismissal", 17)):
            factories.record_check(room, MONDAY, kind, submitted_at=at(hour, 5, MONDAY),
                                   teacher_id=teacher)
        # Tuesday: attendance only, edited twice later by the office.
        factories.record_check(room, TUESDAY, "attendance",
                               {ids[0]: "absent", ids[1]: "late", ids[2]: "excused"},
                               at(7, 58, TUESDAY), teacher, version=3,
                               updated_at=at(9, 12, TUESDAY),
                               updated_by_id=school.user_ids["office"],
                               details={ids[2]: {"reason": "看病"},
                                        ids[1]: {"arrived_at": at(8, 21, TUESDAY)}})
        factories.record_check(room, THURSDAY, "bag", {ids[3]: "found"}, at(7, 44, THURSDAY),
                               teacher, details={ids[3]: {
                                   "category": "tobacco", "description": "香烟半包",
                                   "action": "returned_to_parent"}})
        factories.record_check(room, THURSDAY, "dismissal", {ids[4]: "on_campus"},
                               at(17, 25, THURSDAY), teacher, details={ids[4]: {
                                   "reason": "activity", "location": "体育馆",
                                   "action": "篮球训练"}})


def _get(client, school, week=WEEK, lang="en", room="room1"):
    with clock.frozen(at(18, 0, THURSDAY)):
        return client.get(f"/homerooms/{school.homeroom_ids[room]}/week/{week}",
                          headers={"Accept-Language": lang})


def _day(html, day: date) -> str:
    return html.split(f'id="day-{day.isoformat()}"')[1].split("</section>")[0]


def test_a_week_with_gaps_and_edits(app, school, login_as):
    _week(app, school)
    response = _get(login_as("teacher"), school)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Class work log · 九年级1班" in html and "Week 48 (Nov 23 – Nov 27)" in html
    monday = _day(html, MONDAY)
    assert "07:05" in monday and "08:05" in monday and "17:05" in monday
    assert "王老师" in monday and "Everyone was there." in monday and "Everyone left." in monday
    tuesday = _day(html, TUESDAY)
    assert tuesday.count("Not recorded") == 2  # bag and dismissal
    assert "edited 2 times, last at 09:12 by 张主任" in tuesday
    assert "学生01 · Absent" in tuesday and "学生03 · Excused" in tuesday and "看病" in tuesday
    assert "arrived 08:21" in tuesday
    assert "Parent text: No text was sent" in tuesday
    assert "No check was recorded on this day." in _day(html, date(2026, 11, 25))
    thursday = _day(html, THURSDAY)
    assert "香烟半包" in thursday and "Returned to a parent" in thursday
    assert "体育馆" in thursday and "Authorized activity" in thursday and "篮球训练" in thursday
    assert "Attendance not recorded." in thursday
    assert 'id="day-2026-11-28"' not in html  # an empty Saturday is left out


def test_the_log_is_printable_on_a4(app, school, login_as):
    html = _get(login_as("office"), school).get_data(as_text=True)
    assert 'class="print-a4"' in html and "data-print" in html
    with app.test_client().get("/static/css/rollcall.css") as css:
        assert b"size: A4" in css.data


def test_previous_and_next_weeks_link_across_the_year(app, school, login_as):
    html = _get(login_as("office"), school, week="2026-W53").get_data(as_text=True)
    room = school.homeroom_ids["room1"]
    assert f"/homerooms/{room}/week/2026-W52" in html and f"/homerooms/{room}/week/2027-W01" in html


def test_the_log_speaks_chinese(app, school, login_as):
    _week(app, school)
    html = _get(login_as("teacher"), school, lang="zh-CN").get_data(as_text=True)
    assert "班主任工作手册" in html and "未记录" in html


@pytest.mark.parametrize("week", ["2026-48", "2026-W54", "2025-W53", "2026-W00", "w48", "x"])
def test_a_week_that_does_not_exist_is_404(app, school, login_as, week):
    assert _get(login_as("office"), school, week=week).status_code == 404


def test_this_week_redirects_to_its_iso_week(app, school, login_as):
    client = login_as("teacher")
    with clock.frozen(at(9, 0, THURSDAY)):
        response = client.get(f"/homerooms/{school.homeroom_ids['room1']}/week")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/week/{WEEK}")


@pytest.mark.parametrize(("who", "room", "status"), [
    ("teacher", "room1", 200), ("teacher", "room2", 404), ("teacher2", "room1", 404),
    ("office", "room2", 200), ("admin", "room1", 200), ("other_office", "room1", 404),
])
def test_teachers_print_their_own_class_and_the_office_any(school, login_as, who, room, status):
    assert _get(login_as(who), school, room=room).status_code == status


def test_the_week_shows_how_each_familys_parents_were_reached(app, school, login_as):
    from rollcall.family.contacts import log_contact
    from rollcall.models import Student, User
    from rollcall.notify.models import OutboxStudent, OutboxText, SmsReply

    _week(app, school)
    pupil_id = school.student_ids["room1"][0]
    with app.app_context():
        pupil = db.session.get(Student, pupil_id)
        phone = pupil.guardian_links[0].guardian.phone_e164
        text = OutboxText(school_id=school.school_id, school_date=TUESDAY, kind="absence",
                          to_e164=phone, body="…", status="delivered",
                          created_at=at(8, 15, TUESDAY), sent_at=at(8, 15, TUESDAY))
        text.students.append(OutboxStudent(student_id=pupil_id, school_date=TUESDAY,
                                           kind="absence", to_e164=phone))
        db.session.add(text)
        db.session.flush()
        db.session.add(SmsReply(school_id=school.school_id, school_date=TUESDAY,
                                text_id=text.id, from_e164=phone, body="孩子发烧了，今天请假",
                                twilio_sid="SMreply1", received_at=at(8, 30, TUESDAY)))
        log_contact(pupil, TUESDAY, db.session.get(User, school.user_ids["teacher"]),
                    person="母亲", method="phone", outcome="reason_given",
                    contacted_at=at(8, 20, TUESDAY))
        db.session.commit()
    tuesday = _day(_get(login_as("office"), school).get_data(as_text=True), TUESDAY)
    assert "Parent text: Delivered (reply: 孩子发烧了，今天请假)" in tuesday
    assert "Teacher called: Yes" in tuesday
    assert "08:20 母亲 · Phone call · Reached: family explained the absence" in " ".join(
        tuesday.split())
