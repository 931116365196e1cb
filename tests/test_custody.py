"""Confiscated items: the custody trail through each state, the office's list oldest first
with the long-held items flagged, and bad moves refused without writing anything."""

from datetime import timedelta

import pytest

from rollcall.custody.models import ConfiscatedItem, CustodyEvent
from rollcall.extensions import db
from rollcall.models import AuditLog, Guardian, School, Student
from tests.checks_support import DAY, check_url, page, school_time, table_rows

EN = {"Accept-Language": "en"}


def snapshot(app) -> tuple:
    return (table_rows(app, ConfiscatedItem), table_rows(app, CustodyEvent),
            len(table_rows(app, AuditLog)))


def bag_finding(client, school, seat=0, action="kept_by_teacher", description="打火机", day=DAY):
    sid = school.student_ids["room1"][seat]
    response = client.post(check_url(school, "bag", day), data={
        f"s{sid}": "found", f"c{sid}": "fire", f"d{sid}": description, f"a{sid}": action})
    assert response.status_code == 302, page(response)
    return sid


@pytest.fixture
def item(app, login_as, school):
    with school_time(7, 40):
        bag_finding(login_as("teacher"), school)
    [found] = table_rows(app, ConfiscatedItem)
    return found


def guardian_of(app, student_id):
    with app.app_context():
        return db.session.get(Student, student_id).guardian_links[0].guardian_id


def move(client, item, **data):
    return client.post(f'/items/{item["id"]}/move', data=data, headers=EN)


def test_a_bag_finding_kept_by_the_teacher_opens_a_custody_trail(app, login_as, school, item):
    assert item["state"] == "with_teacher" and item["description"] == "打火机"
    assert item["found_on"] == DAY
    audited = [a["action"] for a in table_rows(app, AuditLog)]
    assert [action for action in audited if action.startswith("custody")] == ["custody.open"]
    with school_time(8, 0):
        text = page(login_as("teacher").get(f'/items/{item["id"]}', headers=EN))
    assert "Lighter or fire source" in text and "Kept by the teacher" in text


def test_nothing_opens_for_an_item_returned_at_once(app, login_as, school):
    with school_time(7, 40):
        bag_finding(login_as("teacher"), school, action="returned_to_parent")
    assert table_rows(app, ConfiscatedItem) == []


def test_the_trail_through_the_office_to_a_guardian(app, login_as, school, item):
    office = login_as("office")
    with school_time(9, 0):
        handed = move(login_as("teacher"), item, to="with_office", at=f"{DAY}T08:50",
                      received_by_id=school.user_ids["office"])
        assert handed.status_code == 302
        returned = move(office, item, to="returned", at=f"{DAY}T08:59",
                        guardian_id=guardian_of(app, item["student_id"]))
        assert returned.status_code == 302
        text = page(office.get(f'/items/{item["id"]}', headers=EN))
    assert table_rows(app, ConfiscatedItem)[0]["state"] == "returned"
    events = table_rows(app, CustodyEvent)
    assert [e["state"] for e in events] == ["with_teacher", "with_office", "returned"]
    assert events[1]["received_by_id"] == school.user_ids["office"]
    assert events[2]["guardian_id"] == guardian_of(app, item["student_id"])
    assert "received by 张主任" in text and "to 家长1-1" in text
    assert "Record" not in text.split("Custody trail")[1]  # no more moves once returned


def test_the_trail_to_disposal(app, login_as, school, item):
    with school_time(9, 0):
        response = move(login_as("office"), item, to="disposed", at=f"{DAY}T08:55",
                        disposed_by="张主任", how="当面销毁并拍照存档")
    assert response.status_code == 302
    assert table_rows(app, ConfiscatedItem)[0]["state"] == "disposed"
    assert table_rows(app, CustodyEvent)[-1]["how"] == "当面销毁并拍照存档"
    assert "custody.move" in [a["action"] for a in table_rows(app, AuditLog)]


