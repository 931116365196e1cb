"""Two people changing one record at the same moment: a confiscated item moved twice, a case
closed twice, a student put on the watch list twice or taken off twice. Each runs in its own
thread with its own database session, both having read the record before either writes; one
change is recorded, the other is refused with who was first, and nothing of it is written."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from rollcall.cases import services as cases
from rollcall.cases.models import CaseEvent, CaseTrigger, MissingCase
from rollcall.custody import services as custody
from rollcall.custody.models import ConfiscatedItem, CustodyEvent
from rollcall.extensions import db
from rollcall.models import AuditLog, Homeroom, Student, User
from rollcall.screening import services as screening
from rollcall.screening.models import Conflict, ConflictUpdate, Screening
from rollcall.state_change import AlreadyChanged
from rollcall.watch import services as watch
from rollcall.watch.models import WatchEntry, WatchNote
from tests.checks_support import DAY, at, check_url, page, school_time, table_rows

EN = {"Accept-Language": "en"}


def at_once(app, *steps):
    """Run each step in its own thread and request context (its own session, English). A step
    reads what it needs and returns the change to make; the changes start together. What each
    returned or raised, in order."""
    ready = threading.Barrier(len(steps))

    def run(step):
        with app.test_request_context(headers=EN):
            try:
                change = step()
                ready.wait(timeout=30)
                return change()
            except Exception as error:  # noqa: BLE001 - the refusal is the result
                return error
            finally:
                db.session.remove()

    with school_time(9, 0), ThreadPoolExecutor(len(steps)) as pool:
        return list(pool.map(run, steps))


def audited(app, prefix):
    return [a["action"] for a in table_rows(app, AuditLog) if a["action"].startswith(prefix)]


@pytest.fixture
def item_id(app, login_as, school):
    """A lighter kept by class 1's teacher."""
    sid = school.student_ids["room1"][0]
    with school_time(7, 40):
        response = login_as("teacher").post(check_url(school, "bag"), data={
            f"s{sid}": "found", f"c{sid}": "fire", f"d{sid}": "打火机",
            f"a{sid}": "kept_by_teacher"})
    assert response.status_code == 302, page(response)
    [item] = table_rows(app, ConfiscatedItem)
    return item["id"]


def returning(school, item_id):
    def step():
        item = db.session.get(ConfiscatedItem, item_id)
        guardian = item.student.guardian_links[0].guardian_id
        actor = db.session.get(User, school.user_ids["office"])
        return lambda: custody.move(item, "returned", actor, at=at(8, 50), guardian_id=guardian)
    return step


def disposing(school, item_id):
    def step():
        item = db.session.get(ConfiscatedItem, item_id)
        actor = db.session.get(User, school.user_ids["admin"])
        return lambda: custody.move(item, "disposed", actor, at=at(8, 55),
                                    disposed_by="李管理员", how="当面销毁")
    return step


def test_an_item_returned_and_disposed_of_at_once_is_moved_once(app, school, item_id):
    results = at_once(app, returning(school, item_id), disposing(school, item_id))
    [refusal] = [r for r in results if isinstance(r, AlreadyChanged)]
    assert sum(isinstance(r, CustodyEvent) for r in results) == 1
    state = table_rows(app, ConfiscatedItem)[0]["state"]
    assert [e["state"] for e in table_rows(app, CustodyEvent)] == ["with_teacher", state]
    assert audited(app, "custody.move") == ["custody.move"]
    winner = "张主任" if state == "returned" else "李管理员"
    assert str(refusal.message).startswith(f"{winner} already recorded this item as:")


def test_two_identical_moves_at_once_record_one(app, school, item_id):
    results = at_once(app, returning(school, item_id), returning(school, item_id))
    assert sum(isinstance(r, AlreadyChanged) for r in results) == 1
    assert [e["state"] for e in table_rows(app, CustodyEvent)] == ["with_teacher", "returned"]


