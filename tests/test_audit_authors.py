"""The author of a change is who made it: a change a rule made (the bag check following
attendance) is the rule's, in the bag check's history, the audit trail and the week's log."""

import html

from rollcall.checks.models import Check, CheckKind
from rollcall.extensions import db
from rollcall.models import AuditLog, AuditRule
from tests.checks_support import DAY, check_url, homeroom, school_time, user


def _text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _bag_then_absent(app, school, login_as):
    """07:40 the bag check (everyone clear); 08:10 attendance marks the first student absent."""
    teacher = login_as("teacher")
    with app.app_context():
        pupil = homeroom(school).students[0]
        sid, name = pupil.id, pupil.name
        teacher_name = user(school, "teacher").display_name
    with school_time(7, 40):
        assert teacher.post(check_url(school, "bag"), data={}).status_code == 302
    with school_time(8, 10):
        assert teacher.post(check_url(school, "attendance"),
                            data={f"s{sid}": "absent"}).status_code == 302
    return teacher, name, teacher_name


def test_the_rule_is_stored_as_the_author_of_the_bag_change(app, school, login_as):
    _bag_then_absent(app, school, login_as)
    with app.app_context():
        bag = db.session.scalar(db.select(Check).where(Check.kind == CheckKind.BAG))
        changes = list(db.session.scalars(db.select(AuditLog).where(
            AuditLog.object_type == "Check", AuditLog.object_id == str(bag.id),
            AuditLog.action == "check.entry")))
        assert [row.rule for row in changes] == [AuditRule.ABSENT_AT_ATTENDANCE]
        assert bag.edits == 0 and bag.updated_by.role == "teacher"
        assert bag.updated_at == bag.submitted_at  # nobody edited it since 07:40


def test_the_bag_history_says_the_rule_did_it(app, school, login_as):
    teacher, name, teacher_name = _bag_then_absent(app, school, login_as)
    with school_time(8, 15):
        zh = _text(teacher.get(check_url(school, "bag"), headers={"Accept-Language": "zh"}))
        en = _text(teacher.get(check_url(school, "bag"), headers={"Accept-Language": "en"}))
    for text, rule in ((zh, "因考勤记为缺勤"), (en, "marked absent by attendance")):
        changes = text.split('id="history"')[1].split("</ol>")[0]
        line = next(li for li in changes.split("<li>") if name in li)
        assert rule in line and teacher_name not in line
        saved_by = text.split('class="saved-by"')[1].split("</p>")[0]
        assert "08:10" not in saved_by  # not "last changed at 08:10 by the teacher"


def test_the_audit_trail_says_the_rule_did_it(app, school, login_as):
    _, name, teacher_name = _bag_then_absent(app, school, login_as)
    office = login_as("office")
    en = _text(office.get("/office/audit", headers={"Accept-Language": "en"}))
    zh = _text(office.get("/office/audit", headers={"Accept-Language": "zh"}))
    assert (f"{name}'s Bag check of Mar 2 went from Nothing found to Not checked (absent): "
            "marked absent by attendance") in en
    assert f"{teacher_name} changed {name}'s Bag check" not in en
    assert "因考勤记为缺勤" in zh and f"{teacher_name} 把 {name} 3月2日的书包检查" not in zh


def test_the_week_log_does_not_count_the_rule_as_an_edit(app, school, login_as):
    teacher, _, _ = _bag_then_absent(app, school, login_as)
    with school_time(8, 20):
        text = _text(teacher.get(f"/homerooms/{school.homeroom_ids['room1']}/week/2027-W09",
                                 headers={"Accept-Language": "en"}))
    day = text.split(f'id="day-{DAY.isoformat()}"')[1].split("</section>")[0]
    assert "edited" not in day


def test_a_teachers_edit_is_still_counted_once(app, school, login_as):
    teacher, _, teacher_name = _bag_then_absent(app, school, login_as)
    with app.app_context():
        other = homeroom(school).students[1].id
    with school_time(8, 30):
        assert teacher.post(check_url(school, "attendance"), data={
            "version": "1", f"s{other}": "late"}).status_code == 302
        text = _text(teacher.get(f"/homerooms/{school.homeroom_ids['room1']}/week/2027-W09",
                                 headers={"Accept-Language": "en"}))
    day = text.split(f'id="day-{DAY.isoformat()}"')[1].split("</section>")[0]
    assert f"edited 1 time, last at 08:30 by {teacher_name}" in day
    assert "edited 1 times" not in day
