"""The menu's language switch and sign-out keep what is typed on a page, without JavaScript.

On a page of one form (rollcall/page_forms.py: every page where a person types something, from
the check pages to the admin's edit forms; see PAGES below), the menu's two buttons are,
without JavaScript, buttons of the page's form: the press carries what was typed. A language
switch brings the page back as typed in the other language, saving nothing; a sign-out with
typed text signs nobody out and brings the page back as typed, saying so, with a button that
signs out anyway. Without typed text both do what they always did. (With JavaScript the menu
keeps its own forms and checks.js warns: tests/browser/test_forms_kept.py.)"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from rollcall.cases.models import CaseEvent
from rollcall.checks.models import Check
from rollcall.custody.models import ConfiscatedItem, CustodyEvent
from rollcall.extensions import db
from rollcall.family.models import ContactLog, ParentMeeting
from rollcall.models import CalendarDay, Guardian, Homeroom, School, Student, StudentGuardian, User
from rollcall.roster.models import RosterGroupChoice
from rollcall.screening.models import Conflict, ConflictUpdate, Screening
from rollcall.watch.models import WatchEntry, WatchNote
from tests.checks_support import check_url, page, school_time, table_rows
from tests.roster_helpers import ONEROSTER
from tests.test_cases import open_case
from tests.test_csrf_mask import signed_in
from tests.test_roster_groups import groups_link, upload
from tests.test_screening import record as record_conflict
from tests.test_watch import watched  # noqa: F401  (a fixture)

EN, ZH = {"Accept-Language": "en"}, {"Accept-Language": "zh-CN"}
STORED = (Check, ContactLog, CaseEvent, WatchNote, Conflict, Screening, CalendarDay, Student,
          User, ConfiscatedItem, CustodyEvent, ParentMeeting, ConflictUpdate, WatchEntry, Guardian,
          StudentGuardian, Homeroom, School, RosterGroupChoice)
HELD = "You typed on this page and it is not saved yet"


class PageForm(HTMLParser):
    """The controls of one form of a page, as a browser would post them (no button pressed),
    and the formaction of the buttons in <noscript> that post it."""

    def __init__(self, html: str, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.select, self.textarea = form_id, False, None, False
        self.fields, self.text_fields, self.radios, self.menu = [], [], {}, {}
        self.selects, self.chosen = {}, None  # each list's option values; the one changed
        self.feed(html)

    def handle_starttag(self, tag, attr_list):
        attrs = dict(attr_list)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        mine = attrs.get("form", self.form_id if self.inside else None) == self.form_id
        if tag == "button" and attrs.get("form") == self.form_id and "formnovalidate" in attrs:
            self.menu_button(attrs["formaction"])
        if tag == "option" and self.select:
            self.select[1].append((attrs.get("value", ""), "selected" in attrs))
        if mine and "disabled" not in attrs and attrs.get("name"):
            self.control(tag, attrs)

    def control(self, tag, attrs):
        name, kind = attrs["name"], attrs.get("type", "text")
        if tag == "select":
            self.select = [name, []]  # its options: (value, marked selected)
        elif tag == "textarea":
            self.fields.append([name, ""])
            self.text_fields.append(len(self.fields) - 1)
            self.textarea = True
        elif tag == "input" and kind in ("radio", "checkbox"):
            self.radios.setdefault(name, []).append(attrs.get("value", "on"))
            if "checked" in attrs:
                self.fields.append([name, attrs.get("value", "on")])
        elif tag == "input" and kind not in ("submit", "button", "file"):
            self.fields.append([name, attrs.get("value", "")])
            if kind in ("text", "password", "tel", "email") and "readonly" not in attrs:
                self.text_fields.append(len(self.fields) - 1)

    def menu_button(self, formaction: str) -> None:
        self.menu["language" if "/language" in formaction else "sign_out"] = formaction

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.text_fields[-1]][1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self.textarea:
            self.textarea = False
            field = self.fields[self.text_fields[-1]]
            field[1] = field[1].removeprefix("\r").removeprefix("\n")
        elif tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            name, options = self.select
            chosen = [value for value, marked in options if marked] or [options[0][0]]
            self.fields += [[name, value] for value in chosen]
            self.selects[name] = [value for value, _marked in options]
            self.select = None

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def unknown_decl(self, data):
        pass

    def as_shown(self) -> MultiDict:
        return MultiDict([tuple(pair) for pair in self.fields])

    def typed(self, tag: str) -> tuple[MultiDict, list[str]]:
        """What the page holds with a distinct text typed into every text field and the first
        radio button group tapped to another value (on a page of lists only: the first list
        set to another choice); the texts typed."""
        fields = [list(pair) for pair in self.fields]
        texts = []
        for n, index in enumerate(self.text_fields):
            texts.append(f"{tag}-{n}-已填写")
            fields[index][1] = texts[-1]
        for name, values in self.radios.items():
            if len(values) > 1:
                now = next((v for k, v in fields if k == name), None)
                fields = [pair for pair in fields if pair[0] != name]
                fields.append([name, next(v for v in values if v != now)])
                break
        if not texts and not self.radios:
            name, values = next(iter(self.selects.items()))
            now = next(v for k, v in fields if k == name)
            fields = [pair for pair in fields if pair[0] != name]
            fields.append([name, next(v for v in values if v != now)])
            self.chosen = name
        return MultiDict([tuple(pair) for pair in fields]), texts


def stored(app) -> list:
    """What the pages could save (an account's language and sign-in token left out: the
    language switch stores the one, signing out the other)."""
    with app.app_context():
        tables = [db.session.execute(db.select(model.__table__).order_by(
            *model.__table__.primary_key.columns)).mappings().all() for model in STORED]
        db.session.remove()
    return [[{k: v for k, v in row.items() if k not in ("locale", "session_token")}
             for row in rows] for rows in tables]


def the_page(client, url, form_id):
    """The page in English, and its form as shown; its menu's buttons post that form."""
    html = page(client.get(url, headers=EN))
    form = PageForm(html, form_id)
    assert set(form.menu) == {"language", "sign_out"}, url
    assert "next=" + url in form.menu["language"]
    return form


