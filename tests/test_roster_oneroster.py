"""Importing OneRoster sets: folders and zips, 1.1 and 1.2, clean and flawed fixtures."""

import pytest

from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Role, Student, User
from tests.roster_helpers import ONEROSTER, snapshot, zipped


def run_import(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), *args])


def stored_roster():
    students = db.session.scalars(db.select(Student).order_by(Student.student_number)).all()
    return {
        s.student_number: (s.name, s.homeroom.name, s.sourced_id,
                           [(li.contact_order, li.guardian.name, li.guardian.phone_e164,
                             li.guardian.relationship_label) for li in s.guardian_links])
        for s in students
    }


@pytest.mark.parametrize("packed", [False, True], ids=["folder", "zip"])
def test_a_clean_oneroster_set_imports(app, runner, tmp_path, packed):
    path = zipped(ONEROSTER / "clean", tmp_path) if packed else ONEROSTER / "clean"
    result = run_import(runner, path, "--school", "阳光中学")
    assert result.exit_code == 0, result.output
    assert "added: 2 homerooms, 3 students, 4 guardians, 2 teachers" in result.output
    with app.app_context():
        assert stored_roster() == {
            "2027001": ("张三", "九年级1班", "s-1", [
                (1, "张父", "+8613812345678", "parent"),
                (2, "张母", "+8613912345678", "guardian")]),
            "2027002": ("李四", "九年级1班", "s-2", [
                (1, "李奶奶", "+8613712345678", "relative")]),
            "2027003": ("王五", "九年级2班", "s-3", [
                (1, "Mary Wang", "+8613612345678", "parent")]),
        }
        homerooms = db.session.scalars(db.select(Homeroom).order_by(Homeroom.name)).all()
        assert [(h.name, h.grade, [t.username for t in h.teachers]) for h in homerooms] == [
            ("九年级1班", 9, ["t.zhou"]), ("九年级2班", 9, ["t.wu"])]
        teacher = db.session.scalar(db.select(User).where(User.username == "t.zhou"))
        assert (teacher.display_name, teacher.role) == ("周老师", Role.TEACHER)
        assert not teacher.check_password("")  # no password until an admin sets one


def test_reimporting_a_oneroster_set_is_idempotent(app, runner):
    run_import(runner, ONEROSTER / "clean", "--school", "阳光中学")
    with app.app_context():
        before = snapshot()
        before.pop("audit_log")
    result = run_import(runner, ONEROSTER / "clean")
    assert "added: nothing\nupdated: nothing\ndeactivated: nothing" in result.output
    with app.app_context():
        after = snapshot()
        after.pop("audit_log")
        assert after == before


def test_oneroster_12_roles_file_is_understood(app, runner):
    result = run_import(runner, ONEROSTER / "v12", "--school", "阳光中学")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored_roster() == {"2027001": ("张三", "九年级1班", "s-1", [
            (1, "张父", "+8613812345678", "parent")])}
        assert db.session.scalar(db.select(User).where(User.username == "t.zhou")).homerooms


def test_bad_phones_are_all_reported_and_nothing_is_written(app, runner, school):
    with app.app_context():
        before = snapshot()
    result = run_import(runner, ONEROSTER / "bad_phones", "--school", "测试中学")
    assert result.exit_code == 1
    assert "users.csv:7: sms: '138-1234-5678-999': not a phone number" in result.output
    assert "users.csv:10: sms: '手机号': not a phone number" in result.output
    assert "users.csv:9: sms: not a mobile number" in result.output
    assert "2 error(s): nothing was imported." in result.output
    with app.app_context():
        assert snapshot() == before


def test_a_missing_agent_is_reported_and_nothing_is_written(app, runner, school, tmp_path):
    with app.app_context():
        before = snapshot()
    result = run_import(runner, zipped(ONEROSTER / "missing_agent", tmp_path),
                        "--school", "测试中学")
    assert result.exit_code == 1
    assert "users.csv:5: agentSourcedIds: missing agent: no user 'p-9' in users.csv" \
        in result.output
    with app.app_context():
        assert snapshot() == before


