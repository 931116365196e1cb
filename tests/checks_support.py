"""Shared by the checks and API tests: a frozen school morning and short-hands."""

from contextlib import contextmanager
from datetime import date, datetime, time

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Homeroom, User

TZ = "Asia/Shanghai"
DAY = date(2027, 3, 2)  # a Tuesday
YESTERDAY = date(2027, 3, 1)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    """An instant on the school's wall clock (Asia/Shanghai)."""
    from zoneinfo import ZoneInfo

    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(TZ))


@contextmanager
def school_time(hour: int, minute: int = 0, day: date = DAY):
    with clock.frozen(at(hour, minute, day)):
        yield


def homeroom(school, key="room1") -> Homeroom:
    return db.session.get(Homeroom, school.homeroom_ids[key])


def user(school, role="teacher") -> User:
    return db.session.get(User, school.user_ids[role])


def numbers(school, key="room1") -> list[str]:
    return [s.student_number for s in homeroom(school, key).students]


def check_url(school, kind, day=DAY, key="room1") -> str:
    return f"/homerooms/{school.homeroom_ids[key]}/checks/{day.isoformat()}/{kind}"


def page(response) -> str:
    """The response's body as text."""
    return response.get_data(as_text=True)


def table_rows(app, model) -> list[dict]:
    """Every row of one model's table as a dict, in id order: equal lists mean nothing changed."""
    with app.app_context():
        found = db.session.scalars(db.select(model).order_by(model.id)).all()
        result = [{c.name: getattr(row, c.name) for c in model.__table__.columns}
                  for row in found]
        db.session.remove()
        return result
