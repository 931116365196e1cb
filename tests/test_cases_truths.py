"""A missing-student case and the sweep agree, and a closed case says what was true while it
was open: a changed 'not found' row joins the case's timeline and asks for it to be closed
with an outcome; a case opened with no on-duty phone says so after the phones are set."""

from rollcall.cases.models import CaseEvent
from rollcall.models import AuditLog
from tests.checks_support import check_url, page, school_time, table_rows
from tests.test_cases import EN, open_case, set_duty_phones


def _not_found_then_found(app, login_as, school):
    set_duty_phones(app, school)
    teacher = login_as("teacher")
    student = school.student_ids["room1"][1]
    with school_time(17, 10):
        assert teacher.post(check_url(school, "dismissal"),
                            data={f"s{student}": "not_found"}).status_code == 302
    with school_time(17, 25):
        assert teacher.post(check_url(school, "dismissal"), data={
            "version": "1", f"s{student}": "left"}).status_code == 302
    return teacher


def test_a_changed_not_found_row_joins_the_case_timeline(app, login_as, school):
    _not_found_then_found(app, login_as, school)
    events = table_rows(app, CaseEvent)
    assert [(e["kind"], e["status"]) for e in events] == [("opened", None),
                                                         ("sweep_changed", "left")]
    assert events[1]["actor_id"] == school.user_ids["teacher"]
    assert [a["action"] for a in table_rows(app, AuditLog)
            if a["action"].startswith("case.")] == ["case.open", "case.sweep_changed"]


def test_the_case_asks_to_be_closed_where_teacher_and_office_look(app, login_as, school):
    teacher = _not_found_then_found(app, login_as, school)
    office = login_as("office")
    [case_id] = [e["case_id"] for e in table_rows(app, CaseEvent) if e["kind"] == "opened"]
    with school_time(17, 30):
        board = page(office.get("/office/", headers=EN))
        today = page(teacher.get(f"/homerooms/{school.homeroom_ids['room1']}/today",
                                 headers=EN))
        case_page = page(office.get(f"/cases/{case_id}", headers=EN))
        zh = page(office.get(f"/cases/{case_id}", headers={"Accept-Language": "zh"}))
    for text in (board, today):
        cases = text.split('class="card missing-cases"')[1].split("</section>")[0]
        assert "the sweep now says Left campus: close the case" in cases
    assert "The dismissal sweep changed" in case_page and "now: Left campus" in case_page
    assert "The dismissal sweep now says Left campus: close the case with an outcome" \
        in case_page
    assert "放学清校记录已更改" in zh


def test_a_closed_case_says_nobody_was_texted_then(app, login_as, school):
    set_duty_phones(app, school, phones=[])
    teacher = login_as("teacher")
    student = school.student_ids["room1"][1]
    with school_time(17, 10):
        assert teacher.post(check_url(school, "dismissal"),
                            data={f"s{student}": "not_found"}).status_code == 302
    set_duty_phones(app, school)  # the phones are set afterwards
    [case_id] = [e["case_id"] for e in table_rows(app, CaseEvent)]
    office = login_as("office")
    with school_time(18, 0):
        assert office.post(f"/cases/{case_id}/close", data={
            "close-outcome": "found_at_school", "close-note": "在操场找到"}).status_code == 302
        text = page(office.get(f"/cases/{case_id}", headers=EN))
    assert "No on-duty phone is set" not in text
    assert "Nobody was texted: no on-duty phone was set when the case was opened." in text


def test_a_case_with_no_changed_sweep_does_not_ask(app, login_as, school):
    case = open_case(app, login_as, school)
    with school_time(9, 0):
        text = page(login_as("office").get(f'/cases/{case["id"]}', headers=EN))
    assert 'id="sweep-changed"' not in text


def test_the_printed_weekly_log_lists_the_weeks_missing_student_cases(app, login_as, school):
    _not_found_then_found(app, login_as, school)
    with school_time(17, 40):
        text = page(login_as("office").get(
            f"/homerooms/{school.homeroom_ids['room1']}/week/2027-W09", headers=EN))
    cases = text.split('class="plain week-cases"')[1].split("</ul>")[0]
    assert "学生02" in cases and "not found at the dismissal sweep" in cases and "Open" in cases
