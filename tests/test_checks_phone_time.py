"""The time of a record is the time it happened: a save carries the phone's time of the tap
(checks.js), and the check is recorded at that time when it is plausible, keeping both times;
the page says both where they differ, and a time not on the record's own day shows its date."""

from datetime import timedelta

import pytest

from rollcall.checks.models import Check
from rollcall.extensions import db
from tests.checks_support import DAY, at, check_url, page, school_time, table_rows

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def ms(instant) -> str:
    return str(int(instant.timestamp() * 1000))


def the_check(app, kind):
    [row] = [c for c in table_rows(app, Check) if c["kind"] == kind]
    return row


def post(client, school, kind, rows=None, tapped=None, day=DAY, version=""):
    data = {f"s{school.student_ids['room1'][seat]}": status
            for seat, status in (rows or {}).items()} | {"version": version}
    if tapped is not None:
        data["tapped_at"] = tapped if isinstance(tapped, str) else ms(tapped)
    response = client.post(check_url(school, kind, day), data=data, headers=EN)
    assert response.status_code == 302, page(response)


def test_a_save_sent_late_is_recorded_when_it_was_tapped(app, login_as, school):
    teacher = login_as("teacher")
    with school_time(8, 30):  # tapped at 07:35 without signal, received at 08:30
        post(teacher, school, "attendance", {0: "absent"}, tapped=at(7, 35))
        en = page(teacher.get(check_url(school, "attendance"), headers=EN))
        zh = page(teacher.get(check_url(school, "attendance"), headers=ZH))
    check = the_check(app, "attendance")
    assert check["submitted_at"] == check["updated_at"] == at(7, 35)
    assert check["recorded_on_phone_at"] == at(7, 35) and check["received_at"] == at(8, 30)
    assert "Submitted at 07:35" in en
    assert "recorded on the phone at 07:35, received at 08:30" in en
    assert "在手机上记录于 07:35，08:30 收到" in zh


def test_the_sweep_and_its_campus_check_take_the_time_of_the_tap(app, login_as, school):
    with school_time(17, 37):
        post(login_as("teacher"), school, "dismissal", tapped=at(17, 35))
    check = the_check(app, "dismissal")
    assert check["submitted_at"] == check["campus_checked_at"] == at(17, 35)


def test_a_late_arrival_is_stamped_with_the_time_of_the_tap(app, login_as, school):
    with school_time(8, 30):
        post(login_as("teacher"), school, "attendance", {1: "late"}, tapped=at(7, 52))
    [entry] = [e for e in table_rows(app, Check.entries.property.mapper.class_)
               if e["status"] == "late"]
    assert entry["arrived_at"] == at(7, 52)


@pytest.mark.parametrize("tapped", [
    at(8, 40),                       # in the future
    at(7, 35) - timedelta(days=1),   # not on the record's day
    "1e99", "-5", "99999999999999999999", "早上",  # not a time at all
])
def test_an_implausible_phone_time_gives_way_to_the_time_received(app, login_as, school,
                                                                   tapped):
    with school_time(8, 30):
        post(login_as("teacher"), school, "attendance", {0: "absent"}, tapped=tapped)
        text = page(login_as("teacher").get(check_url(school, "attendance"), headers=EN))
    check = the_check(app, "attendance")
    assert check["submitted_at"] == check["received_at"] == at(8, 30)
    assert "recorded on the phone" not in text


def test_a_tap_before_the_last_save_was_loaded_counts_as_received(app, login_as, school):
    teacher = login_as("teacher")
    with school_time(8, 0):
        post(teacher, school, "attendance", {0: "absent"})
    with school_time(8, 30):
        post(teacher, school, "attendance", {0: "absent", 1: "absent"}, tapped=at(7, 50),
             version="1")
    check = the_check(app, "attendance")
    assert check["updated_at"] == at(8, 30) and check["recorded_on_phone_at"] == at(7, 50)


def test_a_correction_made_the_next_day_shows_its_date(app, login_as, school):
    teacher = login_as("teacher")
    with school_time(7, 40):
        post(teacher, school, "attendance", {0: "absent"})
    with school_time(1, 14, DAY + timedelta(days=1)):
        post(teacher, school, "attendance", {0: "present"}, version="1")
        text = page(teacher.get(check_url(school, "attendance"), headers=EN))
    assert "Submitted at 07:40" in text and "last changed at 03-03 01:14" in text


def test_saves_without_a_phone_time_keep_the_time_received(app, login_as, school):
    with school_time(7, 40):
        post(login_as("teacher"), school, "bag")
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        assert check.received_at == check.submitted_at == at(7, 40)
        assert check.recorded_on_phone_at is None and not check.received_late
