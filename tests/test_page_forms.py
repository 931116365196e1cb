"""One way to save a page's forms, without JavaScript: a page of several forms is posted as
one, so whichever button is pressed nothing typed in another part is silently dropped. It is
saved with the press (a family contact, a note) or the press is refused and the page comes
back with everything as typed and a message (rollcall/page_forms.py)."""

from datetime import timedelta

import pytest

from rollcall.cases.models import CaseEvent, MissingCase
from rollcall.checks.models import Check
from rollcall.family.models import ContactLog
from rollcall.models import CalendarDay
from rollcall.screening.models import Conflict, Screening
from rollcall.watch.models import WatchEntry, WatchNote
from tests.checks_support import DAY, check_url, page, school_time, table_rows
from tests.test_cases import open_case
from tests.test_watch import watched  # noqa: F401  (a fixture)

EN = {"Accept-Language": "en"}
KEPT = "Nothing was saved: you also typed in"
NOTE = "母亲说孩子发烧，在家休息"


def contact(student_id, **overrides) -> dict:
    return {"student_id": student_id, "person": "母亲", "method": "phone",
            "outcome": "reason_given", "contacted_at": "07:50", "note": NOTE} | overrides


def test_the_attendance_save_logs_a_family_contact_typed_below_it(app, login_as, school):
    student = school.student_ids["room1"][4]
    with school_time(7, 55):
        response = login_as("teacher").post(check_url(school, "attendance"), headers=EN,
                                            data={f"s{student}": "absent"} | contact(student))
    assert response.status_code == 302
    [logged] = table_rows(app, ContactLog)
    assert logged["note"] == NOTE and logged["student_id"] == student
    [check] = table_rows(app, Check)
    assert check["kind"] == "attendance"


def test_an_incomplete_contact_holds_the_attendance_save_back_and_stays_typed(
        app, login_as, school):
    student = school.student_ids["room1"][4]
    with school_time(7, 55):
        response = login_as("teacher").post(check_url(school, "attendance"), headers=EN,
                                            data={f"s{student}": "absent"}
                                            | contact(student, person=""))
    assert response.status_code == 422
    text = page(response)
    assert "The family contact needs attention; nothing was saved." in text
    assert NOTE in text and 'value="absent" checked' in text
    assert table_rows(app, ContactLog) == [] and table_rows(app, Check) == []


def test_logging_a_contact_does_not_drop_taps_not_saved_yet(app, login_as, school):
    student, other = school.student_ids["room1"][4], school.student_ids["room1"][2]
    teacher = login_as("teacher")
    with school_time(7, 50):
        teacher.post(check_url(school, "attendance"), data={f"s{student}": "absent"})
    with school_time(7, 55):
        response = teacher.post(check_url(school, "attendance") + "/contacts", headers=EN,
                                data={f"s{student}": "absent", f"s{other}": "absent"}
                                | contact(student))
    assert response.status_code == 409
    text = page(response)
    assert KEPT in text and "Attendance" in text and NOTE in text
    assert f'name="s{other}" value="absent" checked' in text
    assert table_rows(app, ContactLog) == []
    # The untouched taps as saved: the contact goes through.
    with school_time(7, 56):
        response = teacher.post(check_url(school, "attendance") + "/contacts", headers=EN,
                                data={f"s{student}": "absent"} | contact(student))
    assert response.status_code == 302 and len(table_rows(app, ContactLog)) == 1


def test_a_refused_contact_comes_back_typed_with_its_message(app, login_as, school):
    student = school.student_ids["room1"][4]
    teacher = login_as("teacher")
    with school_time(7, 50):
        teacher.post(check_url(school, "attendance"), data={f"s{student}": "absent"})
    with school_time(7, 55):
        response = teacher.post(check_url(school, "attendance") + "/contacts", headers=EN,
                                data=contact(student, person=""))
    assert response.status_code == 422
    text = page(response)
    assert "The family contact needs attention; nothing was saved." in text
    assert NOTE in text and 'id="person-error"' in text
    assert table_rows(app, ContactLog) == []


def test_a_watch_note_is_refused_while_a_closing_note_is_typed(app, login_as, school,
                                                             watched):  # noqa: F811
    url = f'/watch/{watched["id"]}'
    office = login_as("office")
    with school_time(10, 0):
        response = office.post(url + "/notes", headers=EN, data={
            "day": DAY.isoformat(), "note": "与母亲通话", "close-note": "一个月无异常"})
        assert response.status_code == 409
        text = page(response)
        assert KEPT in text and "与母亲通话" in text and "一个月无异常" in text
        assert table_rows(app, WatchNote) == []
        # Taking off saves the note typed above it too.
        response = office.post(url + "/close", headers=EN, data={
            "day": DAY.isoformat(), "note": "与母亲通话", "close-note": "一个月无异常"})
    assert response.status_code == 302
    assert [n["note"] for n in table_rows(app, WatchNote)] == ["与母亲通话"]
    assert table_rows(app, WatchEntry)[0]["closing_note"] == "一个月无异常"


