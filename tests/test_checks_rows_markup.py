"""The rows of the check pages, byte for byte as checks.js and the browser tests know them.

tests/fixtures/check_rows/ holds each page's <ol class="rows"> as the Jinja row macros drew it
(saved values, defaults, errors, read-only rows, text that needs escaping, both languages); the
rows drawn by rollcall/teacher/rows.py must be the same, up to how much white space separates
two tags (the macros left blank lines; a browser shows one space or several alike). After a
deliberate change of the row markup, rewrite them and review their diff:
ROLLCALL_WRITE_ROW_FIXTURES=1 pytest tests/test_checks_rows_markup.py
"""

import os
import re
from pathlib import Path

import pytest

from rollcall.checks import services
from rollcall.extensions import db
from rollcall.models import Student
from tests import factories
from tests.checks_support import DAY, check_url, homeroom, school_time, user

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py

FIXTURES = Path(__file__).parent / "fixtures" / "check_rows"
_ROWS = re.compile(r'<ol class="rows">.*?</ol>', re.S)
_BETWEEN_TAGS = re.compile(r">\s+<")
_ROW = re.compile(r"<li .*?</li>", re.S)
_LANGUAGES = {"en": "en", "zh": "zh-CN"}
# A name and texts a row must escape.
_TRICKY = '<b>"A&B"</b> \'x\''


def _arrange(app, school, scenario: str) -> tuple[str, dict | None, tuple[int, int]]:
    """Store what the scenario needs; return (kind, form to post or None, school clock)."""
    ids = school.student_ids["room1"]
    with app.app_context():
        pupils = [db.session.get(Student, sid) for sid in ids]
        pupils[1].name = _TRICKY
        pupils[2].seat = None
        db.session.commit()
        room, teacher = homeroom(school), user(school)
        number = [p.student_number for p in pupils]
        if scenario.startswith("attendance-saved"):
            with school_time(7, 50):
                services.save_check(room, DAY, "attendance", [
                    {"student_number": number[0], "status": "absent"},
                    {"student_number": number[1], "status": "late", "arrived_at": "07:35"},
                    {"student_number": number[2], "status": "excused", "reason": _TRICKY},
                ], None, teacher)
            pupils[4].active = False  # left after the save: a read-only row
            db.session.commit()
            return "attendance", None, (7, 55)
        if scenario.startswith("attendance-errors"):
            return "attendance", {f"s{ids[0]}": "late", f"t{ids[0]}": "25:99",
                                  f"s{ids[1]}": "excused", f"r{ids[1]}": "x" * 201,
                                  f"s{ids[2]}": "late", f"t{ids[2]}": "07:30",
                                  f"s{ids[3]}": "gone"}, (7, 40)
        if scenario.startswith("bag-saved"):
            factories.record_check(room.id, DAY, "bag", {ids[0]: "found", ids[1]: "found",
                                                         ids[3]: "found"},
                                   details={ids[0]: {"category": "prohibited",
                                                     "description": _TRICKY,
                                                     "action": "kept_by_teacher"},
                                            ids[1]: {"category": "knife",
                                                     "action": "handed_to_office"}})
            return "bag", None, (7, 40)
        if scenario.startswith("bag-errors"):
            return "bag", {f"s{ids[0]}": "found", f"c{ids[0]}": "nonsense",
                           f"d{ids[0]}": _TRICKY, f"s{ids[1]}": "found",
                           f"c{ids[1]}": "lighter", f"a{ids[1]}": "returned"}, (7, 40)
        if scenario.startswith("dismissal-saved"):
            with school_time(7, 40):
                services.save_check(room, DAY, "attendance", [], None, teacher)
            factories.record_check(room.id, DAY, "dismissal", {ids[0]: "on_campus",
                                                               ids[2]: "on_campus"},
                                   details={ids[0]: {"location": _TRICKY,
                                                     "reason": "detention",
                                                     "action": "已告知家长"}})
            with school_time(17, 30):  # marked absent after the sweep: a read-only row
                services.save_check(room, DAY, "attendance", [
                    {"student_number": number[3], "status": "absent"}], 1,
                    user(school, "office"))
            return "dismissal", None, (17, 40)
        return scenario.split("-")[0], None, (7, 40)  # a new check: every row on its default


SCENARIOS = [f"{scenario}-{language}" for scenario in (
    "attendance-new", "attendance-saved", "attendance-errors", "bag-new", "bag-saved",
    "bag-errors", "dismissal-new", "dismissal-saved") for language in _LANGUAGES]


def _rows_of(app, school, login_as, scenario: str) -> str:
    kind, posted, (hour, minute) = _arrange(app, school, scenario)
    headers = {"Accept-Language": _LANGUAGES[scenario.rsplit("-", 1)[1]]}
    client = login_as("office" if kind == "dismissal" else "teacher")
    with school_time(hour, minute):
        if posted is None:
            response = client.get(check_url(school, kind), headers=headers)
            assert response.status_code == 200
        else:
            response = client.post(check_url(school, kind), data=posted, headers=headers)
            assert response.status_code == 422
    return _ROWS.search(response.text).group(0)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_rows_are_drawn_as_before(app, school, login_as, scenario):
    drawn = _rows_of(app, school, login_as, scenario)
    fixture = FIXTURES / f"{scenario}.html"
    if os.environ.get("ROLLCALL_WRITE_ROW_FIXTURES"):
        FIXTURES.mkdir(parents=True, exist_ok=True)
        fixture.write_text(drawn, encoding="utf-8")
    assert _rows_apart(drawn) == _rows_apart(fixture.read_text(encoding="utf-8"))


def _rows_apart(html: str) -> list[str]:
    """The rows, each with runs of white space between two tags as one line break, sorted:
    the student without a seat comes first on SQLite, last on PostgreSQL."""
    return sorted(_BETWEEN_TAGS.sub(">\n<", row) for row in _ROW.findall(html))