def test_an_unknown_homeroom_reference_is_reported(app, runner, school, tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    for path in (ONEROSTER / "clean").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    enrollments = folder / "enrollments.csv"
    enrollments.write_text(enrollments.read_text() + "e-7,,,hr-99,org-1,s-3,student,false,,\n")
    with app.app_context():
        before = snapshot()
    result = run_import(runner, folder, "--school", "测试中学")
    assert result.exit_code == 1
    assert ("enrollments.csv:8: classSourcedId: unknown homeroom reference: "
            "no class 'hr-99' in classes.csv") in result.output
    with app.app_context():
        assert snapshot() == before


def test_a_guardian_shared_by_siblings_is_one_row(app, runner, tmp_path):
    folder = tmp_path / "set"
    folder.mkdir()
    for path in (ONEROSTER / "clean").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    users = folder / "users.csv"
    users.write_bytes(users.read_bytes().replace(b"s.li,,\xe5\x9b\x9b,\xe6\x9d\x8e,,2027002,,,,p-3",
                                                 b"s.li,,\xe5\x9b\x9b,\xe6\x9d\x8e,,2027002,,,,p-1"))
    assert run_import(runner, folder, "--school", "阳光中学").exit_code == 0
    with app.app_context():
        father = db.session.scalar(db.select(Guardian).where(Guardian.sourced_id == "p-1"))
        assert sorted(link.student.student_number for link in father.student_links) == [
            "2027001", "2027002"]


def delta_set(tmp_path, **files):
    """The clean set as a delta: these files (name without .csv -> text) replace the clean
    ones, and the manifest calls classes, users and enrollments delta files."""
    folder = tmp_path / "delta"
    folder.mkdir()
    for name in ("manifest.csv", "orgs.csv", "classes.csv", "users.csv", "enrollments.csv"):
        (folder / name).write_bytes((ONEROSTER / "clean" / name).read_bytes())
    manifest = folder / "manifest.csv"
    manifest.write_text(manifest.read_text().replace("file.classes,bulk", "file.classes,delta")
                        .replace("file.users,bulk", "file.users,delta")
                        .replace("file.enrollments,bulk", "file.enrollments,delta"))
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


ENROLLMENTS_HEADER = \
    "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role\n"


def test_a_delta_file_deactivates_only_the_students_marked_tobedeleted(app, runner, tmp_path):
    run_import(runner, ONEROSTER / "clean", "--school", "阳光中学")
    folder = delta_set(
        tmp_path,
        enrollments=ENROLLMENTS_HEADER + "e-4,tobedeleted,2026-11-27,hr-91,org-1,s-2,student\n",
        users="sourcedId,status,dateLastModified,role,username,givenName,familyName,identifier\n"
              "s-2,tobedeleted,2026-11-27,student,s.li,四,李,2027002\n")
    result = run_import(runner, folder)
    assert result.exit_code == 0, result.output
    assert "deactivated: 1 students" in result.output
    with app.app_context():
        active = {s.student_number: s.active for s in db.session.scalars(db.select(Student))}
        assert active == {"2027001": True, "2027002": False, "2027003": True}


def test_a_delta_file_deactivates_a_class_marked_tobedeleted(app, runner, tmp_path):
    run_import(runner, ONEROSTER / "clean", "--school", "阳光中学")
    folder = delta_set(
        tmp_path, enrollments=ENROLLMENTS_HEADER,
        classes="sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
                "classType,location,schoolSourcedId,termSourcedIds\n"
                "hr-92,tobedeleted,2026-11-27,九年级2班,09,c-1,9-2,homeroom,202,org-1,term-1\n")
    result = run_import(runner, folder)
    assert result.exit_code == 0, result.output
    assert "deactivated: 1 homerooms" in result.output
    with app.app_context():
        rooms = {h.name: h.active for h in db.session.scalars(db.select(Homeroom))}
        assert rooms == {"九年级1班": True, "九年级2班": False}
