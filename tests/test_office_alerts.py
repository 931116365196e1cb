"""Threshold alerts: absent days in a row, late in a month, a second dangerous finding."""

from datetime import date, timedelta

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import School
from rollcall.office import alerts
from tests import factories
from tests.office_helpers import DAY, at

# Five school days ending on DAY (Thursday): Fri, Mon, Tue, Wed, Thu.
DAYS = [date(2026, 11, 20), date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25), DAY]


def _attendance(app, school, pattern: dict, days=DAYS):
    """pattern: student index (class 1) -> statuses, one per day."""
    ids = school.student_ids["room1"]
    with app.app_context():
        for n, day in enumerate(days):
            statuses = {ids[i]: codes[n] for i, codes in pattern.items() if codes[n]}
            factories.record_check(school.homeroom_ids["room1"], day, "attendance", statuses,
                                   at(8, 0, day), school.user_ids["teacher"])


def _alerts(app, school, **settings):
    with app.app_context():
        found = db.session.get(School, school.school_id)
        if settings:
            found.settings = settings
            db.session.commit()
        with clock.frozen(at(9, 0)):
            return {(a.kind, a.student_id, a.count)
                    for a in alerts.school_alerts(found, DAY)}


@pytest.mark.parametrize(("codes", "expected_streak"), [
    ([None, None, "absent", "absent", "absent"], 3),
    ([None, None, "absent", "excused", "absent"], 3),
    (["absent", "absent", "absent", "absent", None], None),  # back today: the streak is over
    ([None, None, None, "absent", "absent"], None),
    (["absent", "absent", "present", "absent", "absent"], None),
    (["absent"] * 5, 5),
])
def test_absent_school_days_in_a_row(app, school, codes, expected_streak):
    _attendance(app, school, {0: codes})
    student = school.student_ids["room1"][0]
    found = {a for a in _alerts(app, school) if a[0] == "absent_in_row"}
    assert found == ({("absent_in_row", student, expected_streak)} if expected_streak else set())


def test_days_without_a_check_do_not_break_a_streak(app, school):
    # Wednesday had no attendance check (a trip day): Mon, Tue, Thu still count in a row.
    days = [DAYS[1], DAYS[2], DAY]
    _attendance(app, school, {0: ["absent"] * 3}, days=days)
    assert ("absent_in_row", school.student_ids["room1"][0], 3) in _alerts(app, school)


def test_late_five_times_this_month(app, school):
    november = [DAY - timedelta(days=n) for n in (0, 1, 2, 3, 6)]
    _attendance(app, school, {0: ["late"] * 5, 1: ["late"] * 4 + [None]}, days=november)
    found = {a for a in _alerts(app, school) if a[0] == "late_in_month"}
    assert found == {("late_in_month", school.student_ids["room1"][0], 5)}


def test_lateness_of_last_month_does_not_count(app, school):
    days = [date(2026, 10, 29), date(2026, 10, 30), date(2026, 11, 2), date(2026, 11, 3),
            date(2026, 11, 4)]
    _attendance(app, school, {0: ["late"] * 5}, days=days)
    assert not {a for a in _alerts(app, school) if a[0] == "late_in_month"}


def _finding(app, school, day, category, index=0):
    pupil = school.student_ids["room1"][index]
    with app.app_context():
        factories.record_check(school.homeroom_ids["room1"], day, "bag", {pupil: "found"},
                               at(7, 40, day), school.user_ids["teacher"],
                               details={pupil: {"category": category}})


def test_a_second_dangerous_finding_raises_an_alert(app, school):
    _finding(app, school, DAYS[0], "knife")
    assert not _alerts(app, school)
    _finding(app, school, DAYS[1], "tobacco")  # not dangerous
    assert not _alerts(app, school)
    _finding(app, school, DAYS[2], "fire")
    assert _alerts(app, school) == {
        ("dangerous_findings", school.student_ids["room1"][0], 2)}


def test_thresholds_come_from_the_school_settings(app, school):
    _attendance(app, school, {0: [None, None, None, "absent", "absent"],
                              1: [None, "late", "late", None, None]})
    ids = school.student_ids["room1"]
    assert _alerts(app, school, alerts={"absent_days_in_row": 2, "late_per_month": 2}) == {
        ("absent_in_row", ids[0], 2), ("late_in_month", ids[1], 2)}


@pytest.mark.parametrize("bad", [0, -1, "3", None, 2.5])
def test_bad_threshold_settings_fall_back_to_the_defaults(bad):
    school = School(name="x", settings={"alerts": {"absent_days_in_row": bad}})
    assert alerts.thresholds(school)["absent_days_in_row"] == 3


@pytest.mark.parametrize(("today", "setting", "start"), [
    (date(2026, 11, 26), None, date(2026, 9, 1)),
    (date(2027, 1, 10), None, date(2026, 9, 1)),
    (date(2027, 3, 10), None, date(2027, 2, 1)),
    (date(2027, 3, 10), "2027-02-20", date(2027, 2, 20)),
    (date(2027, 3, 10), "not a date", date(2027, 2, 1)),
    (date(2027, 3, 10), "2027-04-01", date(2027, 2, 1)),
])
def test_term_start(today, setting, start):
    school = School(name="x", settings={"term_start": setting} if setting else {})
    assert alerts.term_start(school, today) == start


def test_alerts_show_on_the_board_and_the_students_page(app, school, login_as):
    _attendance(app, school, {0: [None, None, "absent", "absent", "absent"]})
    client = login_as("office")
    student = school.student_ids["room1"][0]
    with clock.frozen(at(9, 0)):
        board = client.get("/office/", headers={"Accept-Language": "en"}).get_data(as_text=True)
        page = client.get(f"/students/{student}",
                          headers={"Accept-Language": "en"}).get_data(as_text=True)
        other = client.get(f"/students/{school.student_ids['room1'][1]}",
                           headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "absent 3 school days in a row" in board.split('id="alerts-title"')[1]
    assert "absent 3 school days in a row" in page
    assert 'id="student-alerts"' not in other
    assert f"/watch/new?student={student}&amp;reason=truancy" in board
    with clock.frozen(at(9, 0)):  # one sentence, in either language, on both pages
        for url in ("/office/", f"/students/{student}"):
            shown = client.get(url, headers={"Accept-Language": "zh"}).get_data(as_text=True)
            assert "连续缺勤 3 个上学日" in shown, url
