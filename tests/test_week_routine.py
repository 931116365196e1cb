"""The printed weekly class log carries the rest of the routine: the week's family contacts,
the screening with each conflict's state, watch-list notes and item custody changes."""

from datetime import timedelta

from rollcall import clock
from rollcall.checks import services as checks
from rollcall.custody import services as custody
from rollcall.custody.models import ConfiscatedItem
from rollcall.extensions import db
from rollcall.family import services as family
from rollcall.models import Homeroom, Student, User
from rollcall.screening import services as screening
from rollcall.watch import services as watch
from tests.checks_support import DAY, at, school_time

EN = {"Accept-Language": "en"}
WEEK = "2027-W09"  # Monday 1 March 2027


def test_the_week_log_shows_the_routine(app, login_as, school):
    with app.app_context(), clock.frozen(at(16, 0)):
        room = db.session.get(Homeroom, school.homeroom_ids["room1"])
        teacher = db.session.get(User, school.user_ids["teacher"])
        first, second = (db.session.get(Student, i) for i in school.student_ids["room1"][:2])
        family.record_contact(first, teacher, reason="home_visit", method="home_visit",
                              person="母亲", contacted_at=at(15, 0), said="家访，了解学习情况",
                              agreed="每周沟通", follow_up_on=None)
        screening.record_conflict(room, screening.week_start(DAY), teacher,
                                  student_ids=[first.id, second.id], about="排队插队引发口角",
                                  severity="minor", action="谈话", state="mediating")
        entry = watch.add_to_watch(second, "truancy", DAY + timedelta(days=7), None, teacher)
        watch.add_note(entry, DAY, "本周按时到校", None, teacher)
        checks.save_check(room, DAY, "bag", [{
            "student_number": first.student_number, "status": "found", "category": "fire",
            "description": "打火机", "action": "kept_by_teacher"}], None, teacher)
        item = db.session.scalar(db.select(ConfiscatedItem))
        custody.move(item, "disposed", teacher, at=at(15, 30), disposed_by="王老师",
                     how="销毁")
    for role in ("teacher", "office"):
        with school_time(17, 0):
            text = login_as(role).get(
                f"/homerooms/{school.homeroom_ids['room1']}/week/{WEEK}",
                headers=EN).get_data(as_text=True)
        routine = text.split('class="card week-routine"')[1]
        assert "家访，了解学习情况" in routine and "Home visit" in routine
        assert "排队插队引发口角" in routine and "Mediating" in routine
        assert "本周按时到校" in routine and "Truancy" in routine
        assert "打火机" in routine and "Disposed of" in routine and "Kept by the teacher" in routine


def test_another_week_shows_none_of_it(app, login_as, school):
    with app.app_context(), clock.frozen(at(16, 0)):
        teacher = db.session.get(User, school.user_ids["teacher"])
        first = db.session.get(Student, school.student_ids["room1"][0])
        family.record_contact(first, teacher, reason="conduct", method="phone", person="母亲",
                              contacted_at=at(15, 0), said="本周的事", agreed=None,
                              follow_up_on=None)
    with school_time(17, 0, DAY + timedelta(days=14)):
        text = login_as("office").get(
            f"/homerooms/{school.homeroom_ids['room1']}/week/2027-W11",
            headers=EN).get_data(as_text=True)
    assert "本周的事" not in text


def test_the_students_history_shows_contacts_conflicts_items_and_cases(app, login_as, school):
    from rollcall.cases import services as cases

    with app.app_context(), clock.frozen(at(16, 0)):
        room = db.session.get(Homeroom, school.homeroom_ids["room1"])
        teacher = db.session.get(User, school.user_ids["teacher"])
        first = db.session.get(Student, school.student_ids["room1"][0])
        family.record_contact(first, teacher, reason="lateness", method="phone", person="母亲",
                              contacted_at=at(15, 0), said="连续迟到三天", agreed=None,
                              follow_up_on=None)
        screening.record_conflict(room, screening.week_start(DAY), teacher,
                                  student_ids=[first.id], about="与同桌争吵",
                                  severity="minor", action=None, state="open")
        checks.save_check(room, DAY, "bag", [{
            "student_number": first.student_number, "status": "found", "category": "tobacco",
            "description": "香烟半包", "action": "kept_by_teacher"}], None, teacher)
        cases.raise_case(first, DAY, "not_found", teacher)
    with school_time(17, 0):
        text = login_as("teacher").get(f"/students/{school.student_ids['room1'][0]}",
                                       headers=EN).get_data(as_text=True)
    routine = text.split('class="card student-routine"')[1]
    assert "连续迟到三天" in routine and "Lateness" in routine
    assert "与同桌争吵" in routine and "香烟半包" in routine and "Kept by the teacher" in routine
    assert "not found at the dismissal sweep" in routine