def kept_in(html: str, form: PageForm, data: MultiDict, texts: list[str]) -> None:
    """Every text typed, every radio button tapped and every list's choice is on the page
    again."""
    for text in texts:
        assert text in html
    if form.chosen:
        select = re.search(rf'<select[^>]*name="{re.escape(form.chosen)}".*?</select>', html,
                           re.S).group(0)
        option = re.search(rf'<option[^>]*value="{re.escape(data[form.chosen])}"[^>]*>',
                           select).group(0)
        assert " selected" in option, option
    for name in form.radios:
        for value in data.getlist(name):
            tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*'
                            rf'value="{re.escape(value)}"[^>]*>', html).group(0)
            assert " checked" in tag, tag


def presses_keep_what_is_typed(app, client, url, form_id, tag):
    """Type into every field, press the language switch, then sign out: the page comes back as
    typed each time and nothing is stored; as shown, each does what it always did."""
    form = the_page(client, url, form_id)
    data, texts = form.typed(tag)
    assert texts or form.radios or form.selects, "nothing to type on " + url
    before = stored(app)

    response = client.post(form.menu["language"], headers=EN, data=data)
    assert response.status_code == 200
    html = page(response)
    assert '<html lang="zh-Hans">' in html and 'lang="en">English</button>' in html
    kept_in(html, form, data, texts)

    # Signing out with typed text: still signed in, the page as typed, one button away.
    response = client.post(form.menu["sign_out"], headers=EN, data=data)
    assert response.status_code == 200
    html = page(response)
    assert "您在本页输入的内容尚未保存" in html and "仍然退出" in html
    kept_in(html, form, data, texts)
    assert stored(app) == before
    assert client.get(url).status_code == 200  # still signed in

    # Nothing typed: the language switch goes back to the page, signing out signs out.
    response = client.post(form.menu["language"], headers=ZH, data=form.as_shown())
    assert response.status_code == 302 and response.headers["Location"] == url
    response = client.post(form.menu["sign_out"], data=form.as_shown())
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert client.get(url).status_code == 302  # signed out
    assert stored(app) == before


@pytest.mark.parametrize("kind", ["bag", "attendance", "dismissal"])
def test_the_check_pages_keep_taps_through_the_menu(app, login_as, school, kind):
    with school_time(16, 0 if kind == "dismissal" else 7):
        presses_keep_what_is_typed(app, login_as("teacher"), check_url(school, kind), "check",
                                   kind)


def test_the_attendance_page_keeps_a_family_contact_through_the_menu(app, login_as, school):
    student = school.student_ids["room1"][4]
    teacher = login_as("teacher")
    with school_time(7, 50):
        teacher.post(check_url(school, "attendance"), data={f"s{student}": "absent"})
        assert 'name="note"' in page(teacher.get(check_url(school, "attendance")))
        presses_keep_what_is_typed(app, teacher, check_url(school, "attendance"), "check",
                                   "contact")


def test_a_case_page_keeps_its_notes_through_the_menu(app, login_as, school):
    case = open_case(app, login_as, school)
    with school_time(10, 0):
        presses_keep_what_is_typed(app, login_as("office"), f'/cases/{case["id"]}',
                                   "case-form", "case")


def test_a_watched_students_page_keeps_its_notes_through_the_menu(app, login_as, school,
                                                                watched):  # noqa: F811
    with school_time(10, 0):
        presses_keep_what_is_typed(app, login_as("office"), f'/watch/{watched["id"]}',
                                   "watch-form", "watch")


