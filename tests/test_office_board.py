"""The office's board: the check grid by cut-off, the totals, the absent list, the findings."""

import re
from datetime import timedelta
from html import unescape

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import School
from tests import factories
from tests.office_helpers import DAY, at


def _page(client, url="/office/", lang="en"):
    response = client.get(url, headers={"Accept-Language": lang})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _cell_classes(html: str) -> list[str]:
    return re.findall(r'class="cell (cell-\w+)"', html)


@pytest.mark.parametrize(("local_time", "expected"), [
    ((7, 49), ["cell-pending"] * 6),
    ((7, 50), ["cell-overdue", "cell-pending", "cell-pending"] * 2),
    ((8, 15), ["cell-overdue", "cell-overdue", "cell-pending"] * 2),
    ((17, 31), ["cell-overdue"] * 6),
])
def test_cells_turn_overdue_at_the_school_cutoff_in_its_time_zone(
        app, school, login_as, local_time, expected):
    client = login_as("office")
    with clock.frozen(at(*local_time)):
        html = _page(client)
    assert _cell_classes(html) == expected


def test_a_done_check_shows_its_time_and_teacher_and_links_to_the_check(app, school, login_as):
    room1 = school.homeroom_ids["room1"]
    with app.app_context():
        factories.record_check(room1, DAY, "bag", submitted_at=at(7, 41),
                               teacher_id=school.user_ids["teacher"])
    client = login_as("office")
    with clock.frozen(at(8, 15)):
        html = _page(client)
    assert _cell_classes(html)[:3] == ["cell-done", "cell-overdue", "cell-pending"]
    assert "07:41" in html and "王老师" in html
    assert f'href="/homerooms/{room1}/checks/2026-11-26/bag"' in html
    assert f'href="/homerooms/{room1}/checks/2026-11-26/attendance"' in html


def test_school_cutoffs_come_from_the_school(app, school, login_as):
    from datetime import time

    with app.app_context():
        db.session.get(School, school.school_id).bag_check_cutoff = time(7, 30)
        db.session.commit()
    client = login_as("office")
    with clock.frozen(at(7, 35)):
        assert _cell_classes(_page(client))[0] == "cell-overdue"


def _morning(app, school):
    """Class 1: one absent, one excused, one late; a knife and cigarettes found; one lingering."""
    ids = school.student_ids["room1"]
    room1, teacher = school.homeroom_ids["room1"], school.user_ids["teacher"]
    with app.app_context():
        factories.record_check(room1, DAY, "bag", {ids[3]: "found", ids[4]: "found"},
                               at(7, 40), teacher, details={
                                   ids[3]: {"category": "tobacco", "description": "香烟一包",
                                            "action": "kept_by_teacher"},
                                   ids[4]: {"category": "knife", "description": "管制刀具",
                                            "action": "handed_to_office"}})
        factories.record_check(room1, DAY, "attendance",
                               {ids[0]: "absent", ids[1]: "excused", ids[2]: "late"},
                               at(8, 0), teacher, details={ids[1]: {"reason": "发烧请假"}})
        factories.record_check(room1, DAY, "dismissal", {ids[2]: "on_campus"}, at(17, 20),
                               teacher, details={ids[2]: {"reason": "waiting_for_parent",
                                                          "location": "传达室"}})
    return ids


def _figures(html: str) -> list[tuple[str, int, str]]:
    """(link, figure, label) of each of the board's totals."""
    found = re.findall(r'<li class="total[^"]*"><a href="([^"]+)"><span class="figure">(\d+)'
                       r'</span> <span class="label">([^<]+)</span></a></li>', html)
    return [(unescape(href), int(figure), label) for href, figure, label in found]