def test_a_move_sent_after_another_is_answered_with_who_moved_the_item(
        app, login_as, school, item_id):
    at_once(app, returning(school, item_id))
    before = (table_rows(app, CustodyEvent), len(table_rows(app, AuditLog)))
    with school_time(9, 5):
        response = login_as("teacher").post(f"/items/{item_id}/move", headers=EN, data={
            "to": "disposed", "at": f"{DAY}T09:00", "disposed_by": "王老师", "how": "扔了"})
    assert response.status_code == 409
    assert "张主任 already recorded this item as: Returned to a guardian." in page(response)
    assert (table_rows(app, CustodyEvent), len(table_rows(app, AuditLog))) == before


@pytest.fixture
def case_id(app, school):
    with app.app_context(), school_time(8, 0):
        student = db.session.get(Student, school.student_ids["room1"][0])
        return cases.raise_case(student, DAY, CaseTrigger.NOT_FOUND).id


def closing(school, case_id, who, outcome):
    def step():
        case = db.session.get(MissingCase, case_id)
        actor = db.session.get(User, school.user_ids[who])
        return lambda: cases.close_case(case, outcome, "在网吧找到", actor)
    return step


def test_a_case_closed_twice_at_once_is_closed_once(app, school, case_id):
    results = at_once(app, closing(school, case_id, "office", "found_at_home"),
                      closing(school, case_id, "admin", "police"))
    [refusal] = [r for r in results if isinstance(r, AlreadyChanged)]
    [case] = table_rows(app, MissingCase)
    closed = [e for e in table_rows(app, CaseEvent) if e["kind"] == "closed"]
    assert len(closed) == 1 and closed[0]["outcome"] == case["outcome"]
    assert closed[0]["actor_id"] == case["closed_by_id"]
    assert audited(app, "case.close") == ["case.close"]
    winner = "张主任" if case["closed_by_id"] == school.user_ids["office"] else "李管理员"
    assert str(refusal.message).startswith(f"{winner} already closed this case:")


def test_closing_a_closed_case_says_who_closed_it(app, login_as, school, case_id):
    at_once(app, closing(school, case_id, "office", "found_at_home"))
    before = (table_rows(app, MissingCase), table_rows(app, CaseEvent))
    with school_time(9, 5):
        response = login_as("admin").post(f"/cases/{case_id}/close", headers=EN,
                                          data={"close-outcome": "police", "close-note": "报警"})
    assert response.status_code == 409
    assert "张主任 already closed this case: Found at home." in page(response)
    assert (table_rows(app, MissingCase), table_rows(app, CaseEvent)) == before


def adding(school, who):
    def step():
        student = db.session.get(Student, school.student_ids["room1"][0])
        actor = db.session.get(User, school.user_ids[who])
        return lambda: watch.add_to_watch(student, "truancy", DAY + timedelta(days=7),
                                          "连续旷课", actor)
    return step


def test_a_student_added_twice_at_once_is_on_the_list_once(app, school):
    results = at_once(app, adding(school, "teacher"), adding(school, "office"),
                      adding(school, "admin"))
    refusals = [r for r in results if isinstance(r, watch.WatchInvalid)]
    assert len(refusals) == 2
    [entry] = table_rows(app, WatchEntry)
    winner = {school.user_ids["teacher"]: "王老师", school.user_ids["office"]: "张主任",
              school.user_ids["admin"]: "李管理员"}[entry["added_by_id"]]
    assert {str(r.errors["student_id"]) for r in refusals} == {
        f"{winner} already put this student on the watch list."}
    assert audited(app, "watch.add") == ["watch.add"]


def test_the_database_keeps_one_open_entry_per_student(app, school):
    at_once(app, adding(school, "teacher"))
    with app.app_context():
        first = db.session.scalar(db.select(WatchEntry))
        db.session.add(WatchEntry(school_id=first.school_id, student_id=first.student_id,
                                  reason="other", review_on=DAY, added_at=first.added_at))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        first.closed_at = first.added_at  # once closed, the student may be added again
        db.session.add(WatchEntry(school_id=first.school_id, student_id=first.student_id,
                                  reason="other", review_on=DAY, added_at=first.added_at))
        db.session.commit()
    assert len(table_rows(app, WatchEntry)) == 2


