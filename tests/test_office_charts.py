"""Charts: server-side SVG with a text table each, and a page that stays light."""

import re
from datetime import date, timedelta

import pytest

from rollcall import clock
from tests import factories
from tests.office_helpers import DAY, at

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py


def _month(app, school):
    ids = school.student_ids["room1"]
    room1, room2 = school.homeroom_ids["room1"], school.homeroom_ids["room2"]
    with app.app_context():
        day = DAY - timedelta(days=10)
        while day <= DAY:
            if day.weekday() < 5:
                absent = {ids[0]: "absent"} if day.weekday() == 0 else {}
                factories.record_check(room1, day, "attendance", absent, at(8, 0, day))
                factories.record_check(room2, day, "attendance", {}, at(8, 0, day))
            day += timedelta(days=1)
        factories.record_check(room1, date(2026, 11, 24), "bag", {ids[1]: "found", ids[2]: "found"},
                               at(7, 40, date(2026, 11, 24)), details={
                                   ids[1]: {"category": "knife"}, ids[2]: {"category": "tobacco"}})


def _page(client):
    with clock.frozen(at(9, 0)):
        response = client.get("/office/charts", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response


def test_three_svg_charts_each_with_a_table(app, school, login_as):
    _month(app, school)
    response = _page(login_as("office"))
    html = response.get_data(as_text=True)
    assert html.count("<svg") == 3 and html.count('class="chart-table"') == 3
    assert len(response.data) < 300 * 1024
    assert "<script" not in html.split("<main")[1]
    rates = html.split('id="rate-title"')[1].split("</section>")[0]
    # Class 1: 5 students × 9 days, 2 Monday absences → 95.6%; class 2 → 100%.
    assert re.search(r"九年级1班</th><td>95\.6%", rates) and "九年级2班</th><td>100.0%" in rates
    weekdays = html.split('id="weekday-title"')[1].split("</section>")[0]
    assert "Mon</th><td>2</td>" in weekdays and "Tue</th><td>0</td>" in weekdays
    assert "Sat</th>" not in weekdays  # no school at weekends, no bar for them


def test_absences_on_a_make_up_saturday_get_their_own_bar(app, school, login_as):
    _month(app, school)
    saturday = DAY - timedelta(days=(DAY.weekday() - 5) % 7)
    with app.app_context():
        factories.record_check(school.homeroom_ids["room1"], saturday, "attendance",
                               {school.student_ids["room1"][3]: "absent"}, at(8, 0, saturday))
    html = _page(login_as("office")).get_data(as_text=True)
    weekdays = html.split('id="weekday-title"')[1].split("</section>")[0]
    assert "Sat</th><td>1</td>" in weekdays and "Sun</th>" not in weekdays
    findings = html.split('id="findings-chart-title"')[1].split("</section>")[0]
    assert "Controlled knife or blade" in findings and "Cigarettes" in findings
    assert "2026-11-23</th><td>1</td><td>1</td>" in findings


def test_charts_without_data_say_so(app, school, login_as):
    html = _page(login_as("office")).get_data(as_text=True)
    assert "No attendance recorded yet." in html and "Nothing found in the last 12 weeks." in html


def test_chart_labels_are_escaped():
    from rollcall.office.charts import bar_chart

    svg = str(bar_chart("<t>", [("<script>", 3)], 5))
    assert "<script>" not in svg and "&lt;script&gt;" in svg and 'aria-label="&lt;t&gt;"' in svg
