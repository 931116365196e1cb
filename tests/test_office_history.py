"""A student's history: term calendar, counts, findings, dismissal exceptions, notes, texts."""

import re
from datetime import date

from rollcall import clock
from rollcall.office.history import month_grids
from tests import factories
from tests.office_helpers import DAY, at


def _record(app, school):
    ids = school.student_ids["room1"]
    room, teacher = school.homeroom_ids["room1"], school.user_ids["teacher"]
    pupil = ids[0]
    with app.app_context():
        for day, status in ((date(2026, 9, 1), "present"), (date(2026, 10, 12), "late"),
                            (date(2026, 11, 2), "absent"), (date(2026, 11, 3), "excused"),
                            (DAY, "present"), (date(2026, 6, 1), "absent")):
            details = {pupil: {"reason": "发烧，家长请假"}} if status == "excused" else {}
            factories.record_check(room, day, "attendance", {pupil: status}, at(8, 0, day),
                                   teacher, details=details)
        factories.record_check(room, date(2026, 10, 12), "bag", {pupil: "found"},
                               at(7, 40, date(2026, 10, 12)), teacher,
                               details={pupil: {"category": "fire", "description": "打火机",
                                                "action": "handed_to_office"}})
        factories.record_check(room, date(2026, 10, 13), "dismissal", {pupil: "on_campus"},
                               at(17, 20, date(2026, 10, 13)), teacher,
                               details={pupil: {"reason": "lingering", "location": "操场"}})
    return pupil


def _page(client, student_id, lang="en"):
    with clock.frozen(at(9, 0)):
        response = client.get(f"/students/{student_id}", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_calendar_colours_each_day_with_a_text_label(app, school, login_as):
    pupil = _record(app, school)
    html = _page(login_as("office"), pupil)
    assert re.findall(r"<caption>([^<]+)</caption>", html) == [
        "Sep 2026", "Oct 2026", "Nov 2026"]  # the term only: June is last term
    assert 'class="day day-late" title="2026-10-12: Late"' in html
    assert 'class="day day-absent" title="2026-11-02: Absent"' in html
    assert 'class="day day-excused" title="2026-11-03: Excused"' in html
    assert '<span class="visually-hidden">Absent</span>' in html
    assert 'class="legend"' in html


def test_counts_findings_exceptions_and_notes(app, school, login_as):
    pupil = _record(app, school)
    html = _page(login_as("office"), pupil)
    found = re.findall(r'<span class="figure">(\d+)</span> ([^<]+?)</li>', html)
    assert {label: int(n) for n, label in found} == {
        "Present": 2, "Late": 1, "Absent": 1, "Excused": 1, "Came, then left": 0,
        "Item found": 1, "Still on campus": 1}
    assert "打火机" in html and "Handed to the office" in html
    assert "操场" in html and "No reason" in html
    assert "发烧，家长请假" in html.split('id="notes-title"')[1]
    assert "No parent text recorded." in html  # texts arrive with the notify area


def test_month_grids_start_on_monday_and_mark_the_term():
    grids = month_grids(date(2026, 11, 3), date(2026, 11, 26), {date(2026, 11, 4): "late"})
    assert len(grids) == 1
    first, weeks = grids[0]
    assert first == date(2026, 11, 1)
    assert weeks[0][0].day == date(2026, 10, 26) and not weeks[0][0].in_month
    cells = {cell.day: cell for week in weeks for cell in week}
    assert cells[date(2026, 11, 4)].status == "late"
    assert not cells[date(2026, 11, 2)].in_term and cells[date(2026, 11, 3)].in_term


def test_month_grids_cross_the_new_year():
    grids = month_grids(date(2026, 12, 20), date(2027, 1, 5), {})
    assert [first for first, _weeks in grids] == [date(2026, 12, 1), date(2027, 1, 1)]


def test_a_teacher_sees_their_own_students_history_only(app, school, login_as):
    client = login_as("teacher")
    assert "学生01" in _page(client, school.student_ids["room1"][0])
    with clock.frozen(at(9, 0)):
        assert client.get(f"/students/{school.student_ids['room2'][0]}").status_code == 404
