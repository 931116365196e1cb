"""Two admins doing the same thing at the same instant, each in its own thread and session: the
hourly limit of test texts holds, and a name taken a moment ago is refused in words, not with
a 500. On both databases."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time

import pytest
from sqlalchemy import event

from rollcall.admin import services as admin_services
from rollcall.cases import services as cases
from rollcall.extensions import db
from rollcall.models import CalendarDay, Homeroom, School, Student, StudentGuardian, User
from rollcall.notify import services as notify_services
from rollcall.notify import test_texts
from rollcall.notify.models import OutboxText, TextKind, TextStatus
from rollcall.screening import services as screening
from tests.factories import PASSWORD
from tests.test_cases import DUTY, set_duty_phones
from tests.test_state_races import at_once

EN = {"Accept-Language": "en"}
AT_ONCE = 2 * test_texts.TEST_TEXTS_PER_WINDOW


def sending_a_test_text(school):
    def step():
        main = db.session.get(School, school.school_id)
        admin = db.session.get(User, school.user_ids["admin"])
        return lambda: test_texts.send_test_text(main, DUTY[0], DUTY, admin)
    return step


def test_test_texts_sent_at_once_stay_within_the_hourly_limit(app, school):
    set_duty_phones(app, school)
    results = at_once(app, *[sending_a_test_text(school)] * AT_ONCE)
    refused = [r for r in results if isinstance(r, test_texts.TestTextRefused)]
    assert [r.reason for r in refused] == ["too_many"] * (AT_ONCE
                                                         - test_texts.TEST_TEXTS_PER_WINDOW)
    with app.app_context():
        queued = db.session.scalar(db.select(db.func.count(OutboxText.id)).where(
            OutboxText.kind == TextKind.TEST_TEXT))
        db.session.remove()
    assert queued == test_texts.TEST_TEXTS_PER_WINDOW


def posted_at_once(login_as, url: str, forms: list[dict]) -> list:
    """Each form posted by its own signed-in admin, all at the same instant (in English)."""
    clients = [login_as("admin") for _ in forms]
    start = threading.Barrier(len(forms))

    def post(client, data):
        start.wait(timeout=30)
        return client.post(url, data=data, headers=EN)

    with ThreadPoolExecutor(len(forms)) as pool:
        return list(pool.map(post, clients, forms))


def new_account(name: str) -> dict:
    return {"username": "t.same", "display_name": name, "role": "teacher", "active": "y",
            "password": PASSWORD}


def new_homeroom(grade: str) -> dict:
    return {"name": "九年级9班", "grade": grade, "graduating": "y", "active": "y"}


def new_student(school):
    def form(name: str) -> dict:
        return {"student_number": "S-SAME", "name": name, "active": "y",
                "homeroom_id": school.homeroom_ids["room1"]}
    return form


CREATED = {  # what an admin creates: its page, the form (of what each admin typed besides
    # the name), the refusal, what is stored
    "account": ("/admin/users/new", lambda school: new_account, ["张一", "李二"],
                "This username cannot be used. You could use “t.same",
                (User, User.username, "t.same")),
    "homeroom": ("/admin/homerooms/new", lambda school: new_homeroom, ["8", "9"],
                 "Another homeroom has this name.", (Homeroom, Homeroom.name, "九年级9班")),
    "student": ("/admin/students/new", new_student, ["张一", "李二"],
                "Another student has this number.", (Student, Student.student_number, "S-SAME")),
}


@pytest.mark.parametrize("what", list(CREATED))
def test_the_same_name_created_at_once_is_refused_in_words_to_the_second(app, login_as,
                                                                         school, what):
    url, form, names, refusal, (model, column, value) = CREATED[what]
    responses = posted_at_once(login_as, url, [form(school)(name) for name in names])
    assert sorted(r.status_code for r in responses) == [200, 302]
    [refused] = [r for r in responses if r.status_code == 200]
    html = refused.get_data(as_text=True)
    assert refusal in html
    typed = names[responses.index(refused)]
    assert f'value="{typed}"' in html  # what the second admin typed is still there
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(model).where(
            db.func.lower(column) == value.lower())) == 1
        db.session.remove()


def calendar_entries(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(db.select(CalendarDay.day, CalendarDay.name).where(
            CalendarDay.school_id == db.select(User.school_id).where(
                User.username == "admin.li").scalar_subquery())
            .order_by(CalendarDay.day)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def test_two_admins_marking_the_same_holiday_at_once_both_save_it(app, login_as, school):
    holiday = {"first_day": "2027-10-01", "last_day": "2027-10-07", "school_day": "no"}
    responses = posted_at_once(login_as, "/admin/calendar", [
        {**holiday, "name": "国庆节"}, {**holiday, "name": "国庆"}])
    assert [r.status_code for r in responses] == [302, 302]
    entries = calendar_entries(app)
    assert [day.isoformat() for day, _name in entries] == [
        "2027-10-01", "2027-10-04", "2027-10-05", "2027-10-06", "2027-10-07"]
    assert len({name for _day, name in entries}) == 1  # one admin's name, the later one's


def test_two_admins_giving_back_the_same_day_at_once_are_both_answered(app, login_as, school):
    login_as("admin").post("/admin/calendar", data={
        "first_day": "2027-10-01", "school_day": "no", "name": "国庆节"})
    with app.app_context():
        [entry_id] = db.session.scalars(db.select(CalendarDay.id).where(
            CalendarDay.day == date(2027, 10, 1))).all()
        db.session.remove()
    responses = posted_at_once(login_as, f"/admin/calendar/{entry_id}/delete", [{}, {}])
    assert sorted(r.status_code for r in responses) in ([302, 302], [302, 404])
    assert calendar_entries(app) == []


def test_two_settings_saved_at_once_are_both_kept(app, school):
    """The school's settings are one JSON column: each save must keep what the other wrote."""
    def saving(save):
        def step():
            main = db.session.get(School, school.school_id)
            main.settings  # noqa: B018 - read before the other writes, as a page would
            admin = db.session.get(User, school.user_ids["admin"])
            return lambda: save(main, admin)
        return step

    results = at_once(
        app,
        saving(lambda main, admin: cases.save_case_settings(main, DUTY, time(10, 0), admin)),
        saving(lambda main, admin: screening.save_cutoff(main, 3, time(16, 0), admin)))
    assert results == [None, None]
    with app.app_context():
        main = db.session.get(School, school.school_id)
        assert list(cases.case_settings(main).duty_phones) == DUTY
        assert screening.cutoff(main) == (3, time(16, 0))
        db.session.remove()


