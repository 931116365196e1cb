"""Today, read from what one homeroom holds: its own dangerous findings (never another
class's), and the day it may still correct as the school's calendar has it."""

from datetime import date

from rollcall.extensions import db
from rollcall.models import CalendarDay
from tests import factories
from tests.checks_support import DAY, school_time
from tests.statements import counted

EN = {"Accept-Language": "en"}
FRIDAY = date(2027, 2, 26)  # the school day before DAY (a Tuesday) when Monday is a holiday


def today(client, school, hour=7, minute=40) -> str:
    with school_time(hour, minute):
        response = client.get(f"/homerooms/{school.homeroom_ids['room1']}/today", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def record_bag_check(school, key, finding: dict):
    """A bag check of DAY in which the class's first student had this finding."""
    room = school.homeroom_ids[key]
    first = school.student_ids[key][0]
    factories.record_check(room, DAY, "bag", statuses={first: "found"},
                           details={first: finding})
    return first


def test_today_flags_its_own_classes_dangerous_finding_only(app, login_as, school):
    with app.app_context(), school_time(7, 30):
        record_bag_check(school, "room1", {"category": "knife", "action": "kept_by_teacher"})
        record_bag_check(school, "room2", {"category": "fire", "action": "kept_by_teacher"})
    text = today(login_as("teacher"), school)
    assert text.count("Flagged to the office") == 1  # 2班's lighter is not 1班's business
    assert "学生01 · Controlled knife or blade" in text


def test_today_flags_nothing_for_a_finding_that_is_not_dangerous(app, login_as, school):
    with app.app_context(), school_time(7, 30):
        record_bag_check(school, "room1", {"category": "prohibited", "description": "扑克牌",
                                           "action": "kept_by_teacher"})
    assert "Flagged to the office" not in today(login_as("teacher"), school)


def test_today_offers_the_school_day_before_a_holiday_for_correction(app, login_as, school):
    with app.app_context():
        db.session.add(CalendarDay(school_id=school.school_id, day=date(2027, 3, 1),
                                   school_day=False, name="春假"))
        db.session.commit()
    client = login_as("teacher")
    text = today(client, school)
    assert f"Correct yesterday ({FRIDAY.isoformat()}):" in text
    assert f"/checks/{FRIDAY.isoformat()}/bag" in text
    assert "Correct yesterday" not in today(client, school, 12, 30)  # past the cut-off


def test_today_names_a_make_up_school_day(app, login_as, school):
    with app.app_context():
        db.session.add(CalendarDay(school_id=school.school_id, day=DAY, school_day=True,
                                   name="调休"))
        db.session.commit()
    text = today(login_as("teacher"), school)
    assert "调休: a school day (make-up day)." in text
    assert "Correct yesterday (2027-03-01):" in text



def add_to_watch_list(client, student_id, review_on: date):
    with school_time(9, 0):
        response = client.post("/watch/new", headers=EN, data={
            "student_id": student_id, "reason": "outside_contacts", "details": "网吧",
            "review_on": review_on.isoformat()})
    assert response.status_code == 302


def test_a_classes_today_shows_its_own_reviews_due_to_teacher_and_office(app, login_as, school):
    adding = login_as("office")  # its flashes stay in its own session
    soon = date(2027, 3, 4)
    add_to_watch_list(adding, school.student_ids["room1"][1], soon)
    add_to_watch_list(adding, school.student_ids["room2"][2], soon)
    for who in ("teacher", "office"):
        text = today(login_as(who), school)
        assert "Watch-list reviews due" in text
        assert "学生02" in text and "学生03" not in text  # 2班's review is on 2班's Today


def test_today_counts_each_saved_checks_rows_by_status(app, login_as, school):
    room, students = school.homeroom_ids["room1"], school.student_ids["room1"]
    with app.app_context(), school_time(7, 30):
        factories.record_check(room, DAY, "attendance", statuses={
            students[0]: "absent", students[1]: "absent", students[2]: "late"})
        record_bag_check(school, "room1", {"category": "knife", "action": "kept_by_teacher"})
    text = today(login_as("teacher"), school)
    counts = [line.strip() for line in text.splitlines() if 'class="counts"' in line]
    assert len(counts) == 2 and "today-open" in text and text.count("today-done") == 2
    assert counts == ['<span class="counts">Nothing found 4 · Item found 1</span>',
                      '<span class="counts">Present 2 · Late 1 · Absent 2</span>']
    assert text.count("Flagged to the office") == 1


def test_today_after_the_days_checks_loads_no_row_of_them(app, login_as, school):
    """Counts come from the database: saved checks add two statements to Today's eight (their
    counts, and the bag check's dangerous findings when it found something)."""
    room = school.homeroom_ids["room1"]
    client = login_as("teacher")
    today(client, school)  # the session's last use is written once, here
    with app.app_context(), school_time(7, 30):
        for kind in ("attendance", "dismissal"):
            factories.record_check(room, DAY, kind)
        record_bag_check(school, "room1", {"category": "knife", "action": "kept_by_teacher"})
    tally = []
    with counted(app, tally):
        text = today(client, school)
    assert "Flagged to the office" in text and text.count("today-done") == 3
    assert len(tally) == 8 + 2, tally



def _open_items(school, student_ids) -> None:
    """Each of these students with an open missing case, a watch-list review due and a family
    follow-up due (stored directly: how they were recorded is other tests' business)."""
    from datetime import timedelta

    from rollcall import clock
    from rollcall.cases.models import MissingCase
    from rollcall.family.models import ContactLog
    from rollcall.watch.models import WatchEntry

    for student_id in student_ids:
        db.session.add_all([
            MissingCase(school_id=school.school_id, student_id=student_id,
                        homeroom_id=school.homeroom_ids["room1"], school_date=DAY,
                        trigger="absent_no_contact", opened_at=clock.now()),
            WatchEntry(school_id=school.school_id, student_id=student_id,
                       reason="outside_contacts", review_on=DAY + timedelta(days=1)),
            ContactLog(school_id=school.school_id, student_id=student_id, school_date=DAY,
                       person="母亲", method="phone", reason="conduct",
                       contacted_at=clock.now(), follow_up_on=DAY + timedelta(days=2)),
        ])
    db.session.commit()


def test_todays_lists_name_their_students_without_a_statement_each(app, login_as, school):
    """Open cases, reviews due and follow-ups each come with their students: Today sends the
    same statements for three students in each list as for one."""
    client = login_as("teacher")
    today(client, school)  # the session's last use is written once, here
    students = school.student_ids["room1"]

    def statements_adding(student_ids) -> tuple[int, str]:
        with app.app_context(), school_time(7, 30):
            _open_items(school, student_ids)
        tally = []
        with counted(app, tally):
            text = today(client, school)
        return len(tally), text

    one, text = statements_adding(students[:1])
    assert text.count('class="missing-case"') == 1 and "学生01" in text
    three, text = statements_adding(students[1:3])
    assert text.count('class="missing-case"') == 3
    assert "Watch-list reviews due" in text and "Family follow-ups" in text
    for name in ("学生01", "学生02", "学生03"):
        assert text.count(name) == 3  # a case, a review and a follow-up each
    assert three == one