def entry_step(school, who, change):
    def step():
        entry = db.session.scalar(db.select(WatchEntry))
        actor = db.session.get(User, school.user_ids[who])
        return lambda: change(entry, actor)
    return step


def taking_off(school, who):
    return entry_step(school, who, lambda entry, actor: watch.take_off(entry, "已好转", actor))


def noting(school, who):
    return entry_step(school, who, lambda entry, actor: watch.add_note(
        entry, DAY, "今天按时到校", None, actor))


def test_a_student_taken_off_twice_at_once_is_taken_off_once(app, school):
    at_once(app, adding(school, "teacher"))
    results = at_once(app, taking_off(school, "office"), taking_off(school, "admin"))
    [refusal] = [r for r in results if isinstance(r, AlreadyChanged)]
    [entry] = table_rows(app, WatchEntry)
    winner = "张主任" if entry["closed_by_id"] == school.user_ids["office"] else "李管理员"
    assert str(refusal.message).startswith(f"{winner} already took this student off")
    assert audited(app, "watch.close") == ["watch.close"]


def test_a_note_sent_while_the_student_is_taken_off_is_kept_only_if_first(app, school):
    at_once(app, adding(school, "teacher"))
    results = at_once(app, taking_off(school, "office"), noting(school, "teacher"))
    [entry] = table_rows(app, WatchEntry)
    notes = table_rows(app, WatchNote)
    assert entry["closed_at"] is not None
    if notes:  # the note came first: it is written before the closing
        assert audited(app, "watch.") == ["watch.add", "watch.note", "watch.close"]
    else:
        assert str(results[1].errors["note"]) == "This student is no longer on the watch list."



def raising(school, trigger, seat=0):
    def step():
        student = db.session.get(Student, school.student_ids["room1"][seat])
        return lambda: cases.raise_case(student, DAY, trigger)
    return step


def test_two_triggers_at_once_open_one_case_and_the_other_joins_its_timeline(app, school):
    results = at_once(app, raising(school, CaseTrigger.NOT_FOUND),
                      raising(school, CaseTrigger.FAMILY_UNAWARE))
    [opened] = [r for r in results if isinstance(r, MissingCase)]
    assert results.count(None) == 1  # the other: no case of its own, a line on this one
    [case] = table_rows(app, MissingCase)
    events = [(e["kind"], e["trigger"]) for e in table_rows(app, CaseEvent)]
    other = ({"not_found", "family_unaware"} - {case["trigger"]}).pop()
    assert events == [("opened", case["trigger"]), ("raised_again", other)]
    assert audited(app, "case.") == ["case.open", "case.raised_again"]


def test_one_trigger_raised_twice_at_once_opens_one_case(app, school):
    results = at_once(app, raising(school, CaseTrigger.UNREACHED),
                      raising(school, CaseTrigger.UNREACHED))
    assert sum(isinstance(r, MissingCase) for r in results) == 1
    assert [e["kind"] for e in table_rows(app, CaseEvent)] == ["opened"]


def test_a_trigger_joining_a_case_closed_at_the_same_moment_opens_a_new_one(
        app, school, case_id):
    results = at_once(app, closing(school, case_id, "office", "found_at_home"),
                      raising(school, CaseTrigger.FAMILY_UNAWARE))
    rows = table_rows(app, MissingCase)
    open_now = [row for row in rows if row["closed_at"] is None]
    if isinstance(results[1], MissingCase):  # the closing came first: a new case is open
        assert [row["trigger"] for row in open_now] == ["family_unaware"]
    else:  # the trigger came first: it is on the closed case's timeline
        assert open_now == [] and len(rows) == 1
        assert [e["kind"] for e in table_rows(app, CaseEvent)] == [
            "opened", "raised_again", "closed"]


