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


def phone_save(page_text: str, changes: dict, tapped_at: int | None = None,
               contact: dict | None = None) -> dict:
    """The JSON body checks.js posts for a save: the rows of changes ({"s12": "absent",
    "t12": "07:35", ...}) with their status and the base the page gave them, the page's
    version and load time, and the time of the tap (the page's load time when not given)."""
    import re

    fields = dict(re.findall(r'name="(s\d+)" value="(\w+)" checked', page_text))
    fields |= dict(re.findall(r'name="(b\d+)" value="([^"]*)"', page_text))
    version = re.search(r'name="version" type="hidden" value="(\d*)"', page_text).group(1)
    loaded = int(re.search(r'name="loaded_at" type="hidden" value="(\d+)"',
                           page_text).group(1))
    rows = {}
    for name, value in changes.items():
        sid = name[1:]
        rows.setdefault(sid, {"s": fields[f"s{sid}"], "b": fields[f"b{sid}"]})[name[0]] = value
    body = {"version": int(version) if version else None, "loaded_at": loaded,
            "tapped_at": tapped_at or loaded, "rows": rows}
    return body | ({"contact": contact} if contact is not None else {})
