"""The teacher's pages: Today, the check forms, conflicts, errors, history, family contacts."""

import pytest

from rollcall.checks import services
from rollcall.checks.models import Check
from rollcall.extensions import db
from tests.checks_support import DAY, YESTERDAY, check_url, homeroom, school_time, user


def ids(app, school, key="room1"):
    with app.app_context():
        return [s.id for s in homeroom(school, key).students]


def page(response) -> str:
    return response.get_data(as_text=True)


def test_teacher_lands_on_today_for_their_homeroom(login_as, school):
    client = login_as("teacher")
    with school_time(7, 30):
        response = client.get("/", follow_redirects=True)
    text = page(response)
    assert "九年级1班" in text and "2027-03-02" in text
    assert text.count("today-open") == 3


def test_office_gets_a_picker_of_the_schools_homerooms(login_as, school):
    text = page(login_as("office").get("/today"))
    assert "九年级1班" in text and "九年级2班" in text


def test_today_shows_done_and_overdue(app, login_as, school):
    with app.app_context(), school_time(7, 42):
        services.save_check(homeroom(school), DAY, "bag", [], None, user(school))
    with school_time(8, 30):
        text = page(login_as("teacher").get(f"/homerooms/{school.homeroom_ids['room1']}/today",
                                            headers={"Accept-Language": "en"}))
    assert "Done at 07:42 by 王老师" in text
    assert "Overdue (due by 08:10)" in text
    assert "Not started (due by 17:30)" in text


def test_a_new_check_shows_the_defaults_and_one_tap_submits_it(app, login_as, school):
    client = login_as("teacher")
    with school_time(7, 40):
        form = page(client.get(check_url(school, "attendance")))
        assert form.count('value="present" checked') == 5
        students = ids(app, school)
        data = {f"s{sid}": "present" for sid in students}
        response = client.post(check_url(school, "attendance"), data=data)
    assert response.status_code == 302
    with app.app_context():
        check = db.session.scalar(db.select(Check))
        assert {e.status for e in check.entries} == {"present"}


def test_reopening_shows_what_was_saved(app, login_as, school):
    client = login_as("teacher")
    students = ids(app, school)
    with school_time(7, 40):
        client.post(check_url(school, "attendance"), data={
            f"s{students[1]}": "excused", f"r{students[1]}": "看病",
            f"s{students[2]}": "late", f"t{students[2]}": "07:35", "version": ""})
        text = page(client.get(check_url(school, "attendance")))
    assert f'name="s{students[1]}" value="excused" checked' in text
    assert 'value="看病"' in text and 'value="07:35"' in text
    assert 'name="version" type="hidden" value="1"' in text


def test_invalid_rows_are_shown_with_their_error_and_nothing_is_saved(app, login_as, school):
    client = login_as("teacher")
    students = ids(app, school)
    with school_time(7, 40):
        response = client.post(check_url(school, "bag"), data={
            f"s{students[0]}": "found", f"c{students[0]}": "knife"},
            headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "Required for this status." in page(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Check)) == 0


def test_a_second_editor_is_told_who_changed_it_and_sees_the_current_state(app, login_as,
                                                                            school):
    teacher, office = login_as("teacher"), login_as("office")
    students = ids(app, school)
    with school_time(7, 40):
        teacher.post(check_url(school, "attendance"), data={"version": ""})
        office.post(check_url(school, "attendance"), data={
            "version": "1", f"s{students[0]}": "absent"})
        response = teacher.post(check_url(school, "attendance"), data={
            "version": "1", f"s{students[1]}": "absent"}, headers={"Accept-Language": "en"})
    text = page(response)
    assert response.status_code == 409
    assert "张主任 changed this check at 07:40" in text
    assert f'name="s{students[0]}" value="absent" checked' in text
    assert f'name="s{students[1]}" value="present" checked' in text


def test_a_refused_save_lists_the_rows_where_the_screen_differed(app, login_as, school):
    teacher, office = login_as("teacher"), login_as("office")
    students = ids(app, school)
    with app.app_context():
        names = [s.name for s in homeroom(school).students]
    with school_time(8, 40):
        teacher.post(check_url(school, "attendance"), data={"version": ""})
        office.post(check_url(school, "attendance"), data={
            "version": "1", f"s{students[0]}": "absent"})
        response = teacher.post(check_url(school, "attendance"), data={
            "version": "1", f"s{students[0]}": "present",
            f"s{students[1]}": "late", f"t{students[1]}": "08:35",
            f"s{students[2]}": "present"}, headers={"Accept-Language": "en"})
    text = page(response)
    assert response.status_code == 409
    assert "Not saved: where your screen differed" in text
    unsaved = text.split('class="flash flash-warning unsaved"')[1].split("</section>")[0]
    assert f"{names[0]}: saved now Absent; your screen Present" in unsaved
    assert f"{names[1]}: saved now Present; your screen Late · arrived 08:35" in unsaved
    assert names[2] not in unsaved
    with app.app_context():
        check = services.find_check(homeroom(school).id, DAY, "attendance")
        assert {e.student_id: e.status for e in check.entries}[students[1]] == "present"