def test_totals_count_the_school(app, school, login_as):
    _morning(app, school)
    client = login_as("office")
    with clock.frozen(at(17, 25)):
        html = _page(client)
    figures = {label: figure for _href, figure, label in _figures(html)}
    assert figures == {"Present": 2, "Late": 1, "Absent": 1, "Excused": 1,
                       "Came, then left": 0, "Not recorded yet": 5, "Dangerous items": 1,
                       "Item found": 2, "Still on campus": 1}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_each_figure_opens_the_log_of_exactly_the_rows_it_counts(app, school, login_as, lang):
    _morning(app, school)
    yesterday, two = DAY - timedelta(days=1), school.student_ids["room2"]
    with app.app_context():  # yesterday's exceptions and another class: not today's figures
        factories.record_check(school.homeroom_ids["room2"], yesterday, "bag",
                               {two[0]: "found"}, at(7, 40, yesterday), school.user_ids["teacher2"],
                               details={two[0]: {"category": "knife"}})
        factories.record_check(school.homeroom_ids["room2"], DAY, "attendance",
                               {two[1]: "absent"}, at(8, 0), school.user_ids["teacher2"])
    client = login_as("office")
    with clock.frozen(at(17, 25)):
        figures = _figures(_page(client, lang=lang))
    assert len(figures) == 9
    followed = 0
    for href, figure, label in figures:
        if href == "#grid-title":  # students with no attendance row: the grid shows which class
            assert 'id="grid-title"' in _page(client, lang=lang)
            continue
        assert href.startswith("/office/log?")
        log = _page(client, href, lang=lang)
        assert log.count('<tr class="status-') == figure, (label, href)
        followed += 1
    assert followed == 8
    assert {label: figure for _href, figure, label in figures}[
        "Dangerous items" if lang == "en" else "危险物品"] == 1


@pytest.mark.parametrize(("lang", "legend"), [
    ("en", "2 items found, 1 of them dangerous."),
    ("zh-CN", "查到物品 2 件，其中危险物品 1 件。"),
])
def test_the_legend_says_dangerous_items_are_among_those_found(app, school, login_as, lang,
                                                              legend):
    _morning(app, school)
    with clock.frozen(at(17, 25)):
        html = _page(login_as("office"), lang=lang)
    assert legend in html


def test_absent_list_shows_reason_and_whether_the_family_was_called(app, school, login_as):
    from rollcall.family.contacts import log_contact
    from rollcall.models import Student, User

    ids = _morning(app, school)
    with app.app_context():
        log_contact(db.session.get(Student, ids[0]), DAY,
                    db.session.get(User, school.user_ids["teacher"]), person="母亲",
                    method="phone", outcome="reason_given", contacted_at=at(8, 5))
        db.session.commit()
    client = login_as("office")
    with clock.frozen(at(9, 0)):
        html = _page(client)
    section = html.split('id="absent-title"')[1].split("</section>")[0]
    assert "学生01" in section and "学生02" in section and "发烧请假" in section
    assert "学生03" not in section  # late is not absent
    assert "Parent reply" in section and "Teacher called" in section
    rows = section.split("<tr")
    called = next(row for row in rows if "学生01" in row)
    not_called = next(row for row in rows if "学生02" in row)
    # 学生02 is excused (the family asked for leave): nobody has to call to learn of it.
    assert ">Yes</td>" in called and ">No need: the family reported it</td>" in not_called


def test_findings_newest_first_with_item_and_where_it_is(app, school, login_as):
    ids = _morning(app, school)
    with app.app_context():
        from rollcall.checks.models import CheckEntry

        knife = db.session.scalar(db.select(CheckEntry).where(CheckEntry.student_id == ids[4],
                                                              CheckEntry.status == "found"))
        knife.status_since = at(7, 45)
        db.session.commit()
    client = login_as("office")
    with clock.frozen(at(9, 0)):
        html = _page(client)
    section = html.split('id="findings-title"')[1].split("</section>")[0]
    assert section.index("管制刀具") < section.index("香烟一包")
    assert "Handed to the office" in section and "Confiscated, kept by the teacher" in section
    assert 'class="dangerous"' in section


def test_the_fragment_is_the_board_without_the_page_around_it(app, school, login_as):
    client = login_as("office")
    with clock.frozen(at(8, 15)):
        page = _page(client)
        fragment = _page(client, "/office/board.fragment")
    assert "<html" not in fragment and 'check-grid' in fragment
    assert 'data-refresh-url="/office/board.fragment"' in page
    assert '<script src="/static/js/office.js?v=' in page and "<script>" not in page