def test_the_database_keeps_one_open_case_per_student(app, school, case_id):
    with app.app_context():
        first = db.session.get(MissingCase, case_id)
        db.session.add(MissingCase(school_id=first.school_id, student_id=first.student_id,
                                   school_date=DAY, trigger="family_unaware",
                                   opened_at=first.opened_at))
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        first.closed_at, first.outcome = first.opened_at, "other"
        db.session.add(MissingCase(school_id=first.school_id, student_id=first.student_id,
                                   school_date=DAY, trigger="family_unaware",
                                   opened_at=first.opened_at))
        db.session.commit()
    assert len(table_rows(app, MissingCase)) == 2


@pytest.fixture
def conflict_id(app, school):
    with app.app_context(), school_time(8, 0):
        homeroom = db.session.get(Homeroom, school.homeroom_ids["room1"])
        teacher = db.session.get(User, school.user_ids["teacher"])
        return screening.record_conflict(
            homeroom, screening.week_start(DAY), teacher,
            student_ids=school.student_ids["room1"][:2], about="抢座位", severity="minor",
            action=None, state="open").id


def updating(school, conflict_id, who, state, take_over=False):
    def step():
        conflict = db.session.get(Conflict, conflict_id)
        actor = db.session.get(User, school.user_ids[who])
        return lambda: screening.update_conflict(conflict, actor, state=state, note="谈过了",
                                                 take_over=take_over)
    return step


def test_a_conflict_resolved_and_escalated_at_once_changes_once(app, school, conflict_id):
    results = at_once(app, updating(school, conflict_id, "teacher", "resolved"),
                      updating(school, conflict_id, "office", "escalated", take_over=True))
    [refusal] = [r for r in results if isinstance(r, AlreadyChanged)]
    [conflict] = table_rows(app, Conflict)
    assert [u["state"] for u in table_rows(app, ConflictUpdate)] == ["open", conflict["state"]]
    assert audited(app, "conflict.update") == ["conflict.update"]
    winner, words = (("王老师", "Resolved") if conflict["state"] == "resolved"
                     else ("张主任", "Escalated to the office"))
    assert conflict["office_owner_id"] == (
        school.user_ids["office"] if conflict["state"] == "escalated" else None)
    assert str(refusal.message) == (f"{winner} changed this conflict a moment ago: {words}. "
                                    "Your update was not recorded.")


def test_no_conflicts_and_a_conflict_recorded_at_once_keep_one_screening(app, school):
    def no_conflicts():
        homeroom = db.session.get(Homeroom, school.homeroom_ids["room1"])
        teacher = db.session.get(User, school.user_ids["teacher"])
        return lambda: screening.record_no_conflicts(homeroom, screening.week_start(DAY),
                                                     teacher)

    def a_conflict():
        homeroom = db.session.get(Homeroom, school.homeroom_ids["room1"])
        office = db.session.get(User, school.user_ids["office"])
        return lambda: screening.record_conflict(
            homeroom, screening.week_start(DAY), office,
            student_ids=school.student_ids["room1"][:2], about="打架", severity="minor",
            action=None, state="open")

    results = at_once(app, no_conflicts, a_conflict)
    assert not any(isinstance(r, Exception) for r in results), results
    [week] = table_rows(app, Screening)
    assert week["no_conflicts"] is False  # a conflict was found, whichever came first
    assert len(table_rows(app, Conflict)) == 1


def test_a_sweep_change_never_lands_on_a_case_closed_at_the_same_moment(app, school, case_id):
    def sweeping():
        sid = school.student_ids["room1"][0]
        actor = db.session.get(User, school.user_ids["teacher"])
        return lambda: cases.note_sweep_changes(None, {sid: {"status": "not_found"}},
                                                {sid: {"status": "left"}}, actor)

    results = at_once(app, closing(school, case_id, "office", "found_at_school"), sweeping)
    kinds = [e["kind"] for e in table_rows(app, CaseEvent)]
    assert kinds == (["opened", "sweep_changed", "closed"] if results[1] == 1
                     else ["opened", "closed"])
