"""The audit trail reads like a log book: sentences in the reader's language and the school's
clock, the vocabulary's words, cards, and pages of a few screens."""

import html
import re

import pytest
from flask_babel import force_locale

from rollcall import audit, clock, vocabulary
from rollcall.checks.models import AttendanceStatus, BagStatus, CheckKind
from rollcall.extensions import db
from rollcall.models import User
from rollcall.office.audit_trail import PER_PAGE
from tests.checks_support import at, check_url, homeroom, school_time, user

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py


def _page(client, lang, query=""):
    response = client.get(f"/office/audit?{query}", headers={"Accept-Language": lang})
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _words(app, locale, *members):
    with app.test_request_context(), force_locale(locale):
        return [vocabulary.name(member) for member in members]


@pytest.fixture
def changed(app, school, login_as):
    """The teacher submits attendance at 08:00 and marks 学生01 absent at 08:05."""
    teacher = login_as("teacher")
    with app.app_context():
        pupil = homeroom(school).students[0]
        sid, name = pupil.id, pupil.name
        teacher_name = user(school, "teacher").display_name
    with school_time(8, 0):
        teacher.post(check_url(school, "attendance"), data={})
    with school_time(8, 5):
        assert teacher.post(check_url(school, "attendance"), data={
            "version": "1", f"s{sid}": "absent"}).status_code == 302
    return name, teacher_name


def test_a_change_reads_as_a_sentence_in_chinese(app, school, login_as, changed):
    name, teacher_name = changed
    text = _page(login_as("office"), "zh")
    kind, present, absent = _words(app, "zh_Hans", CheckKind.ATTENDANCE,
                                   AttendanceStatus.PRESENT, AttendanceStatus.ABSENT)
    assert f"{teacher_name} 把 {name} 3月2日的{kind}从 {present} 改为 {absent}" in text
    card = text.split(f"{teacher_name} 把 {name}")[0].rsplit('<li class="card audit-card"', 1)[1]
    assert "2027-03-02 08:05" in card  # the school's clock, not UTC (00:05)
    assert f"{teacher_name} 提交了九年级1班 3月2日的{kind}" in text
    assert "{'" not in text and "check.entry" not in re.sub(r'data-action="[^"]*"', "", text)


def test_a_change_reads_as_a_sentence_in_english(app, school, login_as, changed):
    name, teacher_name = changed
    text = _page(login_as("office"), "en")
    assert (f"{teacher_name} changed {name}'s Attendance of Mar 2 from Present to Absent"
            in text)
    assert f"{teacher_name} submitted the Attendance of 九年级1班 for Mar 2" in text


def test_a_bag_change_uses_the_vocabulary(app, school, login_as):
    teacher = login_as("teacher")
    with app.app_context():
        sid = homeroom(school).students[1].id
    with school_time(7, 40):
        teacher.post(check_url(school, "bag"), data={
            f"s{sid}": "found", f"c{sid}": "tobacco", f"a{sid}": "kept_by_teacher"})
    text = _page(login_as("office"), "zh")
    found, clear = _words(app, "zh_Hans", BagStatus.FOUND, BagStatus.CLEAR)
    assert f"{found} · 香烟或电子烟 · 已没收，由班主任保管" in text
    assert f"全体{clear}" not in text  # one row was not the default: it is listed instead


def test_the_trail_is_paged_in_cards(app, school, login_as):
    with app.app_context(), clock.frozen(at(9, 0)):
        office = db.session.get(User, school.user_ids["office"])
        for number in range(PER_PAGE * 2 + 5):
            audit.record("admin.homeroom.update", homeroom(school), actor=office,
                         before={"name": f"班{number}"}, after={"name": f"班{number + 1}"})
        db.session.commit()
    client = login_as("office")
    first = _page(client, "en")
    assert first.count('<li class="card audit-card"') == PER_PAGE
    assert "45 entries · page 1 of 3" in first and "changed a class" in first
    last = _page(client, "en", "page=3")
    assert last.count('<li class="card audit-card"') == 5
    assert "Class name: 班0 → 班1" in last
    assert "班级名称：班0 → 班1" in _page(client, "zh", "page=3")
    assert _page(client, "en", "page=99").count('<li class="card audit-card"') == 5
