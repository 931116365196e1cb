"""Chinese that reads as Chinese: full-width punctuation, no separators around empty fields,
week labels, no letter codes in the calendar, days to come as '—'."""

import html
import re
from datetime import date

import pytest

from rollcall import clock
from tests import factories
from tests.checks_support import check_url, homeroom, school_time
from tests.office_helpers import at
from tests.test_office_history import _page as student_page
from tests.test_office_history import _record as student_record
from tests.test_office_weekly import THURSDAY, WEEK, _day, _get, _week

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

FRIDAY = date(2026, 11, 27)


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_week_log_is_titled_by_week_and_days_to_come_are_a_dash(app, school, login_as):
    _week(app, school)
    page = _text(_get(login_as("teacher"), school, lang="zh"))
    assert "第48周（11月23日–11月27日）" in page
    assert "W48" not in page.split("<main")[1].replace(f"/week/{WEEK}", "")
    assert "11月24日 · 周二" in page
    friday = _day(page, FRIDAY)
    assert "—" in friday and 'class="gap"' not in friday  # not "no records" in red
    english = _text(_get(login_as("teacher"), school, lang="en"))
    assert "Week 48 (Nov 23 – Nov 27)" in english and "Nov 27 · Fri" in english


def test_the_calendar_has_no_letter_codes_and_days_to_come_are_a_dash(app, school, login_as):
    pupil = student_record(app, school)
    page = html.unescape(student_page(login_as("office"), pupil, lang="zh"))
    legend = page.split('class="legend"')[1].split("</ul>")[0]
    assert re.findall(r'<span class="day day-\w+">([^<]*)</span>', legend) == [
        "✓", "◔", "✗", "○", "↗", "·", "—"]
    marks = re.findall(r'<span class="mark">([^<]*)</span>', page)
    assert marks and not set(marks) & {"L", "A", "E"}
    assert 'class="day day-absent" title="2026-11-02：缺勤"' in page
    # Today is 2026-11-26: the 27th to the 30th are days to come.
    future = re.findall(r'<td class="day day-future">(\d+)<span class="mark">—</span>', page)
    assert future == ["27", "28", "29", "30"]
    assert "2026年11月" in page and "周一" in page


def test_chinese_sentences_carry_full_width_punctuation(app, school, login_as):
    teacher = login_as("teacher")
    ids = school.student_ids["room1"]
    room = school.homeroom_ids["room1"]
    with app.app_context():
        factories.record_check(room, THURSDAY, "bag", {ids[3]: "found"}, at(7, 44, THURSDAY),
                               school.user_ids["teacher"], details={ids[3]: {
                                   "category": "knife", "action": "handed_to_office"}})
    with clock.frozen(at(8, 0, THURSDAY)):
        check = _text(teacher.get(f"/homerooms/{room}/checks/{THURSDAY}/bag",
                                  headers={"Accept-Language": "zh"}))
        board = _text(login_as("office").get("/office/", headers={"Accept-Language": "zh"}))
    assert "已上报政教处：学生04" in check and "已上报政教处:" not in check
    assert "今日书包检查发现（1）" in board
    # The finding has no description: no separator stands around the empty field.
    finding = board.split('class="list findings"')[1].split("</ul>")[0]
    assert not re.search(r"·\s*·", finding)
    assert not re.search(r"[\u4e00-\u9fff][:;]", re.sub(r"<[^>]+>", "", check + board))


def test_todays_checks_before_their_cutoff_are_a_dash_not_a_gap(app, school, login_as):
    _week(app, school)
    with clock.frozen(at(7, 0, THURSDAY)):  # before every cut-off of Thursday
        page = _text(login_as("teacher").get(
            f"/homerooms/{school.homeroom_ids['room1']}/week/{WEEK}",
            headers={"Accept-Language": "zh"}))
    thursday = _day(page, THURSDAY)
    assert "未记录" not in thursday.split("<h3>")[0]  # attendance is not due yet
    assert thursday.split("<h3>")[0].count('class="future">—') == 1


def test_a_checks_changes_read_without_a_space_after_the_chinese_colon(app, school, login_as):
    teacher = login_as("teacher")
    with app.app_context():
        first = homeroom(school).students[0]
        name, student_id = first.name, first.id
    with school_time(7, 55):
        teacher.post(check_url(school, "attendance"), data={f"s{student_id}": "absent"})
        changes = {lang: _text(teacher.get(check_url(school, "attendance"),
                                           headers={"Accept-Language": lang}))
                   for lang in ("zh", "en")}
    first_change = {lang: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page.split(
        'class="history"')[1].split("</li>")[0])) for lang, page in changes.items()}
    assert f"：提交；{name} 缺勤" in first_change["zh"]
    assert f": submitted; {name} Absent" in first_change["en"]
