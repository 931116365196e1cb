"""Less scrolling on the check pages: a seat index, the absent students' families to call at
the top of a saved attendance page, and a link to correct yesterday while it is still open."""

import re

import pytest

from rollcall.checks import services
from rollcall.extensions import db
from rollcall.models import School
from tests import factories
from tests.checks_support import DAY, YESTERDAY, check_url, homeroom, school_time, user

pytestmark = pytest.mark.any_database  # checked by tests/dialect_guard.py


def text_of(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_saved_attendance_page_starts_with_the_absent_students_families(app, login_as,
                                                                          school):
    with app.app_context(), school_time(7, 50):
        room = homeroom(school)
        absent = room.students[1]
        phone = absent.guardian_links[0].guardian.phone_e164
        services.save_check(room, DAY, "attendance", [
            {"student_number": absent.student_number, "status": "absent"}], None, user(school))
        name = absent.name
    with school_time(8, 0):
        text = text_of(login_as("teacher").get(check_url(school, "attendance")))
    assert f'href="tel:{phone}"' in text
    contacts, form = text.index('id="contacts"'), text.index('class="check-form"')
    assert contacts < form
    assert text.index(name, contacts) < form  # named in the list above the rows
    assert text.index('name="student_id"') < form  # and the contact form is up there too


def test_an_unsaved_attendance_page_keeps_the_contacts_below_the_rows(app, login_as, school):
    with school_time(7, 40):
        text = text_of(login_as("teacher").get(check_url(school, "attendance")))
    assert text.index('class="check-form"') < text.index('id="contacts"')


def test_a_long_class_has_a_seat_index_that_jumps_to_rows(app):
    with app.app_context():
        big = factories.small_school(students_per_class=46)
    client = app.test_client()
    client.post("/login", data={"username": big.usernames["teacher"],
                                "password": factories.PASSWORD})
    with school_time(7, 40):
        text = text_of(client.get(check_url(big, "bag")))
    index = re.findall(r'<a href="#seat-(\d+)">', text)
    assert index == ["1", "11", "21", "31", "41"]
    assert all(f'id="seat-{seat}"' in text for seat in index)


def test_yesterday_can_be_corrected_from_today_until_the_cutoff(app, login_as, school):
    client = login_as("teacher")
    today = f"/homerooms/{school.homeroom_ids['room1']}/today"
    yesterday_page = check_url(school, "attendance", day=YESTERDAY)
    with school_time(11, 50):
        assert f'href="{yesterday_page}"' in text_of(client.get(today))
        assert f'href="{yesterday_page}"' in text_of(client.get(check_url(school,
                                                                          "attendance")))
    with school_time(12, 10):
        assert YESTERDAY.isoformat() not in text_of(client.get(today))
        assert f'href="{yesterday_page}"' not in text_of(client.get(check_url(school,
                                                                              "attendance")))


def test_the_cutoff_is_the_schools(app, login_as, school):
    with app.app_context():
        stored = db.session.get(School, school.school_id)
        stored.settings = (stored.settings or {}) | {"correction_cutoff": "09:00"}
        db.session.commit()
    with school_time(9, 30):
        text = text_of(login_as("teacher").get(
            f"/homerooms/{school.homeroom_ids['room1']}/today"))
    assert YESTERDAY.isoformat() not in text


def test_a_saved_check_offers_the_next_open_check_in_one_tap(app, login_as, school):
    client = login_as("teacher")
    with app.app_context(), school_time(7, 45):
        services.save_check(homeroom(school), DAY, "bag", [], None, user(school))
    with school_time(7, 46):
        bag = text_of(client.get(check_url(school, "bag")))
        attendance = text_of(client.get(check_url(school, "attendance")))
    link = f'<a class="button primary big" href="{check_url(school, "attendance")}"'
    assert f'class="next-check">{link}' in bag
    assert "next-check" not in attendance  # not saved yet: nothing to move on from
    with app.app_context(), school_time(7, 50):
        services.save_check(homeroom(school), DAY, "attendance", [], None, user(school))
        services.save_check(homeroom(school), DAY, "dismissal", [], None, user(school))
    with school_time(17, 40):
        assert "next-check" not in text_of(client.get(check_url(school, "attendance")))