def test_delivery_reports_arriving_at_once_leave_the_furthest_status(app, school):
    """Twilio's "sent" and "delivered" for one text may reach two web workers at once: the
    text must end "delivered", never go back to "sent"."""
    sids = [f"SM{n:032d}" for n in range(5)]
    with app.app_context():
        for sid in sids:
            db.session.add(OutboxText(school_id=school.school_id, school_date=date(2027, 3, 2),
                                      kind=TextKind.ABSENCE, to_e164=DUTY[0], body="-",
                                      status=TextStatus.SUBMITTED, twilio_sid=sid))
        db.session.commit()
        db.session.remove()

    def reporting(sid, status):
        return lambda: lambda: notify_services.apply_status_callback(sid, status, None)

    at_once(app, *[reporting(sid, status) for sid in sids for status in ("sent", "delivered")])
    with app.app_context():
        statuses = db.session.scalars(db.select(OutboxText.status).where(
            OutboxText.twilio_sid.in_(sids))).all()
        db.session.remove()
    assert statuses == ["delivered"] * len(sids)


def importing(school_fixture, path, **reading):
    """A step of at_once: read the roster file (read_roster's options: reading), then apply
    it to the school."""
    from rollcall.roster import reading as roster_reading
    from rollcall.roster import services as roster

    def step():
        main = db.session.get(School, school_fixture.school_id)
        admin = db.session.get(User, school_fixture.user_ids["admin"])
        parsed = roster.read_roster(roster_reading.load_path(path), main, partial=True,
                                    **reading)
        assert not parsed.errors, parsed.errors
        return lambda: roster.apply_roster(parsed, main, admin)
    return step