def test_history_of_changes_is_visible_on_the_check(app, login_as, school):
    teacher = login_as("teacher")
    students = ids(app, school)
    with school_time(7, 55):
        teacher.post(check_url(school, "attendance"), data={f"s{students[0]}": "absent"})
    with school_time(8, 40):
        teacher.post(check_url(school, "attendance"), data={
            "version": "1", f"s{students[0]}": "late", f"t{students[0]}": "08:40"})
        text = page(teacher.get(check_url(school, "attendance"),
                                headers={"Accept-Language": "en"}))
    assert "Absent → Late · arrived 08:40" in text
    assert "Last changed at 08:40".lower() in text.lower()


def test_a_closed_day_is_read_only_for_a_teacher(app, login_as, school):
    with school_time(8, 0):
        teacher = login_as("teacher")
        response = teacher.get(check_url(school, "bag", day=YESTERDAY - __import__(
            "datetime").timedelta(days=1)), headers={"Accept-Language": "en"})
        assert "This day is closed for teachers" in page(response)
        assert "<fieldset class=\"rows-wrap\" disabled>" in page(response)


def test_a_student_of_another_class_in_the_form_is_refused(app, login_as, school):
    other = ids(app, school, "room2")[0]
    with school_time(7, 40):
        response = login_as("teacher").post(check_url(school, "attendance"),
                                            data={f"s{other}": "absent"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Check)) == 0


@pytest.mark.parametrize("path", ["2027-3-2/bag", "2027-02-30/bag", "2027-03-02/lunch"])
def test_bad_dates_and_kinds_are_not_found(login_as, school, path):
    url = f"/homerooms/{school.homeroom_ids['room1']}/checks/{path}"
    assert login_as("teacher").get(url).status_code == 404


def test_a_future_date_is_not_found(login_as, school):
    with school_time(8, 0):
        assert login_as("office").get(check_url(school, "bag", day=DAY.replace(day=3))
                                      ).status_code == 404


def test_family_contact_is_logged_from_the_attendance_page(app, login_as, school):
    teacher = login_as("teacher")
    students = ids(app, school)
    with school_time(8, 5):
        teacher.post(check_url(school, "attendance"), data={f"s{students[3]}": "absent"})
        text = page(teacher.get(check_url(school, "attendance"),
                                headers={"Accept-Language": "en"}))
        assert "Family not yet contacted" in text
        response = teacher.post(check_url(school, "attendance") + "/contacts", data={
            "student_id": students[3], "person": "母亲 李梅", "method": "phone",
            "outcome": "reason_given", "contacted_at": "08:03", "note": "发烧在家"})
        assert response.status_code == 302
        text = page(teacher.get(check_url(school, "attendance"),
                                headers={"Accept-Language": "en"}))
    assert "Call logged" in text and "08:03 · 母亲 李梅 · Phone call" in text


@pytest.mark.parametrize("data", [
    {"person": "", "method": "phone", "outcome": "no_answer", "contacted_at": "08:00"},
    {"person": "母亲", "method": "pigeon", "outcome": "no_answer", "contacted_at": "08:00"},
    {"person": "母亲", "method": "phone", "outcome": "no_answer", "contacted_at": "8 am"},
])
def test_an_incomplete_contact_is_refused(app, login_as, school, data):
    student = ids(app, school)[0]
    with school_time(8, 5):
        client = login_as("teacher")
        client.post(check_url(school, "attendance") + "/contacts",
                    data=data | {"student_id": student})
    with app.app_context():
        from rollcall.family.models import ContactLog
        assert db.session.scalar(db.select(db.func.count()).select_from(ContactLog)) == 0


def test_a_contact_for_a_student_of_another_class_is_refused(app, login_as, school):
    other = ids(app, school, "room2")[0]
    with school_time(8, 5):
        response = login_as("teacher").post(check_url(school, "attendance") + "/contacts", data={
            "student_id": other, "person": "母亲", "method": "phone", "outcome": "no_answer",
            "contacted_at": "08:00"})
    assert response.status_code == 404


def test_today_links_to_the_weeks_work_log_and_the_family_phone_numbers(login_as, school):
    client = login_as("teacher")
    room1 = school.homeroom_ids["room1"]
    page = client.get(f"/homerooms/{room1}/today").get_data(as_text=True)
    assert f'href="/homerooms/{room1}/week"' in page
    assert f'href="/homerooms/{room1}/contacts"' in page
    assert f'href="/homerooms/{room1}/texts"' in page
    assert client.get(f"/homerooms/{room1}/week").status_code == 302
    assert client.get(f"/homerooms/{room1}/contacts").status_code == 200


def test_nothing_is_overdue_at_a_weekend(login_as, school):
    from datetime import UTC, datetime

    from rollcall import clock

    client = login_as("teacher")
    room1 = school.homeroom_ids["room1"]
    with clock.frozen(datetime(2026, 11, 28, 10, 0, tzinfo=UTC)):  # Saturday 18:00 Shanghai
        page = client.get(f"/homerooms/{room1}/today",
                          headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No school today" in page
    assert "today-overdue" not in page and "Overdue" not in page
    with clock.frozen(datetime(2026, 11, 27, 10, 0, tzinfo=UTC)):  # Friday 18:00 Shanghai
        page = client.get(f"/homerooms/{room1}/today",
                          headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page.count("today-overdue") == 3 and "No school today" not in page
