"""The school calendar: holidays and make-up school days (调休), kept by the admin and followed
by Today, the office board, the teachers' reminders, corrections and the weekly log."""

from datetime import date, timedelta

import pytest
from sqlalchemy import event

from rollcall import clock
from rollcall.api import tokens
from rollcall.checks import services
from rollcall.checks.window import NotEditable
from rollcall.extensions import db
from rollcall.jobs.attendance_reminders import remind_overdue_teachers
from rollcall.models import AuditLog, CalendarDay, School, User
from rollcall.school_days import is_school_day, mark_days, previous_school_day
from tests.checks_support import at, homeroom, user

FRIDAY_HOLIDAY = date(2027, 10, 1)  # 国庆节, a Friday
MONDAY_AFTER = date(2027, 10, 4)
MAKE_UP_SATURDAY = date(2027, 9, 25)


def mark(app, school_id, day, school_day, name):
    with app.app_context():
        db.session.add(CalendarDay(school_id=school_id, day=day, school_day=school_day,
                                   name=name))
        db.session.commit()


def page(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def calendar(app, school):
    mark(app, school.school_id, FRIDAY_HOLIDAY, False, "国庆节")
    mark(app, school.school_id, MAKE_UP_SATURDAY, True, "国庆调休")
    return school


def test_the_calendar_overrides_monday_to_friday(app, calendar):
    with app.app_context():
        school = db.session.get(School, calendar.school_id)
        assert is_school_day(school, FRIDAY_HOLIDAY) is False
        assert is_school_day(school, MAKE_UP_SATURDAY) is True
        assert is_school_day(school, date(2027, 9, 26)) is False  # an ordinary Sunday
        assert is_school_day(school, date(2027, 9, 30)) is True  # an ordinary Thursday
        assert previous_school_day(school, MONDAY_AFTER) == date(2027, 9, 30)
        assert previous_school_day(school, date(2027, 9, 27)) == MAKE_UP_SATURDAY
        other = db.session.get(School, calendar.other_school_id)
        assert is_school_day(other, FRIDAY_HOLIDAY) is True  # one school's holiday only


def test_today_on_a_holiday_is_named_and_nothing_is_overdue(app, calendar, login_as):
    teacher = login_as("teacher")
    with clock.frozen(at(10, 0, FRIDAY_HOLIDAY)):
        text = page(teacher.get(f"/homerooms/{calendar.homeroom_ids['room1']}/today",
                                headers={"Accept-Language": "en"}))
        board = page(login_as("office").get("/office/", headers={"Accept-Language": "en"}))
    assert "国庆节 · No school today: nothing is due." in text
    assert "today-overdue" not in text
    assert "国庆节 (no school: nothing is due)" in board
    assert "cell-overdue" not in board and "cell-pending" in board


def test_a_make_up_saturday_is_a_school_day_with_cut_offs(app, calendar, login_as):
    with clock.frozen(at(10, 0, MAKE_UP_SATURDAY)):
        text = page(login_as("teacher").get(
            f"/homerooms/{calendar.homeroom_ids['room1']}/today",
            headers={"Accept-Language": "zh-CN"}))
        board = page(login_as("office").get("/office/", headers={"Accept-Language": "en"}))
    assert "国庆调休：今天上课（调休补课日）。" in text
    assert text.count("today-overdue") == 2  # bag check and attendance; dismissal not yet
    assert "国庆调休 (school day)" in board
    assert board.count("cell-overdue") == 4  # the two classes of this school, two checks each


def test_teachers_are_reminded_on_a_make_up_day_and_not_on_a_holiday(app, calendar):
    with app.app_context():
        school = db.session.get(School, calendar.school_id)
        with clock.frozen(at(8, 10, FRIDAY_HOLIDAY)):
            assert remind_overdue_teachers(school) == 0
        with clock.frozen(at(8, 10, MAKE_UP_SATURDAY)):
            assert remind_overdue_teachers(school) == 2


def test_after_a_holiday_monday_may_correct_the_thursday_before(app, calendar):
    with app.app_context():
        room, teacher = homeroom(calendar), user(calendar)
        with clock.frozen(at(8, 30, MONDAY_AFTER)):
            services.save_check(room, date(2027, 9, 30), "bag", [], None, teacher)
            with pytest.raises(NotEditable):
                services.save_check(room, date(2027, 9, 29), "bag", [], None, teacher)
        db.session.commit()


def test_the_weekly_log_names_the_holiday_and_shows_the_make_up_day(app, calendar, login_as):
    office = login_as("office")
    room = calendar.homeroom_ids["room1"]
    with clock.frozen(at(18, 0, MONDAY_AFTER)):
        holiday_week = page(office.get(f"/homerooms/{room}/week/2027-W39",
                                       headers={"Accept-Language": "en"}))
        make_up_week = page(office.get(f"/homerooms/{room}/week/2027-W38",
                                       headers={"Accept-Language": "en"}))
    assert "Oct 1 · Fri · 国庆节" in holiday_week
    assert "No school: nothing is due." in holiday_week
    assert "Sep 25 · Sat · 国庆调休" in make_up_week
    assert "2027-09-26" not in make_up_week and "Sep 26" not in make_up_week  # a Sunday


def test_the_admin_marks_a_holiday_week_and_only_its_weekdays_are_kept(app, school, login_as):
    admin = login_as("admin")
    response = admin.post("/admin/calendar", data={
        "first_day": "2027-10-01", "last_day": "2027-10-07", "school_day": "no",
        "name": "国庆节"}, headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Saved: 5 days." in page(response)
    with app.app_context():
        days = db.session.scalars(db.select(CalendarDay.day).order_by(CalendarDay.day)).all()
        assert [d.day for d in days] == [1, 4, 5, 6, 7]
        entry = db.session.scalar(db.select(AuditLog).where(
            AuditLog.action == "admin.calendar.mark"))
        assert entry.after["name"] == "国庆节" and len(entry.after["days"]) == 5
    listing = page(admin.get("/admin/calendar", headers={"Accept-Language": "zh-CN"}))
    assert "2027-10-04 周一" in listing and "否（放假）" in listing


def test_marking_again_replaces_a_day_and_removing_gives_it_back(app, school, login_as):
    admin = login_as("admin")
    admin.post("/admin/calendar", data={"first_day": "2027-10-09", "school_day": "no",
                                        "name": "x"})  # a Saturday: refused, see below
    admin.post("/admin/calendar", data={"first_day": "2027-10-08", "school_day": "no",
                                        "name": "旧"})
    admin.post("/admin/calendar", data={"first_day": "2027-10-08", "school_day": "no",
                                        "name": "新"})
    with app.app_context():
        [entry] = db.session.scalars(db.select(CalendarDay)).all()
        assert entry.name == "新"
        entry_id = entry.id
    response = admin.post(f"/admin/calendar/{entry_id}/delete",
                          headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Removed: 2027-10-08." in page(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 0
        assert db.session.scalar(db.select(AuditLog).where(
            AuditLog.action == "admin.calendar.unmark")).before["name"] == "新"


@pytest.mark.parametrize(("data", "message"), [
    ({"first_day": "", "school_day": "no", "name": "x"}, "Pick a date."),
    ({"first_day": "2027-10-07", "last_day": "2027-10-01", "school_day": "no", "name": "x"},
     "The last day is before the first."),
    ({"first_day": "2027-10-01", "last_day": "2027-11-15", "school_day": "no", "name": "x"},
     "At most 31 days at once."),
    ({"first_day": "2027-10-09", "last_day": "2027-10-10", "school_day": "no", "name": "x"},
     "These are all weekend days already"),
    ({"first_day": "2027-10-08", "school_day": "yes", "name": "x"},
     "These are all weekdays already"),
    ({"first_day": "2027-10-08", "school_day": "no", "name": " "}, "Give the days a name."),
    ({"first_day": "2027-10-08", "school_day": "maybe", "name": "x"}, "Not a valid choice"),
])
def test_bad_calendar_input_is_explained_and_nothing_is_written(app, school, login_as, data,
                                                                message):
    response = login_as("admin").post("/admin/calendar", data=data,
                                      headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert message in page(response)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 0


def test_another_schools_day_cannot_be_removed(app, school, login_as):
    mark(app, school.other_school_id, FRIDAY_HOLIDAY, False, "别校")
    with app.app_context():
        entry_id = db.session.scalar(db.select(CalendarDay.id))
    assert login_as("admin").post(f"/admin/calendar/{entry_id}/delete").status_code == 404
    with app.app_context():
        assert db.session.get(CalendarDay, entry_id) is not None


def test_a_holiday_over_a_make_up_day_replaces_it_and_back(app, school, login_as):
    admin = login_as("admin")
    admin.post("/admin/calendar", data={"first_day": "2027-10-09", "school_day": "yes",
                                        "name": "调休"})
    response = admin.post("/admin/calendar", data={
        "first_day": "2027-10-04", "last_day": "2027-10-10", "school_day": "no",
        "name": "国庆节"}, headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Saved: 6 days." in page(response)  # five weekdays off, the Saturday given back
    with app.app_context():
        school_row = db.session.get(School, school.school_id)
        assert is_school_day(school_row, date(2027, 10, 9)) is False
        entry = db.session.scalar(db.select(AuditLog).where(
            AuditLog.action == "admin.calendar.mark").order_by(AuditLog.id.desc()))
        assert entry.before == {"2027-10-09": {"school_day": True, "name": "调休"}}
        assert entry.after["cleared"] == ["2027-10-09"]
    # A weekday holiday can be made a school day again (it is not "a weekday already").
    response = admin.post("/admin/calendar", data={
        "first_day": "2027-10-04", "school_day": "yes", "name": "改回"},
        headers={"Accept-Language": "en"}, follow_redirects=True)
    assert "Saved: 1 day." in page(response)
    with app.app_context():
        school_row = db.session.get(School, school.school_id)
        assert is_school_day(school_row, date(2027, 10, 4)) is True
        assert db.session.scalar(db.select(db.func.count()).select_from(CalendarDay)) == 4


def test_after_the_summer_holiday_the_previous_school_day_is_before_it(app, school):
    with app.app_context():
        school_row = db.session.get(School, school.school_id)
        admin = db.session.get(User, school.user_ids["admin"])
        first = date(2027, 6, 28)
        while first <= date(2027, 9, 3):  # the form takes at most 31 days at a time
            last = min(first + timedelta(days=30), date(2027, 9, 3))
            mark_days(school_row, first, last, False, "暑假", admin)
            first = last + timedelta(days=1)
        assert previous_school_day(school_row, date(2027, 9, 6)) == date(2027, 6, 25)


def test_thirty_one_days_at_once_is_the_limit(app, school, login_as):
    admin = login_as("admin")
    ok = admin.post("/admin/calendar", data={
        "first_day": "2027-07-01", "last_day": "2027-07-31", "school_day": "no", "name": "暑假"})
    assert ok.status_code == 302
    refused = admin.post("/admin/calendar", data={
        "first_day": "2027-08-01", "last_day": "2027-09-01", "school_day": "no", "name": "暑假"},
        headers={"Accept-Language": "en"})
    assert "At most 31 days at once." in page(refused)


def test_early_morning_on_a_holiday_is_the_holiday_not_the_day_before(app, calendar,
                                                                       login_as):
    """07:30 in Shanghai is 23:30 UTC the evening before: the school's date decides."""
    with app.app_context():
        school = db.session.get(School, calendar.school_id)
        with clock.frozen(at(7, 30, FRIDAY_HOLIDAY)):
            assert clock.school_today(school) == FRIDAY_HOLIDAY
    with clock.frozen(at(7, 30, FRIDAY_HOLIDAY)):
        text = page(login_as("teacher").get(
            f"/homerooms/{calendar.homeroom_ids['room1']}/today",
            headers={"Accept-Language": "en"}))
    assert "国庆节 · No school today" in text


def test_the_api_says_whether_a_date_is_a_school_day(app, calendar):
    with app.app_context():
        headers = {"Authorization": f"Bearer {tokens.create_token(user(calendar))}"}
        db.session.commit()
    client = app.test_client()
    base = f"/api/v1/homerooms/{calendar.homeroom_ids['room1']}/checks"
    holiday = client.get(f"{base}/{FRIDAY_HOLIDAY}", headers=headers).json
    make_up = client.get(f"{base}/{MAKE_UP_SATURDAY}", headers=headers).json
    sunday = client.get(f"{base}/2027-09-26", headers=headers).json
    assert (holiday["school_day"], holiday["calendar_name"]) == (False, "国庆节")
    assert (make_up["school_day"], make_up["calendar_name"]) == (True, "国庆调休")
    assert (sunday["school_day"], sunday["calendar_name"]) == (False, None)


def test_check_pages_and_today_read_two_weeks_of_the_calendar_not_its_winter_break(
        app, school, login_as):
    """The day before is found in the last two weeks of the calendar: the winter break's
    weeks and the term's holidays further back are not read for every page."""
    with app.app_context():
        school_row = db.session.get(School, school.school_id)
        admin = db.session.get(User, school.user_ids["admin"])
        mark_days(school_row, date(2027, 1, 18), date(2027, 2, 17), False, "寒假", admin)
        mark_days(school_row, date(2027, 2, 18), date(2027, 2, 19), False, "寒假", admin)
        mark_days(school_row, date(2026, 10, 1), date(2026, 10, 7), False, "国庆节", admin)
    client = login_as("teacher")
    loaded = []

    def count(target, context):
        loaded.append(target.day)

    url = f"/homerooms/{school.homeroom_ids['room1']}/checks/2027-03-02/attendance"
    event.listen(CalendarDay, "load", count)
    try:
        with clock.frozen(at(7, 40)):
            answer = client.get(url)
            today = client.get(f"/homerooms/{school.homeroom_ids['room1']}/today")
    finally:
        event.remove(CalendarDay, "load", count)
    assert answer.status_code == today.status_code == 200
    loaded = sorted(set(loaded))
    # The break's last week only (its weekdays are marked; weekends need no mark).
    assert sorted(loaded) == [date(2027, 2, day) for day in (15, 16, 17, 18, 19)]
    # Yesterday is still offered for correcting; and after the break, the day before it.
    room = school.homeroom_ids["room1"]
    assert f'href="/homerooms/{room}/checks/2027-03-01/attendance"' in page(answer)
    with app.app_context():
        school_row = db.session.get(School, school.school_id)
        assert previous_school_day(school_row, date(2027, 2, 22)) == date(2027, 1, 15)