def test_the_same_roster_imported_twice_at_once_adds_each_person_once(app, school, tmp_path):
    """Two admins (or the nightly command and an admin) import the same new class at one
    instant: the second import waits for the first and finds its people, not a 500."""
    from tests.roster_helpers import simple_csv

    path = simple_csv(tmp_path, "".join(
        f"九年级8班,9,R{n:03d},新生{n},{n},家长{n},母亲,1380013{n:04d},zh_Hans\n"
        for n in range(1, 31)))
    results = at_once(app, importing(school, path), importing(school, path))
    assert not [r for r in results if isinstance(r, Exception)], results
    with app.app_context():
        rooms = db.session.scalar(db.select(db.func.count(Homeroom.id)).where(
            Homeroom.name == "九年级8班"))
        pupils = db.session.scalar(db.select(db.func.count(Student.id)).where(
            Student.student_number.like("R%")))
        db.session.remove()
    assert (rooms, pupils) == (1, 30)
    assert sorted(bool(r.changed) for r in results) == [False, True]


class Turns:
    """The admin's save paused just after its INSERT (or its UPDATE: write) of the table, not
    yet committed, until the import, started then, waits for it: on PostgreSQL for a lock,
    seen in pg_stat_activity; on SQLite, whose writers always take turns, until the import
    asks to write."""

    def __init__(self, app, table: str, write: str = "INSERT INTO"):
        with app.app_context():
            self.engine, self.postgres = db.engine, db.engine.dialect.name == "postgresql"
        self.table, self.write, self.local = table, write, threading.local()
        self.inserted, self.import_writes = threading.Event(), threading.Event()

    def __enter__(self):
        event.listen(self.engine, "after_cursor_execute", self.seen)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "after_cursor_execute", self.seen)

    def seen(self, conn, cursor, statement, parameters, context, executemany):
        words = statement.lstrip().upper()
        if getattr(self.local, "admin", False) and words.startswith(f"{self.write} {self.table}"):
            self.inserted.set()
            self.until_the_import_waits()

    def until_the_import_waits(self):
        if not self.postgres:
            assert self.import_writes.wait(timeout=30)
            return
        for _ in range(3000):
            with self.engine.connect() as other:
                if other.exec_driver_sql(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND datname = current_database()").scalar():
                    return
            threading.Event().wait(0.01)
        raise AssertionError("the import never waited")

    def admin(self, step):
        def ready():
            create = step()

            def change():
                self.local.admin = True
                return create()
            return change
        return ready

    def importing(self, step):
        def ready():
            apply = step()

            def change():
                assert self.inserted.wait(timeout=30)
                self.import_writes.set()
                return apply()
            return change
        return ready


def an_admins_homeroom(school):
    def step():
        admin = db.session.get(User, school.user_ids["admin"])
        room = Homeroom(school_id=school.school_id)
        values = {"name": "九年级8班", "grade": "9", "graduating": True, "active": True}
        return lambda: admin_services.create(room, values, actor=admin,
                                             action="admin.homeroom.create")
    return step


def an_admins_student(school):
    def step():
        admin = db.session.get(User, school.user_ids["admin"])
        pupil = Student(school_id=school.school_id)
        values = {"student_number": "R001", "name": "新生1", "active": True,
                  "homeroom_id": school.homeroom_ids["room1"]}
        return lambda: admin_services.create(pupil, values, actor=admin,
                                             action="admin.student.create")
    return step


@pytest.mark.parametrize(("table", "creating"), [("HOMEROOMS", an_admins_homeroom),
                                                 ("STUDENTS", an_admins_student)])
def test_an_import_adding_what_an_admin_adds_that_instant_takes_its_turn(
        app, school, tmp_path, table, creating):
    """An admin adds a class (or a student) by hand while an import adds the same: the
    import waits for the admin's save and finds it, rather than failing whole."""
    from tests.roster_helpers import simple_csv

    path = simple_csv(tmp_path, "".join(
        f"九年级8班,9,R{n:03d},新生{n},{n},家长{n},母亲,1380013{n:04d},zh_Hans\n"
        for n in range(1, 6)))
    with Turns(app, table) as turns:
        results = at_once(app, turns.admin(creating(school)),
                          turns.importing(importing(school, path)))
    assert not [r for r in results if isinstance(r, Exception)], results
    with app.app_context():
        rooms = db.session.scalars(db.select(Homeroom).where(Homeroom.name == "九年级8班")).all()
        pupils = db.session.scalars(db.select(Student).where(
            Student.student_number.like("R%"))).all()
        assert len(rooms) == 1 and len(pupils) == 5
        assert {pupil.homeroom_id for pupil in pupils} == {rooms[0].id}
        db.session.remove()


def an_admins_renamed_homeroom(school):
    def step():
        admin = db.session.get(User, school.user_ids["admin"])
        room = db.session.get(Homeroom, school.homeroom_ids["room2"])
        return lambda: admin_services.update(room, {"name": "九年级8班"}, actor=admin,
                                             action="admin.homeroom.update")
    return step


def an_admins_renumbered_student(school):
    def step():
        admin = db.session.get(User, school.user_ids["admin"])
        pupil = db.session.get(Student, school.student_ids["room1"][0])
        return lambda: admin_services.update(pupil, {"student_number": "R001"}, actor=admin,
                                             action="admin.student.update")
    return step


@pytest.mark.parametrize(("table", "editing"), [("HOMEROOMS", an_admins_renamed_homeroom),
                                                ("STUDENTS", an_admins_renumbered_student)])
def test_an_import_adding_what_an_admin_renames_to_that_instant_takes_its_turn(
        app, school, tmp_path, table, editing):
    """An admin renames a class (or gives a student a number) to one an import is adding at
    that instant: the import waits for the admin's save and finds that class (or student),
    rather than failing whole on the name it was about to add."""
    from tests.roster_helpers import simple_csv

    path = simple_csv(tmp_path, "".join(
        f"九年级8班,9,R{n:03d},新生{n},{n},家长{n},母亲,1380013{n:04d},zh_Hans\n"
        for n in range(1, 6)))
    with Turns(app, table, write="UPDATE") as turns:
        results = at_once(app, turns.admin(editing(school)),
                          turns.importing(importing(school, path)))
    assert not [r for r in results if isinstance(r, Exception)], results
    with app.app_context():
        rooms = db.session.scalars(db.select(Homeroom).where(Homeroom.name == "九年级8班")).all()
        pupils = db.session.scalars(db.select(Student).where(
            Student.student_number.like("R%"))).all()
        assert len(rooms) == 1 and len(pupils) == 5
        assert {pupil.homeroom_id for pupil in pupils} == {rooms[0].id}
        db.session.remove()


def test_an_import_adding_the_teacher_create_user_adds_that_instant_takes_its_turn(
        app, runner, school):
    """`flask create-user` adds a teacher while an import adds the same teacher: the import
    waits for the command's save and finds the account, rather than failing whole."""
    from tests.roster_helpers import ONEROSTER

    def creating():
        return lambda: runner.invoke(args=[
            "create-user", "t.zhou", "--role", "teacher", "--school", "测试中学",
            "--password-stdin"], input="a long password\n")

    with Turns(app, "USERS") as turns:
        command, imported = at_once(app, turns.admin(creating), turns.importing(
            importing(school, ONEROSTER / "clean", set_school="阳光中学")))
    assert (command.exit_code, command.output) == (0, "created teacher t.zhou\n")
    assert not isinstance(imported, Exception), imported
    with app.app_context():
        [teacher] = db.session.scalars(db.select(User).where(User.username == "t.zhou")).all()
        assert [room.name for room in teacher.homerooms] == ["九年级1班"]
        db.session.remove()


def test_two_guardians_added_to_one_student_at_once_get_their_own_places(app, school):
    """Two admins each add a guardian to the same student at one instant: each is last in
    the contact order at the moment it is saved, so the two do not share a place."""
    student_id = school.student_ids["room1"][0]

    def adding(name):
        def step():
            admin = db.session.get(User, school.user_ids["admin"])
            student = db.session.get(Student, student_id)
            student.guardian_links  # noqa: B018 - the page showed them, as an admin's would
            values = {"name": name, "relationship_label": "父亲", "phone_e164": None,
                      "phone_raw": None, "language": "zh_Hans", "absence_texts": True}
            return lambda: admin_services.add_guardian(student, values, actor=admin)
        return step

    results = at_once(app, adding("家长甲"), adding("家长乙"))
    assert not [r for r in results if isinstance(r, Exception)], results
    with app.app_context():
        orders = db.session.scalars(db.select(StudentGuardian.contact_order).where(
            StudentGuardian.student_id == student_id).order_by(
            StudentGuardian.contact_order)).all()
        db.session.remove()
    assert orders == [1, 2, 3]
