"""Two people editing one record from pages opened at the same time: each page carries what it
showed, so a save keeps what the other saved meanwhile in the fields it left alone, and a field
both changed is not silently overwritten: the second is told, with what they typed kept, and
saving again keeps theirs. On both databases."""

import html
import re

from rollcall.extensions import db
from rollcall.models import AuditLog, Guardian, Student
from tests.checks_support import page

EN = {"Accept-Language": "en"}
_LOADED = re.compile(r'name="loaded"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="loaded"')


def form_of(text: str) -> dict:
    """The hidden `loaded` field of an edit page (the rest is typed by the test)."""
    match = _LOADED.search(text)
    assert match, "no loaded field on the page"
    return {"loaded": html.unescape(match.group(1) or match.group(2))}


def stored(app, model, record_id, *names):
    with app.app_context():
        row = db.session.get(model, record_id)
        values = tuple(getattr(row, name) for name in names)
        db.session.remove()
    return values


def test_two_admins_changing_different_fields_of_a_student_keep_both(app, login_as, school):
    sid = school.student_ids["room1"][0]
    url = f"/admin/students/{sid}"
    first, second = login_as("admin"), login_as("admin")
    number, name, seat = stored(app, Student, sid, "student_number", "name", "seat")
    fields = {"student_number": number, "name": name, "seat": str(seat), "active": "y",
              "homeroom_id": str(school.homeroom_ids["room1"])}
    first_page, second_page = form_of(page(first.get(url))), form_of(page(second.get(url)))

    assert first.post(url, data=fields | first_page | {"seat": "31"}).status_code == 302
    assert second.post(url, data=fields | second_page | {"name": "改名学生"}).status_code == 302

    assert stored(app, Student, sid, "name", "seat") == ("改名学生", 31)


def test_a_phone_both_changed_is_not_overwritten_without_a_word(app, login_as, school):
    with app.app_context():
        guardian = db.session.scalars(db.select(Guardian).order_by(Guardian.id)).first()
        gid, name = guardian.id, guardian.name
        db.session.remove()
    url = f"/admin/guardians/{gid}"
    fields = {"name": name, "relationship_label": "母亲", "language": "zh_Hans",
              "absence_texts": "y"}
    first, second = login_as("admin"), login_as("admin")
    first_page, second_page = form_of(page(first.get(url))), form_of(page(second.get(url)))
    assert first.post(url, data=fields | first_page | {"phone": "13900000011"}).status_code == 302
    audited = len(db_rows(app))

    refused = second.post(url, data=fields | second_page | {"phone": "13900000022"}, headers=EN)

    assert refused.status_code == 409
    shown = page(refused)
    assert "someone else saved other values in: Phone" in shown
    assert 'value="13900000022"' in shown  # what the second admin typed is still there
    assert stored(app, Guardian, gid, "phone_e164") == ("+8613900000011",)
    assert len(db_rows(app)) == audited  # nothing was saved, nothing audited
    again = second.post(url, data=fields | form_of(shown) | {"phone": "13900000022"})
    assert again.status_code == 302
    assert stored(app, Guardian, gid, "phone_e164") == ("+8613900000022",)


def test_a_page_without_what_it_showed_saves_as_before(app, login_as, school):
    """A form posted without `loaded` (an old page, a script): written as typed."""
    sid = school.student_ids["room1"][1]
    number, seat = stored(app, Student, sid, "student_number", "seat")
    response = login_as("admin").post(f"/admin/students/{sid}", data={
        "student_number": number, "name": "旧页面", "seat": str(seat), "active": "y",
        "homeroom_id": str(school.homeroom_ids["room1"])})
    assert response.status_code == 302
    assert stored(app, Student, sid, "name") == ("旧页面",)


def db_rows(app):
    with app.app_context():
        rows = db.session.scalars(db.select(AuditLog.id)).all()
        db.session.remove()
    return rows
