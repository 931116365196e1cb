"""The checks agree, whatever the order: absent at attendance is 'not checked' at the bag check,
a finding for an absent student is refused, and a late arrival on a past day gets no made-up
time."""

import html

import pytest

from rollcall.api import tokens
from rollcall.checks.models import Check, CheckEntry, CheckKind
from rollcall.extensions import db
from rollcall.models import AuditLog
from tests.checks_support import DAY, YESTERDAY, check_url, homeroom, school_time, user


def _ids(app, school):
    with app.app_context():
        return [(s.id, s.student_number) for s in homeroom(school).students]


def _statuses(app, school, kind, day=DAY) -> dict[int, str]:
    with app.app_context():
        check = db.session.scalar(db.select(Check).where(
            Check.homeroom_id == school.homeroom_ids["room1"], Check.school_date == day,
            Check.kind == kind))
        return {e.student_id: e.status for e in check.entries}


def _snapshot(app):
    """Everything a save could write."""
    with app.app_context():
        return (
            sorted((c.id, c.kind, c.version) for c in db.session.scalars(db.select(Check))),
            sorted((e.student_id, e.check_id, e.status, e.arrived_at, e.category)
                   for e in db.session.scalars(db.select(CheckEntry))),
            db.session.scalar(db.select(db.func.count()).select_from(AuditLog)))


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def test_bag_check_first_then_two_absent_reads_not_checked_and_counts_once(app, school,
                                                                            login_as):
    teacher, office = login_as("teacher"), login_as("office")
    (a, _), (b, _), *rest = _ids(app, school)
    with school_time(7, 40):
        assert teacher.post(check_url(school, "bag"), data={}).status_code == 302
    with school_time(8, 10):
        assert teacher.post(check_url(school, "attendance"), data={
            f"s{a}": "absent", f"s{b}": "excused", f"r{b}": "看病"}).status_code == 302
        bag = _statuses(app, school, CheckKind.BAG)
        today = _text(teacher.get(f"/homerooms/{school.homeroom_ids['room1']}/today",
                                  headers={"Accept-Language": "en"}))
        board = _text(office.get("/office/", headers={"Accept-Language": "en"}))
        bag_page = _text(teacher.get(check_url(school, "bag"),
                                     headers={"Accept-Language": "en"}))
    assert bag[a] == bag[b] == "not_checked"
    assert {bag[sid] for sid, _ in rest} == {"clear"}
    assert f"Nothing found {len(rest)}" in today and "Not checked (absent) 2" in today
    assert f"Nothing found {len(rest) + 2}" not in today
    assert "Present 3" in today and "Absent 1" in today and "Excused 1" in today
    assert 'data-count="not_checked">2<' in bag_page
    assert 'data-count="clear">3<' in bag_page
    assert "Bag check" in board


def test_attendance_first_then_a_stale_bag_form_marks_the_absent_not_checked(app, school,
                                                                            login_as):
    teacher = login_as("teacher")
    (a, _), (b, _), *rest = _ids(app, school)
    with school_time(7, 30):
        assert teacher.post(check_url(school, "attendance"), data={
            f"s{a}": "absent", f"s{b}": "absent"}).status_code == 302
        form = {f"s{sid}": "clear" for sid in (a, b, *(sid for sid, _ in rest))}
        assert teacher.post(check_url(school, "bag"), data=form).status_code == 302
    bag = _statuses(app, school, CheckKind.BAG)
    assert bag[a] == bag[b] == "not_checked"
    assert {bag[sid] for sid, _ in rest} == {"clear"}


