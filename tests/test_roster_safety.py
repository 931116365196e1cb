"""An import never empties a school by accident: a full file that would deactivate a class or
over a tenth of the students is refused unless confirmed, on the command line and on the web
(check, then confirm the very file that was checked)."""

import io
import re

import pytest

from rollcall.extensions import db
from rollcall.models import Homeroom, Role, School, Student
from tests.factories import PASSWORD, user
from tests.roster_helpers import HEADER, SIMPLE_CLEAN, problem_rows, simple_csv, snapshot

WITHOUT_CHECKS = "roster_checks"  # the kept file awaiting confirmation is not the roster


def active_numbers(school_id):
    return sorted(s.student_number for s in db.session.scalars(db.select(Student).where(
        Student.school_id == school_id, Student.active)))


def roster_of(app, school, leave_out=0, room2_into_room1=False):
    """The school's own students as a simple CSV, leaving out the last `leave_out`."""
    with app.app_context():
        students = db.session.scalars(db.select(Student).where(
            Student.school_id == school.school_id).order_by(Student.id)).all()
        rows = [f"{'九年级1班' if room2_into_room1 else s.homeroom.name},9,{s.student_number},"
                f"{s.name},{s.seat},,,,\n" for s in students]
    return "".join(rows[:len(rows) - leave_out])


def cli(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), "--school", "测试中学", *args])


def test_a_full_import_that_would_deactivate_everyone_is_refused(app, runner, school):
    with app.app_context():
        before = snapshot()
    result = cli(runner, SIMPLE_CLEAN)
    assert result.exit_code == 1
    assert ("clean.csv:0: -: this import would deactivate 10 of the school's 10 active "
            "students and 0 class(es): if the file really is the whole school, confirm it "
            "(--allow-deactivate)") in result.output
    with app.app_context():
        assert snapshot() == before
        assert len(active_numbers(school.school_id)) == 10


def test_a_dry_run_says_the_same(app, runner, school):
    result = cli(runner, SIMPLE_CLEAN, "--dry-run")
    assert result.exit_code == 1
    assert "this import would deactivate 10 of the school's 10 active students" in result.output


def test_allow_deactivate_applies_it(app, runner, school):
    result = cli(runner, SIMPLE_CLEAN, "--allow-deactivate")
    assert result.exit_code == 0, result.output
    assert "deactivated: 10 students" in result.output
    with app.app_context():
        assert active_numbers(school.school_id) == ["2027001", "2027002", "2027101"]


@pytest.mark.parametrize(("left_out", "refused"), [(0, False), (1, False), (2, True)])
def test_more_than_a_tenth_of_the_students_needs_confirming(app, runner, school, tmp_path,
                                                            left_out, refused):
    path = simple_csv(tmp_path, roster_of(app, school, left_out))
    result = cli(runner, path)
    assert (result.exit_code == 1) is refused, result.output
    with app.app_context():
        assert len(active_numbers(school.school_id)) == (10 if refused else 10 - left_out)


def test_deactivating_any_class_needs_confirming(app, runner, school, tmp_path):
    path = simple_csv(tmp_path, roster_of(app, school, room2_into_room1=True))
    result = cli(runner, path)
    assert result.exit_code == 1
    assert "would deactivate 0 of the school's 10 active students and 1 class(es)" \
        in result.output
    with app.app_context():
        assert db.session.get(Homeroom, school.homeroom_ids["room2"]).active


@pytest.fixture
def admin(login_as):
    client = login_as("admin")
    client.post("/language", data={"locale": "en"})
    return client


def check(client, data: bytes, name="clean.csv", **form):
    return client.post("/admin/import", data={"file": (io.BytesIO(data), name), **form},
                       content_type="multipart/form-data")


def token_of(response) -> str:
    return re.search(r'name="token" type="hidden" value="([^"]+)"',
                     response.get_data(as_text=True))[1]


def roster_snapshot():
    state = snapshot()
    state.pop(WITHOUT_CHECKS)
    return state


def test_the_web_check_names_the_deactivations_and_writes_nothing(app, school, admin):
    with app.app_context():
        before = roster_snapshot()
    response = check(admin, SIMPLE_CLEAN.read_bytes())
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Checked: nothing is written until you confirm." in text
    deactivations = re.search(r'<div class="deactivations danger">(.*?)</div>', text, re.S)[1]
    assert "Would be deactivated" in deactivations
    assert "学生01 (1班001)、学生02 (1班002)" in deactivations
    assert "Confirm only if the file really is the whole school" in deactivations
    assert "Confirm: import and deactivate" in text
    with app.app_context():
        assert roster_snapshot() == before


def test_confirming_applies_the_checked_file(app, school, admin):
    token = token_of(check(admin, SIMPLE_CLEAN.read_bytes()))
    response = admin.post("/admin/import/confirm", data={"token": token})
    assert "Imported." in response.get_data(as_text=True)
    with app.app_context():
        assert active_numbers(school.school_id) == ["2027001", "2027002", "2027101"]
    again = admin.post("/admin/import/confirm", data={"token": token}, follow_redirects=True)
    assert "This check is no longer available: upload the file again." in \
        again.get_data(as_text=True)


def test_confirming_is_refused_when_the_roster_changed_since_the_check(app, school, admin):
    token = token_of(check(admin, SIMPLE_CLEAN.read_bytes()))
    with app.app_context():
        db.session.get(Student, school.student_ids["room1"][0]).name = "改过的名字"
        db.session.commit()
        before = roster_snapshot()
    response = admin.post("/admin/import/confirm", data={"token": token},
                          follow_redirects=True)
    assert "The school&#39;s roster changed after this file was checked, so nothing was " \
        "imported" in response.get_data(as_text=True)
    with app.app_context():
        assert roster_snapshot() == before
        assert len(active_numbers(school.school_id)) == 10


def test_a_newer_check_replaces_the_older_one(app, school, admin, tmp_path):
    first = token_of(check(admin, SIMPLE_CLEAN.read_bytes()))
    second = token_of(check(admin, (HEADER + roster_of(app, school)).encode(), "same.csv"))
    stale = admin.post("/admin/import/confirm", data={"token": first}, follow_redirects=True)
    assert "This check is no longer available" in stale.get_data(as_text=True)
    response = admin.post("/admin/import/confirm", data={"token": second})
    assert "Imported." in response.get_data(as_text=True)
    with app.app_context():
        assert len(active_numbers(school.school_id)) == 10


def test_a_check_is_the_admin_s_own(app, school, admin):
    token = token_of(check(admin, SIMPLE_CLEAN.read_bytes()))
    with app.app_context():
        user(db.session.get(School, school.school_id), "admin.two", Role.ADMIN)
        db.session.commit()
    other = app.test_client()
    other.post("/login", data={"username": "admin.two", "password": PASSWORD})
    other.post("/language", data={"locale": "en"})
    response = other.post("/admin/import/confirm", data={"token": token},
                          follow_redirects=True)
    assert "This check is no longer available" in response.get_data(as_text=True)
    with app.app_context():
        assert len(active_numbers(school.school_id)) == 10


def test_a_file_with_errors_offers_no_confirmation(app, school, admin):
    response = check(admin, b"homeroom,student_number,student_name\n")
    assert response.status_code == 422
    assert problem_rows(response.get_data(as_text=True)) == [
        ["clean.csv", "2", "", "", "the file lists no students"]]
    assert 'name="token"' not in response.get_data(as_text=True)
