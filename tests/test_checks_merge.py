"""Saves merge per row: two people changing different rows are both saved; a row both changed
is refused with both values and the name of the other person."""

import html
from html.parser import HTMLParser

import pytest

from rollcall.api import tokens
from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from tests.checks_support import DAY, check_url, homeroom, school_time, user


class _Form(HTMLParser):
    """The check form's fields as a browser would post them untouched."""

    def __init__(self):
        super().__init__()
        self.data, self._in_form, self._select = {}, False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "check-form" in (attrs.get("class") or ""):
            self._in_form = True
        if not self._in_form:
            return
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") == "radio":
                if "checked" in attrs:
                    self.data[attrs["name"]] = attrs["value"]
            else:
                self.data[attrs["name"]] = attrs.get("value") or ""
        elif tag == "select":
            self._select = attrs["name"]
            self.data[self._select] = ""
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs["value"]

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        if tag == "select":
            self._select = None


def loaded_form(client, url) -> dict:
    parser = _Form()
    parser.feed(client.get(url).get_data(as_text=True))
    return parser.data


def _ids(app, school):
    with app.app_context():
        return [s.id for s in homeroom(school).students]


def _saved(app) -> dict[int, tuple]:
    with app.app_context():
        return {e.student_id: (e.status, e.reason, e.arrived_at is not None)
                for e in db.session.scalars(db.select(CheckEntry))}


def test_two_editors_changing_different_rows_are_both_saved(app, school, login_as):
    teacher, office = login_as("teacher"), login_as("office")
    a, b, *_rest = _ids(app, school)
    url = check_url(school, "attendance")
    with school_time(8, 0):
        assert teacher.post(url, data={}).status_code == 302
    with school_time(8, 30):
        teacher_form, office_form = loaded_form(teacher, url), loaded_form(office, url)
        assert office.post(url, data=office_form | {f"s{a}": "absent"}).status_code == 302
        response = teacher.post(url, data=teacher_form | {f"s{b}": "late", f"t{b}": "08:25"})
    assert response.status_code == 302
    saved = _saved(app)
    assert saved[a] == ("absent", None, False) and saved[b] == ("late", None, True)
    with app.app_context():
        assert db.session.scalar(db.select(Check.version)) == 3


def test_two_editors_starting_the_same_new_check_merge_too(app, school, login_as):
    teacher, office = login_as("teacher"), login_as("office")
    a, b, *_rest = _ids(app, school)
    url = check_url(school, "attendance")
    with school_time(8, 0):
        teacher_form, office_form = loaded_form(teacher, url), loaded_form(office, url)
        assert office.post(url, data=office_form | {f"s{a}": "absent"}).status_code == 302
        assert teacher.post(url, data=teacher_form | {f"s{b}": "absent"}).status_code == 302
    saved = _saved(app)
    assert saved[a][0] == saved[b][0] == "absent"


def test_the_same_row_changed_by_both_is_refused_with_both_values_and_who(app, school,
                                                                         login_as):
    teacher, office = login_as("teacher"), login_as("office")
    a, b, *_rest = _ids(app, school)
    url = check_url(school, "attendance")
    with school_time(8, 0):
        teacher.post(url, data={})
    with school_time(8, 30):
        teacher_form, office_form = loaded_form(teacher, url), loaded_form(office, url)
        office.post(url, data=office_form | {f"s{a}": "absent"})
        before = _saved(app)
    with school_time(8, 35):
        response = teacher.post(url, data=teacher_form | {
            f"s{a}": "excused", f"r{a}": "看病", f"s{b}": "absent"},
            headers={"Accept-Language": "en"})
    text = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    with app.app_context():
        name = homeroom(school).students[0].name
        other = user(school, "office").display_name
    conflicts = text.split('class="flash flash-warning conflicts"')[1].split("</section>")[0]
    assert f"{name}: your screen Excused · 看病; saved by {other} at 08:30: Absent" in conflicts
    assert _saved(app) == before  # nothing written, not even the row nobody else changed
    # The page keeps the teacher's other change and shows the other person's value in row a:
    form = loaded_form_from(text)
    assert form[f"s{b}"] == "absent" and form[f"s{a}"] == "absent"
    with school_time(8, 36):  # tapping the row again means it: now it saves
        assert teacher.post(url, data=form | {f"s{a}": "excused", f"r{a}": "看病"},
                            ).status_code == 302
    saved = _saved(app)
    assert saved[a] == ("excused", "看病", False) and saved[b][0] == "absent"


def loaded_form_from(text: str) -> dict:
    parser = _Form()
    parser.feed(text)
    return parser.data


@pytest.fixture
def api(app, school):
    made = {}
    client = app.test_client()
    base = f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks/{DAY.isoformat()}"

    def call(role, method, kind, body=None):
        if role not in made:
            with app.app_context():
                made[role] = tokens.create_token(user(school, role))
                db.session.commit()
        return client.open(f"{base}/{kind}" if method == "PUT" else base, method=method,
                           json=body, headers={"Authorization": f"Bearer {made[role]}"})

    return call


def _read(api, role, kind="attendance"):
    checks = api(role, "GET", kind).get_json()["checks"]
    return next(c for c in checks if c["kind"] == kind)


def _with_base(read, number, change):
    entry = next(e for e in read["entries"] if e["student_number"] == number)
    return {"student_number": number, "base": entry} | change


def test_over_the_api_a_per_entry_base_merges_a_stale_version(app, school, api):
    with app.app_context():
        na, nb = [s.student_number for s in homeroom(school).students[:2]]
    with school_time(8, 0):
        assert api("teacher", "PUT", "attendance", {"version": None, "entries": []}
                   ).status_code == 200
        read_t, read_o = _read(api, "teacher"), _read(api, "office")
        assert api("office", "PUT", "attendance", {"version": read_o["version"], "entries": [
            _with_base(read_o, na, {"status": "absent"})]}).status_code == 200
        merged = api("teacher", "PUT", "attendance", {"version": read_t["version"], "entries": [
            _with_base(read_t, nb, {"status": "excused", "reason": "看病"})]})
        assert merged.status_code == 200
        statuses = {e["student_number"]: e["status"] for e in merged.get_json()["entries"]}
        assert statuses[na] == "absent" and statuses[nb] == "excused"
        stale = api("teacher", "PUT", "attendance", {"version": read_t["version"], "entries": [
            _with_base(read_t, na, {"status": "late"})]})
        assert stale.status_code == 409
        body = stale.get_json()
        assert body["conflicts"] == [{"student_number": na, "yours": {"status": "late"},
                                      "saved": {"status": "absent"},
                                      "changed_by": user_name(app, school, "office")}]
        # Without bases the whole-check version still rules:
        assert api("teacher", "PUT", "attendance", {"version": read_t["version"], "entries": [
            {"student_number": nb, "status": "present"}]}).status_code == 409


def user_name(app, school, role):
    with app.app_context():
        return user(school, role).display_name