def test_a_case_note_is_refused_while_the_closing_is_typed(app, login_as, school):
    case = open_case(app, login_as, school)
    url = f'/cases/{case["id"]}'
    office = login_as("office")
    with school_time(10, 0):
        response = office.post(url + "/notes", headers=EN, data={
            "note": "已查看监控", "close-outcome": "found_at_home", "close-note": "在家找到"})
        assert response.status_code == 409
        text = page(response)
        assert KEPT in text and "已查看监控" in text and "在家找到" in text
        assert [e["kind"] for e in table_rows(app, CaseEvent)] == ["opened"]
        response = office.post(url + "/close", headers=EN, data={
            "note": "已查看监控", "close-outcome": "found_at_home", "close-note": "在家找到"})
    assert response.status_code == 302
    events = table_rows(app, CaseEvent)
    assert [e["note"] for e in events if e["kind"] == "note"] == ["已查看监控"]
    assert table_rows(app, MissingCase)[0]["outcome"] == "found_at_home"


def test_no_conflicts_is_refused_while_a_conflict_is_typed(app, login_as, school):
    url = f'/homerooms/{school.homeroom_ids["room1"]}/screening'
    with school_time(10, 0):
        response = login_as("teacher").post(url + "/none", headers=EN, data={
            "about": "篮球场上争执", "action": "分别谈话"})
    assert response.status_code == 409
    text = page(response)
    assert KEPT in text and "篮球场上争执" in text and "分别谈话" in text
    assert table_rows(app, Screening) == [] and table_rows(app, Conflict) == []


def test_removing_a_calendar_day_is_refused_while_days_are_typed(app, login_as, school):
    admin = login_as("admin")
    day = (DAY + timedelta(days=10)).isoformat()
    with school_time(10, 0):
        assert admin.post("/admin/calendar", data={
            "first_day": day, "school_day": "no", "name": "运动会"}).status_code == 302
        [marked] = table_rows(app, CalendarDay)
        response = admin.post(f'/admin/calendar/{marked["id"]}/delete', headers=EN, data={
            "first_day": day, "school_day": "no", "name": "清明节"})
    assert response.status_code == 409
    assert KEPT in page(response) and "清明节" in page(response)
    assert table_rows(app, CalendarDay) == [marked]


def test_a_students_page_keeps_what_is_typed_in_its_parts(app, login_as, school):
    """The admin's student page: the student's fields and each guardian's contact order."""
    from rollcall.extensions import db
    from rollcall.models import Student, StudentGuardian

    def links():
        with app.app_context():
            rows = db.session.execute(db.select(StudentGuardian.guardian_id,
                                                StudentGuardian.contact_order)
                                      .where(StudentGuardian.student_id == student)).all()
            db.session.remove()
            return [tuple(row) for row in rows]

    admin = login_as("admin")
    student = school.student_ids["room1"][0]
    [link] = links()
    url, guardian = f"/admin/students/{student}", link[0]
    [before] = [r for r in table_rows(app, Student) if r["id"] == student]
    typed = {"student_number": before["student_number"], "name": "改过的名字",
             "homeroom_id": before["homeroom_id"], "seat": before["seat"], "active": "y",
             f"order-{guardian}-contact_order": "1"}
    with school_time(10, 0):
        for action in (f"/guardians/{guardian}/unlink", f"/guardians/{guardian}/order"):
            response = admin.post(url + action, headers=EN, data=typed)
            assert response.status_code == 409, action
            assert KEPT in page(response) and "改过的名字" in page(response)
        response = admin.post(url, headers=EN, data=typed | {
            f"order-{guardian}-contact_order": "3"})
        assert response.status_code == 409 and "Contact order" in page(response)
        assert 'value="3"' in page(response)
    assert [r for r in table_rows(app, Student) if r["id"] == student] == [before]
    assert links() == [link]
    # Nothing else typed: the guardian's own button sets it.
    with school_time(10, 5):
        response = admin.post(url + f"/guardians/{guardian}/order", headers=EN, data=typed | {
            "name": before["name"], f"order-{guardian}-contact_order": "2"})
    assert response.status_code == 302 and links() == [(guardian, 2)]