def other_guardian(app, school):
    with app.app_context():
        return db.session.get(Student, school.student_ids["room1"][1]).guardian_links[0] \
            .guardian_id


@pytest.mark.parametrize("data, field, message", [
    ({"to": "returned", "at": f"{DAY}T08:00", "guardian_id": "OTHER"}, "guardian_id",
     "Only a guardian of this student can take the item."),
    ({"to": "returned", "at": f"{DAY}T08:00"}, "guardian_id",
     "Only a guardian of this student can take the item."),
    ({"to": "with_office", "at": f"{DAY}T08:00", "received_by_id": "TEACHER"},
     "received_by_id", "Choose who at the office received it."),
    ({"to": "disposed", "at": f"{DAY}T08:00", "disposed_by": "", "how": "扔了"},
     "disposed_by", "Say who disposed of it."),
    ({"to": "with_office", "at": f"{DAY + timedelta(days=1)}T08:00", "received_by_id": "OFFICE"},
     "at", "The time cannot be in the future."),
])
def test_a_bad_move_is_refused_next_to_the_field_and_writes_nothing(
        app, login_as, school, item, data, field, message):
    replace = {"OTHER": other_guardian(app, school), "TEACHER": school.user_ids["teacher"],
               "OFFICE": school.user_ids["office"]}
    data = {key: replace.get(value, value) for key, value in data.items()}
    before = snapshot(app)
    with school_time(9, 0):
        response = move(login_as("office"), item, **data)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page(response) and message in page(response)
    assert snapshot(app) == before


def test_the_office_sees_held_items_oldest_first_and_the_long_held_flagged(app, login_as,
                                                                          school, item):
    with app.app_context():
        main = db.session.get(School, school.school_id)
        main.settings = {**(main.settings or {}), "custody": {"flag_days": 5}}
        db.session.commit()
    later = DAY + timedelta(days=7)
    with school_time(7, 40, later):
        bag_finding(login_as("teacher"), school, seat=2, action="handed_to_office",
                    description="香烟", day=later)
        text = page(login_as("office").get("/items/", headers=EN))
    listing = text.split("custody-list")[1]
    assert listing.index("打火机") < listing.index("香烟")
    assert listing.count("Held too long") == 1
    first, second = listing.split("</li>")[:2]
    assert "Held too long" in first and "Held too long" not in second
    assert "Handed to the office" in second


def test_a_returned_item_leaves_the_list(app, login_as, school, item):
    with school_time(9, 0):
        move(login_as("office"), item, to="returned", at=f"{DAY}T08:59",
             guardian_id=guardian_of(app, item["student_id"]))
        text = page(login_as("office").get("/items/", headers=EN))
    assert "No item is held." in text


def test_a_guardian_of_another_school_is_refused(app, login_as, school, item):
    with app.app_context():
        stranger = db.session.scalar(db.select(Guardian).where(
            Guardian.school_id == school.other_school_id))
        stranger_id = stranger.id
    before = snapshot(app)
    with school_time(9, 0):
        response = move(login_as("office"), item, to="returned", at=f"{DAY}T08:00",
                        guardian_id=stranger_id)
    assert response.status_code == 422 and snapshot(app) == before


@pytest.mark.parametrize("to, who", [("with_office", "received_by_id"),
                                     ("returned", "guardian_id")])
def test_the_note_typed_with_any_move_is_kept_and_shown(app, login_as, school, item, to, who):
    """The note field shows for every move, so every move keeps what was typed in it."""
    chosen = school.user_ids["office"] if who == "received_by_id" else \
        guardian_of(app, item["student_id"])
    with school_time(9, 0):
        moved = move(login_as("office"), item, to=to, at=f"{DAY}T08:50", how="父亲到校当面领回",
                     **{who: chosen})
        assert moved.status_code == 302, page(moved)
        text = page(login_as("office").get(f'/items/{item["id"]}', headers=EN))
    assert table_rows(app, CustodyEvent)[-1]["how"] == "父亲到校当面领回"
    assert "父亲到校当面领回" in text.split("Custody trail")[1]