def test_the_screening_page_keeps_a_conflict_through_the_menu(app, login_as, school):
    with school_time(10, 0):
        presses_keep_what_is_typed(
            app, login_as("teacher"), f'/homerooms/{school.homeroom_ids["room1"]}/screening',
            "screening-form", "screening")


def test_the_missing_students_page_keeps_the_test_texts_phone_through_the_menu(
        app, login_as, school):
    """The phone chosen for a test text is part of the page's form: the language switch and
    signing out bring it back chosen."""
    from tests.test_cases import DUTY, set_duty_phones

    set_duty_phones(app, school)
    with school_time(10, 0):
        client = login_as("admin")
        form = the_page(client, "/admin/missing-students", "case-settings-form")
        data = form.as_shown()
        data["phone"] = DUTY[1]
        for button in ("language", "sign_out"):
            response = client.post(form.menu[button], headers=EN, data=data)
            assert response.status_code == 200, button
            option = re.search(rf'<option[^>]*value="{re.escape(DUTY[1])}"[^>]*>',
                               page(response)).group(0)
            assert " selected" in option, button
        assert client.get("/admin/missing-students").status_code == 200  # still signed in


def a_kept_item(app, login_as, school) -> str:
    sid = school.student_ids["room1"][0]
    with school_time(7, 40):
        login_as("teacher").post(check_url(school, "bag"), data={
            f"s{sid}": "found", f"c{sid}": "fire", f"d{sid}": "打火机",
            f"a{sid}": "kept_by_teacher"})
    [item] = table_rows(app, ConfiscatedItem)
    return f'/items/{item["id"]}'


def a_conflict(app, login_as, school) -> str:
    record_conflict(login_as("teacher"), school)
    [conflict] = table_rows(app, Conflict)
    return f'/conflicts/{conflict["id"]}'


def a_guardian(app) -> int:
    with app.app_context():
        guardian_id = db.session.scalar(db.select(db.func.min(StudentGuardian.guardian_id)))
        db.session.remove()
    return guardian_id


def a_groups_page(client, tmp_path) -> str:
    """The roll-call groups page of a OneRoster set just checked."""
    return groups_link(upload(client, ONEROSTER / "scheduled_only", tmp_path)
                       .get_data(as_text=True))


# Every page of one form that a person types in, but those with tests of their own above
# (at 10:00 on a school day):
# who opens it, its address (made from app, login_as, school, the client, tmp_path), its form.
PAGES = {
    "custody item": ("teacher", lambda a, log, s, c, t: a_kept_item(a, log, s), "custody-form"),
    "parent meetings": ("teacher", lambda a, log, s, c, t:
                        f'/homerooms/{s.homeroom_ids["room1"]}/parent-meetings', "meeting-form"),
    "family contacts": ("teacher", lambda a, log, s, c, t:
                        f'/students/{s.student_ids["room1"][0]}/family-contacts', "contact-form"),
    "conflict": ("office", lambda a, log, s, c, t: a_conflict(a, log, s), "conflict-form"),
    "watch list: add": ("office", lambda a, log, s, c, t: "/watch/new", "watch-add-form"),
    "calendar": ("admin", lambda a, log, s, c, t: "/admin/calendar", "calendar-form"),
    "student": ("admin", lambda a, log, s, c, t: f'/admin/students/{s.student_ids["room1"][0]}',
                "student-form"),
    "new student": ("admin", lambda a, log, s, c, t: "/admin/students/new", "student-form"),
    "account": ("admin", lambda a, log, s, c, t: f'/admin/users/{s.user_ids["teacher"]}',
                "account-form"),
    "new account": ("admin", lambda a, log, s, c, t: "/admin/users/new", "account-form"),
    "guardian": ("admin", lambda a, log, s, c, t: f"/admin/guardians/{a_guardian(a)}",
                 "edit-form"),
    "new guardian": ("admin", lambda a, log, s, c, t:
                     f'/admin/students/{s.student_ids["room1"][0]}/guardians/new', "edit-form"),
    "contacts: guardian": ("office", lambda a, log, s, c, t:
                           f"/contacts/guardians/{a_guardian(a)}", "edit-form"),
    "homeroom": ("admin", lambda a, log, s, c, t: f'/admin/homerooms/{s.homeroom_ids["room1"]}',
                 "edit-form"),
    "new homeroom": ("admin", lambda a, log, s, c, t: "/admin/homerooms/new", "edit-form"),
    "school settings": ("admin", lambda a, log, s, c, t: "/admin/school", "edit-form"),
    "missing students settings": ("admin", lambda a, log, s, c, t: "/admin/missing-students",
                                  "case-settings-form"),
    "screening settings": ("admin", lambda a, log, s, c, t: "/admin/screening",
                           "screening-settings-form"),
    "text settings": ("admin", lambda a, log, s, c, t: "/admin/text-settings",
                      "text-settings-form"),
    "roster import": ("admin", lambda a, log, s, c, t: "/admin/import", "import-form"),
    "roll-call groups": ("admin", lambda a, log, s, c, t: a_groups_page(c, t), "groups-form"),
}