def test_a_users_page_keeps_what_is_typed_when_a_sign_out_button_is_pressed(
        app, login_as, school):
    """The admin's account page: the account's fields and the sign-out buttons of its
    sessions are one form; a sign-out pressed with the account edited signs nobody out."""
    import re

    from rollcall.models import User

    teacher = school.user_ids["teacher"]
    login_as("teacher")  # one signed-in phone of the teacher
    admin = login_as("admin")
    url = f"/admin/users/{teacher}"
    shown = page(admin.get(url, headers=EN))
    buttons = re.findall(r'form="account-form" formaction="(/admin/users/[^"]+)"', shown)
    assert len(buttons) == 2  # sign out this phone, sign out everywhere
    [row] = [r for r in table_rows(app, User) if r["id"] == teacher]
    as_shown = {"username": row["username"], "display_name": row["display_name"],
                "phone": row["phone_e164"] or "", "role": row["role"], "active": "y",
                "homerooms": [str(school.homeroom_ids["room1"])]}
    typed = as_shown | {"display_name": "改过的名字", "password": "a-new-password-2027"}
    for action in buttons:
        response = admin.post(action, headers=EN, data=typed)
        assert response.status_code == 409, action
        text = page(response)
        assert KEPT in text and "改过的名字" in text and "a-new-password-2027" in text
    assert [r["display_name"] for r in table_rows(app, User) if r["id"] == teacher] == [
        row["display_name"]]
    assert "No phone or browser is signed in." not in page(admin.get(url, headers=EN))
    response = admin.post(url, headers=EN, data=typed | {"phone": "12"})  # refused: kept
    assert 'class="error"' in page(response) and "a-new-password-2027" in page(response)
    response = admin.post(buttons[-1], headers=EN, data=as_shown)  # nothing typed: it goes
    assert response.status_code == 302
    assert "No phone or browser is signed in." in page(admin.get(url, headers=EN))


def selected(html: str, name: str) -> str | None:
    """The option of the named list shown chosen (None: none marked, the first shows)."""
    import re

    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S).group(0)
    chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]*)"|'
                       r'<option[^>]*value="([^"]*)"[^>]*selected', select)
    return chosen and (chosen.group(1) or chosen.group(2))


DUTY_PAGE, TEST_TEXT = "/admin/missing-students", "/admin/missing-students/test-text"


def as_saved(**typed) -> dict:
    """The missing-students page as drawn with tests.test_cases.DUTY saved, and what is
    typed over it."""
    from tests.test_cases import DUTY

    return {"duty_phones": "\n".join(DUTY), "unreached_by": "10:00",
            "phone": DUTY[0]} | typed


@pytest.mark.parametrize("typed", [{"duty_phones": "+8613900000003"},
                                   {"unreached_by": "11:30"}])
def test_a_test_text_is_refused_while_the_missing_students_settings_are_typed(
        app, login_as, school, typed):
    """The test text's button posts the settings typed above it too: it sends nothing, and
    the page comes back with the settings and the phone chosen as typed."""
    from rollcall.notify.models import OutboxText
    from tests.test_cases import DUTY, set_duty_phones

    set_duty_phones(app, school)
    with school_time(10, 0):
        response = login_as("admin").post(TEST_TEXT, headers=EN,
                                          data=as_saved(phone=DUTY[1], **typed))
    assert response.status_code == 409
    text = page(response)
    assert KEPT in text and [*typed.values()][0] in text
    assert selected(text, "phone") == DUTY[1]
    assert table_rows(app, OutboxText) == []
    with school_time(10, 0):  # the settings as saved: it goes
        response = login_as("admin").post(TEST_TEXT, headers=EN, data=as_saved(phone=DUTY[1]))
    assert response.status_code == 302
    assert [row["to_e164"] for row in table_rows(app, OutboxText)] == [DUTY[1]]


def test_saving_the_missing_students_settings_keeps_the_test_texts_phone(
        app, login_as, school):
    """The phone chosen for a test text is still chosen once the settings above are saved
    (found again in the phones saved, and not written in the address)."""
    from tests.test_cases import DUTY, set_duty_phones

    set_duty_phones(app, school)
    admin = login_as("admin")
    with school_time(10, 0):
        response = admin.post(DUTY_PAGE, headers=EN, data=as_saved(
            duty_phones="\n".join(["+8613900000003", *DUTY]), phone=DUTY[1]))
        assert response.status_code == 302
        assert "8613900000002" not in response.headers["Location"]
        shown = page(admin.get(response.headers["Location"], headers=EN))
    assert "Saved." in shown and selected(shown, "phone") == DUTY[1]
