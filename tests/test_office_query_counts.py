"""What the office's desk costs the database: the board sends the same number of SQL statements
for a school of 3 homerooms as for one of 13 (it once asked for each homeroom's screening on
its own), and the board and the log the same for a class with one day of saved checks as with
30. Statements are counted with a before_cursor_execute listener, COMMITs included."""

from datetime import timedelta

import pytest

from rollcall import clock
from rollcall.extensions import db
from rollcall.models import Homeroom, Role, School
from rollcall.screening.models import Screening
from tests import factories
from tests.office_helpers import DAY, at
from tests.statements import counted

# The board (or its fragment) with an absence, a finding, a student on campus; one of them
# reads the scheduler's heartbeat (the red banner when no texts go).
BOARD_BUDGET = 29
LOG_BUDGET = 5
PAGES = ("/office/", "/office/board.fragment", "/office/log", "/office/log?show=all")




def _statements(app, client, url: str) -> int:
    tally = []
    with clock.frozen(at(17, 40)), counted(app, tally):
        response = client.get(url)
    assert response.status_code == 200, url
    return len(tally)


def _busy_homerooms(school_id: int, count: int, prefix: str) -> None:
    """count homerooms of 3 students with a teacher, today's three checks done (one absent,
    one finding, one student still on campus) and every other one's screening recorded."""
    school = db.session.get(School, school_id)
    for n in range(count):
        room = Homeroom(school=school, name=f"{prefix}{n:02d}班", grade=9)
        db.session.add(room)
        teacher = factories.user(school, f"{prefix}.t{n}", Role.TEACHER, [room])
        pupils = [factories.student(school, room, seat, number=f"{prefix}{n:02d}{seat}")
                  for seat in (1, 2, 3)]
        db.session.flush()
        if n % 2 == 0:
            db.session.add(Screening(school_id=school.id, homeroom_id=room.id,
                                     week_start=DAY - timedelta(days=DAY.weekday()),
                                     no_conflicts=True, recorded_at=at(9),
                                     recorded_by_id=teacher.id))
        db.session.commit()
        first = pupils[0].id
        factories.record_check(room.id, DAY, "attendance", {first: "absent"}, at(7, 45),
                               teacher.id)
        factories.record_check(room.id, DAY, "bag", {first: "found"}, at(7, 40), teacher.id,
                               details={first: {"category": "knife", "description": "小刀"}})
        factories.record_check(room.id, DAY, "dismissal", {first: "on_campus"}, at(17, 35),
                               teacher.id, details={first: {"reason": "waiting_for_parent"}})


def _office_client(app, username: str):
    client = app.test_client()
    response = client.post("/login", data={"username": username,
                                           "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.parametrize("url", PAGES[:2])
def test_the_board_sends_as_many_statements_for_13_homerooms_as_for_3(app, school, url):
    with app.app_context():
        _busy_homerooms(school.school_id, 1, "small")
        _busy_homerooms(school.other_school_id, 12, "large")
    small = _statements(app, _office_client(app, school.usernames["office"]), url)
    large = _statements(app, _office_client(app, school.usernames["other_office"]), url)
    assert (small, large) == (small, small)
    assert small <= BOARD_BUDGET


def test_the_board_shows_every_homerooms_screening_of_the_week(app, school):
    with app.app_context():
        _busy_homerooms(school.other_school_id, 4, "large")
    with clock.frozen(at(17, 40)):
        html = _office_client(app, school.usernames["other_office"]).get("/office/").get_data(
            as_text=True)
    week = html.split('id="screening-title"', 1)[1]
    assert week.count('class="screening-done"') == 2
    assert week.count('class="screening-pending"') == 3  # the fixture's class and two of ours


@pytest.mark.parametrize("url", PAGES)
def test_the_office_desk_does_not_grow_with_history(app, school, url):
    with app.app_context():
        _busy_homerooms(school.school_id, 1, "busy")
    client = _office_client(app, school.usernames["office"])
    room = school.homeroom_ids["room1"]
    with app.app_context():
        factories.record_check(room, DAY - timedelta(days=1), "attendance",
                               {school.student_ids["room1"][0]: "late"})
    one_day = _statements(app, client, url)
    with app.app_context():
        for back in range(2, 43):
            day = DAY - timedelta(days=back)
            if day.weekday() < 5:
                factories.record_check(room, day, "attendance",
                                       {school.student_ids["room1"][0]: "absent"})
                factories.record_check(room, day, "bag")
    assert _statements(app, client, url) == one_day
    assert one_day <= (BOARD_BUDGET if "log" not in url else LOG_BUDGET)