TEMPLATES = Path(__file__).parent.parent / "templates"
SIGNED_OUT = {"auth/login.html"}  # no menu of a signed-in person to post it


@pytest.mark.any_database
def test_every_page_with_a_form_to_type_in_declares_it():
    """A page posting a form declares it as its page form (page_forms), or the menu's presses
    without JavaScript would drop what is typed there: PAGES and the tests above visit them."""
    undeclared = [str(path.relative_to(TEMPLATES)) for path in sorted(TEMPLATES.rglob("*.html"))
                  if 'method="post"' in path.read_text(encoding="utf-8")
                  and "page_form" not in path.read_text(encoding="utf-8")]
    assert undeclared == sorted(SIGNED_OUT)


@pytest.mark.any_database  # pages drawn and posted: what is stored is only compared
@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_of_one_form_keeps_what_is_typed_through_the_menu(
        app, login_as, school, tmp_path, name):
    role, address, form_id = PAGES[name]
    with school_time(10, 0):
        client = login_as(role)
        url = address(app, login_as, school, client, tmp_path)
        presses_keep_what_is_typed(app, client, url, form_id, name.replace(" ", "-"))


def test_the_password_page_keeps_what_is_typed_through_the_menu(app, login_as, school):
    with school_time(10, 0):
        presses_keep_what_is_typed(app, login_as("teacher"), "/account/password",
                                   "password-form", "password")


def test_a_page_without_a_form_keeps_the_menus_own_forms(login_as, school):
    html = page(login_as("teacher").get(f'/homerooms/{school.homeroom_ids["room1"]}/today'))
    assert "<noscript>" not in html and "with-script" not in html
    assert 'action="/logout"' in html and 'action="/language"' in html


def test_a_sign_out_of_ones_own_phones_is_held_while_a_password_is_typed(
        app, login_as, school):
    """One's own password page is one form: its sign-out buttons post the passwords typed
    above, and while one is typed they sign nobody out and the page comes back as typed."""
    login_as("teacher")  # another phone of the teacher
    teacher = login_as("teacher")
    html = page(teacher.get("/account/password", headers=EN))
    buttons = re.findall(r'form="password-form" formaction="(/account/sessions/[^"]+)"', html)
    assert len(buttons) == 3  # each of two phones, and everywhere else
    typed = {"current_password": "old-secret-1", "new_password": "new-secret-2027",
             "confirm": "new-secret-2027"}
    for action in buttons:
        response = teacher.post(action, headers=EN, data=typed)
        assert response.status_code == 409, action
        text = page(response)
        assert "Nothing was saved: you also typed in Change password" in text
        assert 'value="new-secret-2027"' in text and 'value="old-secret-1"' in text
    assert teacher.get("/account/password").status_code == 200
    assert len(re.findall("Sign out this phone", page(teacher.get(
        "/account/password", headers=EN)))) == 2
    # Nothing typed: the button does what it says.
    response = teacher.post(buttons[-1], headers=EN, data={})
    assert response.status_code == 302
    assert len(re.findall("Sign out this phone", page(teacher.get(
        "/account/password", headers=EN)))) == 1


def test_the_menus_presses_on_a_page_form_need_its_csrf_token(make_app, app, school):
    """CSRF on: a press carries the page form's token; without it, it is refused."""
    protected = make_app(WTF_CSRF_ENABLED=True)
    client = signed_in(protected, school, "teacher")
    with school_time(10, 0):
        form = the_page(client, "/account/password", "password-form")
        data, texts = form.typed("csrf")
        assert data["csrf_token"]
        for button in ("language", "sign_out"):
            response = client.post(form.menu[button], data=data)
            assert response.status_code == 200 and texts[0] in page(response)
            without = MultiDict([(k, v) for k, v in data.items(multi=True) if k != "csrf_token"])
            assert client.post(form.menu[button], data=without).status_code == 400
        assert client.get("/account/password").status_code == 200


def test_a_page_that_is_gone_does_not_hold_the_menu_back(app, login_as, school):
    """A page that cannot be drawn again (gone, or no longer this user's): the language
    switch goes back as usual and signing out signs out."""
    teacher = login_as("teacher")
    typed = {"note": "已查看监控"}
    response = teacher.post("/language?locale=en&next=/cases/9999&form=case-form", data=typed)
    assert response.status_code == 302 and response.headers["Location"] == "/cases/9999"
    response = teacher.post("/logout?next=/admin/calendar&form=calendar-form", data=typed)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert teacher.get("/account/password").status_code == 302
