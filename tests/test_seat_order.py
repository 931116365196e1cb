"""One order for a class's students on every page, export and API, alike on SQLite and
PostgreSQL: by seat, students without a seat last, then by student number."""

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Homeroom, Role, Student, seat_key, seat_order
from tests import factories
from tests.checks_support import DAY, at

# (student number, seat) as an office might leave them: two new students with no seat yet,
# two sharing a seat.
STUDENTS = [("0907", None), ("0903", 3), ("0905", None), ("0902", 1), ("0901", 3)]
IN_ORDER = ["0902", "0901", "0903", "0905", "0907"]


def _homeroom(app) -> int:
    with app.app_context():
        school = factories.school()
        room = Homeroom(school=school, name="九年级9班", grade=9)
        db.session.add(room)
        for number, seat in STUDENTS:
            db.session.add(Student(school=school, homeroom=room, seat=seat, name=f"学生{number}",
                                   student_number=number))
        factories.user(school, "teacher9", Role.TEACHER, [room])
        db.session.commit()
        return room.id


def test_the_database_the_relationship_and_python_agree_on_the_order(app):
    room_id = _homeroom(app)
    with app.app_context():
        query = db.select(Student.student_number).where(Student.homeroom_id == room_id)
        assert list(db.session.scalars(query.order_by(*seat_order()))) == IN_ORDER
        room = db.session.get(Homeroom, room_id)
        assert [s.student_number for s in room.students] == IN_ORDER
        shuffled = sorted(room.students, key=lambda s: s.name, reverse=True)
        assert [s.student_number for s in sorted(shuffled, key=seat_key)] == IN_ORDER


def test_the_attendance_page_lists_students_without_a_seat_last(app, client):
    room_id = _homeroom(app)
    client.post("/login", data={"username": "teacher9", "password": factories.PASSWORD})
    with clock.frozen(at(7, 40)):
        response = client.get(f"/homerooms/{room_id}/checks/{DAY.isoformat()}/attendance")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    positions = [page.index(f"学生{number}") for number in IN_ORDER]
    assert positions == sorted(positions)