def test_the_board_speaks_chinese(app, school, login_as):
    client = login_as("office")
    with clock.frozen(at(8, 15)):
        html = _page(client, lang="zh-CN")
    assert "超时" in html and "缺勤" in html


def test_office_js_is_served(client):
    with client.get("/static/js/office.js") as response:
        assert response.status_code == 200
        assert b"board.fragment" not in response.data  # the URL comes from the page
        assert b"data-refresh-url" in response.data


def test_the_absent_list_shows_what_the_notify_area_reports(app, school, login_as, monkeypatch):
    from rollcall.office import services

    ids = _morning(app, school)

    def contacts(school_id, day, student_ids):
        assert set(student_ids) == {ids[0], ids[1]}
        return {ids[0]: {"text": "failed", "reply": None, "due_at": None},
                ids[1]: {"text": "due", "reply": "孩子发烧了", "due_at": at(8, 25)}}

    monkeypatch.setattr(services, "absence_contacts", contacts)
    monkeypatch.setattr(services, "family_calls", lambda *args: {ids[0]: "yes", ids[1]: "no"})
    client = login_as("office")
    with clock.frozen(at(9, 0)):
        html = _page(client)
    section = html.split('id="absent-title"')[1].split("</section>")[0]
    assert 'class="text-failed">Failed: call this parent</td>' in section
    assert "Due at 08:25" in section and "孩子发烧了" in section
    # ids[1] is excused: the family reported it, whatever the contact log says.
    assert ">Yes</td>" in section and ">No need: the family reported it</td>" in section


@pytest.mark.parametrize(("guardian_change", "expected"), [
    ({}, "Due at 08:15"),  # recorded absent at 08:00, the default delay is 15 minutes
    ({"opted_out": True}, "Opted out"),
    ({"absence_texts": False}, "Texts switched off"),
    ({"sms_consent": False}, "Texts switched off"),
    ({"phone_e164": None}, "No phone"),
    ({"phone_e164": "+861062345678"}, "No mobile number: call the family"),  # a landline
    ({"sms_window": "07:00-08:15"}, "No text: the sending window has closed"),
    ({"sms_window": "07:00-08:16"}, "Due at 08:15"),
])
def test_the_absent_list_says_when_or_why_not_the_parents_are_texted(
        app, school, login_as, guardian_change, expected):
    from rollcall.models import Student

    ids = _morning(app, school)
    with app.app_context():
        guardian = db.session.get(Student, ids[0]).guardian_links[0].guardian
        if "sms_window" in guardian_change:
            db.session.get(School, school.school_id).sms_window = guardian_change.pop(
                "sms_window")
        if guardian_change.pop("opted_out", False):
            guardian.opted_out_at = at(7, 0)
        for name, value in guardian_change.items():
            setattr(guardian, name, value)
        db.session.commit()
    with clock.frozen(at(8, 5)):
        html = _page(login_as("office"))
    section = html.split('id="absent-title"')[1].split("</section>")[0]
    absent_row = next(row for row in section.split("<tr") if "学生01" in row)
    excused_row = next(row for row in section.split("<tr") if "学生02" in row)
    assert expected in absent_row
    assert "Not needed" in excused_row  # excused absences are never texted


def test_nothing_is_overdue_on_the_board_at_a_weekend(app, school, login_as):
    from datetime import date

    client = login_as("office")
    with clock.frozen(at(18, 0, date(2026, 11, 28))):  # a Saturday
        assert set(_cell_classes(_page(client))) == {"cell-pending"}


def test_broken_text_settings_do_not_break_the_board(app, school, login_as):
    _morning(app, school)
    with app.app_context():
        db.session.get(School, school.school_id).sms_window = "21:00-07:00"  # stored before checks
        db.session.commit()
    with clock.frozen(at(8, 5)):
        html = _page(login_as("office"))
    section = html.split('id="absent-title"')[1].split("</section>")[0]
    assert "No text was sent" in next(row for row in section.split("<tr") if "学生01" in row)
