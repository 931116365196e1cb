"""Roster pages in a real browser with CSRF on: the office fixes a phone on a phone; an admin
uploads a roster and marks a holiday; a teacher reads the class contacts without scrolling
sideways."""

from datetime import date

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Guardian, Student
from tests.browser.conftest import sign_out, too_wide
from tests.checks_support import at
from tests.factories import PASSWORD
from tests.roster_helpers import SIMPLE_CLEAN

TEXT = {"zh": {"saved": "已保存"}, "en": {"saved": "Saved"}}


def guardian_id(app, school):
    with app.app_context():
        return db.session.get(Student, school.student_ids["room1"][0]).guardian_links[0] \
            .guardian_id


def test_office_corrects_a_guardian_phone_on_a_phone(live_server, phone, lang, school, sign_in):
    target = guardian_id(live_server.app, school)
    sign_in(phone, live_server.url, "office.zhang", PASSWORD)
    phone.goto(f"{live_server.url}/contacts/guardians/{target}")
    phone.fill("input[name=phone]", "139 0000 2222")
    phone.locator("label.check input[name=absence_texts]").uncheck()
    with phone.expect_navigation():
        phone.locator("form.card button[type=submit]").tap()
    assert TEXT[lang]["saved"] in phone.locator(".flash").inner_text()
    with live_server.app.app_context():
        guardian = db.session.get(Guardian, target)
        assert (guardian.phone_e164, guardian.absence_texts) == ("+8613900002222", False)


@pytest.mark.both_languages
def test_teacher_reads_class_contacts_on_a_phone(live_server, phone, lang, school, sign_in):
    sign_in(phone, live_server.url, "t.wang", PASSWORD)
    phone.goto(f"{live_server.url}/homerooms/{school.homeroom_ids['room1']}/contacts")
    assert "家长1-1" in phone.locator("main").inner_text()
    assert phone.locator("a[href^='tel:']").count() == 5
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_admin_checks_then_confirms_a_roster_on_a_phone(live_server, phone, lang, school,
                                                        sign_in):
    """Upload, read what would change (the deactivations highlighted), then confirm."""
    text = {"zh": ("已检查：确认之前不会写入任何内容。", "将被停用", "确认：导入并停用", "已导入"),
            "en": ("Checked: nothing is written until you confirm.", "Would be deactivated",
                   "Confirm: import and deactivate", "Imported")}[lang]
    sign_in(phone, live_server.url, "admin.li", PASSWORD)
    phone.goto(f"{live_server.url}/admin/import")
    phone.set_input_files("input[name=file]", str(SIMPLE_CLEAN))
    with phone.expect_navigation():
        phone.locator("form.upload button[type=submit]").tap()
    report = phone.locator(".import-report")
    assert text[0] in report.inner_text()
    deactivations = phone.locator(".deactivations")
    assert text[1] in deactivations.inner_text() and "学生01 (1班001)" in \
        deactivations.inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with live_server.app.app_context():  # nothing written before the confirmation
        assert db.session.scalar(db.select(Student).where(Student.student_number == "2027101")) \
            is None
    confirm = phone.locator("form.confirm button[type=submit]")
    assert confirm.inner_text().strip() == text[2]
    with phone.expect_navigation():
        confirm.tap()
    assert text[3] in phone.locator(".import-report").inner_text()
    with live_server.app.app_context():
        assert db.session.scalar(db.select(Student).where(Student.student_number == "2027101"))
        assert db.session.get(Student, school.student_ids["room1"][0]).active is False


def test_admin_marks_a_holiday_and_the_teacher_sees_it_on_today(live_server, phone, lang,
                                                                  school, sign_in):
    """Date inputs are filled the way a phone's picker fills them (ISO); CSRF is on."""
    holiday = date(2027, 10, 1)
    expect = {"zh": ("已保存：1 天。", "国庆节 · 今天不上课"),
              "en": ("Saved: 1 day.", "国庆节 · No school today")}[lang]
    sign_in(phone, live_server.url, "admin.li", PASSWORD)
    phone.goto(f"{live_server.url}/admin/calendar")
    phone.fill("input[name=first_day]", holiday.isoformat())
    phone.select_option("select[name=school_day]", "no")
    phone.fill("input[name=name]", "国庆节")
    with phone.expect_navigation():
        phone.locator("form.card button[type=submit]").tap()
    assert expect[0] in phone.locator(".flash").inner_text()
    assert "2027-10-01" in phone.locator("table").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    with clock.frozen(at(9, 0, holiday)):
        sign_out(phone)  # on a phone the admin's menu folds the button away
        sign_in(phone, live_server.url, "t.wang", PASSWORD)
        assert expect[1] in phone.locator("main").inner_text()


ADMIN_PAGES = ("/admin/", "/admin/homerooms", "/admin/students", "/admin/guardians",
               "/admin/users", "/admin/school", "/admin/import", "/admin/import/format",
               "/admin/calendar", "/contacts/")


@pytest.mark.both_languages
def test_admin_pages_fit_a_phone(live_server, phone, lang, school, sign_in):
    sign_in(phone, live_server.url, "admin.li", PASSWORD)
    assert too_wide(phone, live_server.url, ADMIN_PAGES) == {}