def test_a_finding_for_a_student_then_marked_absent_is_refused_for_that_row(app, school,
                                                                          login_as):
    teacher = login_as("teacher")
    (a, _), (b, _), *_rest = _ids(app, school)
    with school_time(7, 40):
        teacher.post(check_url(school, "bag"), data={
            f"s{a}": "found", f"c{a}": "tobacco", f"a{a}": "kept_by_teacher"})
    before = _snapshot(app)
    with school_time(8, 10):
        response = teacher.post(check_url(school, "attendance"), data={
            f"s{a}": "absent", f"s{b}": "absent"}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert "this student's bag was searched this morning, so they were here: if they have " \
           "left since, mark them \"came, then left\"" in _text(response).lower()
    assert _snapshot(app) == before


def test_a_finding_for_a_student_already_marked_absent_is_refused(app, school, login_as):
    teacher = login_as("teacher")
    (a, _), *_rest = _ids(app, school)
    with school_time(7, 30):
        teacher.post(check_url(school, "attendance"), data={f"s{a}": "absent"})
    before = _snapshot(app)
    with school_time(7, 40):
        response = teacher.post(check_url(school, "bag"), data={
            f"s{a}": "found", f"c{a}": "knife", f"a{a}": "handed_to_office"},
            headers={"Accept-Language": "zh"})
    assert response.status_code == 422
    assert "该学生在点名中记为缺勤" in _text(response)
    assert _snapshot(app) == before


@pytest.fixture
def api(app, school):
    with app.app_context():
        token = tokens.create_token(user(school, "office"))
        db.session.commit()
    client = app.test_client()
    base = f"/api/v1/homerooms/{school.homeroom_ids['room1']}/checks"

    def put(kind, body, day=DAY):
        return client.put(f"{base}/{day.isoformat()}/{kind}", json=body,
                          headers={"Authorization": f"Bearer {token}"})

    return put


def test_over_the_api_a_finding_then_absent_is_422_and_absent_clears_the_bag_check(app, school,
                                                                                 api):
    (a, na), (b, nb), *_rest = _ids(app, school)
    with school_time(7, 40):
        assert api("bag", {"version": None, "entries": [
            {"student_number": na, "status": "found", "category": "alcohol",
             "action": "handed_to_office"}]}).status_code == 200
    before = _snapshot(app)
    with school_time(8, 10):
        refused = api("attendance", {"version": None, "entries": [
            {"student_number": na, "status": "absent"},
            {"student_number": nb, "status": "absent"}]})
        assert refused.status_code == 422
        assert refused.get_json()["errors"][0]["field"] == "entries[0].status"
        assert _snapshot(app) == before
        assert api("attendance", {"version": None, "entries": [
            {"student_number": nb, "status": "absent"}]}).status_code == 200
    bag = _statuses(app, school, CheckKind.BAG)
    assert bag[a] == "found" and bag[b] == "not_checked"


def test_a_late_arrival_on_a_past_day_takes_the_typed_time_or_none(app, school, login_as):
    office = login_as("office")
    (a, _), (b, _), *_rest = _ids(app, school)
    with school_time(21, 27):
        assert office.post(check_url(school, "attendance", day=YESTERDAY), data={
            f"s{a}": "late", f"t{a}": "", f"s{b}": "late", f"t{b}": "08:12"}).status_code == 302
        with app.app_context():
            arrived = {e.student_id: e.arrived_at for e in db.session.scalars(
                db.select(CheckEntry).join(Check).where(Check.school_date == YESTERDAY))}
        page = _text(office.get(check_url(school, "attendance", day=YESTERDAY),
                                headers={"Accept-Language": "en"}))
        log = _text(office.get("/office/log?kind=attendance&status=late",
                               headers={"Accept-Language": "en"}))
    assert arrived[a] is None
    assert arrived[b] is not None and arrived[b].strftime("%H:%M") == "00:12"  # 08:12 in UTC
    assert f'name="t{a}" value=""' in page and f'name="t{b}" value="08:12"' in page
    assert "21:27" not in log
    assert "time not recorded" in log and "arrived 08:12" in log


def test_a_late_arrival_on_a_past_day_over_the_api_is_never_the_time_of_the_save(app, school,
                                                                                 api):
    (a, na), *_rest = _ids(app, school)
    with school_time(21, 27):
        response = api("attendance", {"version": None, "entries": [
            {"student_number": na, "status": "late"}]}, day=YESTERDAY)
    assert response.status_code == 200
    entry = next(e for e in response.get_json()["entries"] if e["student_number"] == na)
    assert entry["status"] == "late" and entry["arrived_at"] is None


def test_over_the_api_a_finding_for_an_absent_student_is_422(app, school, api):
    (a, na), (b, nb), *_rest = _ids(app, school)
    with school_time(7, 30):
        assert api("attendance", {"version": None, "entries": [
            {"student_number": na, "status": "absent"}]}).status_code == 200
    before = _snapshot(app)
    with school_time(7, 40):
        refused = api("bag", {"version": None, "entries": [
            {"student_number": nb, "status": "clear"},
            {"student_number": na, "status": "found", "category": "knife",
             "action": "handed_to_office"}]})
    assert refused.status_code == 422
    assert [e["field"] for e in refused.get_json()["errors"]] == ["entries[1].status"]
    assert _snapshot(app) == before


def test_a_finding_saved_while_attendance_was_saving_is_not_overwritten(app, school, login_as,
                                                                        monkeypatch):
    """Attendance read the bag check (nothing found), then a bag save recorded a finding for
    the same student before attendance wrote: the rule that marks the absent 'not checked'
    changes only rows still 'nothing found', so the finding and its trail stay."""
    from rollcall.checks import reading, services
    from rollcall.models import AuditRule

    teacher = login_as("teacher")
    (a, _), *_rest = _ids(app, school)
    with school_time(7, 40):
        assert teacher.post(check_url(school, "bag"), data={}).status_code == 302
    with app.app_context():
        before_the_finding = reading.saved_day(school.homeroom_ids["room1"], DAY)
    with school_time(7, 45):
        assert teacher.post(check_url(school, "bag"), data={
            f"s{a}": "found", f"c{a}": "prohibited", f"d{a}": "扑克牌",
            f"a{a}": "kept_by_teacher", "version": "1"}).status_code == 302
    # Attendance's save works from what it read before the finding was committed.
    monkeypatch.setattr(services, "saved_day", lambda *args: before_the_finding)
    with school_time(8, 10):
        assert teacher.post(check_url(school, "attendance"),
                            data={f"s{a}": "absent"}).status_code == 302
    assert _statuses(app, school, CheckKind.BAG)[a] == "found"
    assert _statuses(app, school, CheckKind.ATTENDANCE)[a] == "absent"
    with app.app_context():
        assert not db.session.scalars(db.select(AuditLog).where(
            AuditLog.rule == AuditRule.ABSENT_AT_ATTENDANCE)).all()
