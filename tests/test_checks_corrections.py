"""Correcting saved checks: rows of students who left or are absent, and students who joined."""

import re
from datetime import date

import pytest

from rollcall.api import tokens
from rollcall.checks import services
from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from rollcall.models import Student
from tests import factories
from tests.checks_support import DAY, check_url, homeroom, school_time, user

LAST_MONTH = date(2027, 2, 9)  # a Tuesday


def form_as_shown(html: str) -> dict:
    """What a browser posts for the page as shown: the checked radios and the version."""
    data = dict(re.findall(r'name="(s\d+)" value="(\w+)" checked', html))
    data["version"] = re.search(r'name="version" type="hidden" value="(\d*)"', html).group(1)
    return data


def saved(school, kind, day=DAY) -> dict[int, str]:
    check = db.session.scalar(db.select(Check).where(
        Check.homeroom_id == school.homeroom_ids["room1"], Check.school_date == day,
        Check.kind == kind))
    return {e.student_id: e.status for e in check.entries}


@pytest.mark.parametrize("change", ["left", "moved"])
def test_a_check_with_a_student_who_left_or_moved_can_still_be_saved(app, school, login_as,
                                                                     change):
    ids = school.student_ids["room1"]
    with app.app_context(), school_time(7, 40):
        services.save_check(homeroom(school), DAY, "attendance", [], None, user(school))
        gone = db.session.get(Student, ids[4])
        if change == "left":
            gone.active = False
        else:
            gone.homeroom_id = school.homeroom_ids["room2"]
        db.session.commit()
    client = login_as("office")
    with school_time(8, 0):
        html = client.get(check_url(school, "attendance"),
                          headers={"Accept-Language": "en"}).text
        assert f'name="s{ids[4]}"' not in html
        assert "学生05" in html and "No longer in this class; shown as saved." in html
        data = form_as_shown(html) | {f"s{ids[0]}": "absent"}
        assert client.post(check_url(school, "attendance"), data=data).status_code == 302
    with app.app_context():
        assert saved(school, "attendance") == {ids[0]: "absent", ids[1]: "present",
                                               ids[2]: "present", ids[3]: "present",
                                               ids[4]: "present"}


def test_a_student_marked_absent_after_dismissal_keeps_a_read_only_row(app, school, login_as):
    ids = school.student_ids["room1"]
    with app.app_context():
        with school_time(7, 40):
            services.save_check(homeroom(school), DAY, "attendance", [], None, user(school))
        with school_time(17, 20):
            services.save_check(homeroom(school), DAY, "dismissal", [], None, user(school))
        with school_time(17, 30):
            number = db.session.get(Student, ids[1]).student_number
            services.save_check(homeroom(school), DAY, "attendance", [
                {"student_number": number, "status": "absent"}], 1, user(school, "office"))
    client = login_as("office")
    with school_time(17, 40):
        html = client.get(check_url(school, "dismissal"),
                          headers={"Accept-Language": "en"}).text
        assert f'name="s{ids[1]}"' not in html
        assert "Marked absent at attendance after this was saved; shown as saved." in html
        data = form_as_shown(html) | {f"s{ids[2]}": "on_campus", f"l{ids[2]}": "传达室",
                                      f"r{ids[2]}": "waiting_for_parent"}
        response = client.post(check_url(school, "dismissal"), data=data,
                               headers={"Accept-Language": "en"}, follow_redirects=True)
    assert response.status_code == 200 and "saved." in response.text
    row = response.text.split("学生02")[1].split("</li>")[0]
    assert "Left" in row and "Marked absent at attendance" in row
    with app.app_context():
        assert saved(school, "dismissal")[ids[2]] == "on_campus"
        assert saved(school, "dismissal")[ids[1]] == "left"


def _last_month_and_a_new_student(app, school) -> tuple[int, str]:
    with app.app_context():
        with school_time(7, 40, LAST_MONTH):
            services.save_check(homeroom(school), LAST_MONTH, "attendance", [], None,
                                user(school))
        room = homeroom(school)
        new = factories.student(room.school, room, 9, name="新同学")
        db.session.commit()
        return new.id, new.student_number


def test_correcting_last_months_check_on_the_page_adds_no_one_who_joined_since(
        app, school, login_as):
    new_id, _ = _last_month_and_a_new_student(app, school)
    first = school.student_ids["room1"][0]
    client = login_as("office")
    with school_time(9, 0):
        html = client.get(check_url(school, "attendance", LAST_MONTH)).text
        assert "新同学" in html and f'name="s{new_id}" value="present" checked' not in html
        data = form_as_shown(html) | {f"s{first}": "excused", f"r{first}": "看病"}
        assert client.post(check_url(school, "attendance", LAST_MONTH),
                           data=data).status_code == 302
    with app.app_context():
        statuses = saved(school, "attendance", LAST_MONTH)
        assert new_id not in statuses and statuses[first] == "excused"
        assert db.session.scalar(db.select(db.func.count()).select_from(CheckEntry)
                                 .where(CheckEntry.student_id == new_id)) == 0


def test_correcting_last_months_check_through_the_api_adds_no_one_who_joined_since(
        app, client, school):
    new_id, new_number = _last_month_and_a_new_student(app, school)
    with app.app_context():
        token = tokens.create_token(user(school, "office"))
        first = db.session.get(Student, school.student_ids["room1"][0]).student_number
        db.session.commit()
    url = (f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks/"
           f"{LAST_MONTH.isoformat()}/attendance")
    with school_time(9, 0):
        response = client.put(url, headers={"Authorization": f"Bearer {token}"}, json={
            "version": 1, "entries": [{"student_number": first, "status": "absent"}]})
    assert response.status_code == 200, response.json
    with app.app_context():
        statuses = saved(school, "attendance", LAST_MONTH)
        assert new_id not in statuses and len(statuses) == 5
        assert new_number not in [e["student_number"] for e in response.json["entries"]]


def test_a_student_who_joined_today_is_added_when_a_status_is_picked(app, school, login_as):
    with app.app_context(), school_time(7, 40):
        services.save_check(homeroom(school), DAY, "attendance", [], None, user(school))
        room = homeroom(school)
        new = factories.student(room.school, room, 9, name="新同学")
        db.session.commit()
        new_id = new.id
    client = login_as("teacher")
    with school_time(10, 0):
        html = client.get(check_url(school, "attendance")).text
        data = form_as_shown(html) | {f"s{new_id}": "late", f"t{new_id}": "09:50"}
        assert client.post(check_url(school, "attendance"), data=data).status_code == 302
    with app.app_context():
        assert saved(school, "attendance")[new_id] == "late"
