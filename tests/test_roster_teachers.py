"""The teachers of a roster's classes: every teacher the file names, exactly those, and one
equality for users (their rows, never Flask-Login's get_id)."""

import re
import shutil
from pathlib import Path

from rollcall.api import tokens
from rollcall.extensions import db
from rollcall.models import AuditLog, Homeroom, School, User
from tests import factories
from tests.roster_helpers import ONEROSTER

ROLLCALL = Path(__file__).parent.parent / "rollcall"
TEACHER = "{id},,,true,org-1,teacher,{username},,老师,{family},,{id},,,,,,,\n"
ENROLMENT = "e-{id},,,hr-91,org-1,{id},teacher,{primary},,\n"


def oneroster_set(tmp_path: Path, name: str, teachers: list[tuple]) -> Path:
    """The clean set, with hr-91's teachers (id, username, family name, primary) replaced."""
    folder = tmp_path / name
    shutil.copytree(ONEROSTER / "clean", folder)
    users = (folder / "users.csv").read_text(encoding="utf-8-sig").splitlines(keepends=True)
    users = [line for line in users if not line.startswith("t-1,")]
    enrolments = (folder / "enrollments.csv").read_text().splitlines(keepends=True)
    enrolments = [line for line in enrolments if not line.startswith("e-1,")]
    for teacher_id, username, family, primary in teachers:
        users.append(TEACHER.format(id=teacher_id, username=username, family=family))
        enrolments.append(ENROLMENT.format(id=teacher_id, primary=primary))
    (folder / "users.csv").write_text("".join(users), encoding="utf-8")
    (folder / "enrollments.csv").write_text("".join(enrolments))
    return folder


def teachers_of(app, title: str, school: str = "阳光中学") -> list[str]:
    with app.app_context():
        homeroom = db.session.scalar(db.select(Homeroom).join(School).where(
            Homeroom.name == title, School.name == school))
        return sorted(teacher.username for teacher in homeroom.teachers)


def import_set(runner, path, *args):
    result = runner.invoke(args=["import-roster", str(path), "--school", "阳光中学", *args])
    assert result.exit_code == 0, result.output
    return result


def test_a_class_with_two_teachers_links_both(app, runner, tmp_path):
    path = oneroster_set(tmp_path, "two", [("t-1", "t.zhou", "周", "true"),
                                            ("t-3", "t.sun", "孙", "false")])
    result = import_set(runner, path)
    assert teachers_of(app, "九年级1班") == ["t.sun", "t.zhou"]
    assert teachers_of(app, "九年级2班") == ["t.wu"]
    assert "added: 2 homerooms, 3 students, 4 guardians, 3 teachers" in result.output
    assert "九年级1班: teachers added 周老师 (t.zhou), 孙老师 (t.sun)" in result.output


def test_a_replaced_teacher_loses_the_class_and_the_new_one_gains_it(app, runner, tmp_path):
    import_set(runner, ONEROSTER / "clean")
    with app.app_context():
        old = db.session.scalar(db.select(User).where(User.username == "t.zhou"))
        old.set_password(factories.PASSWORD)
        old_token = tokens.create_token(old)
        db.session.commit()
    path = oneroster_set(tmp_path, "replaced", [("t-9", "t.zheng", "郑", "true")])
    dry = import_set(runner, path, "--dry-run")
    assert "九年级1班: teachers would add 郑老师 (t.zheng); would remove 周老师 (t.zhou)" \
        in dry.output
    assert teachers_of(app, "九年级1班") == ["t.zhou"]
    result = import_set(runner, path)
    assert "九年级1班: teachers added 郑老师 (t.zheng); removed 周老师 (t.zhou)" in result.output
    assert teachers_of(app, "九年级1班") == ["t.zheng"]
    assert teachers_of(app, "九年级2班") == ["t.wu"]
    with app.app_context():
        homeroom_id = db.session.scalar(db.select(Homeroom.id).where(
            Homeroom.name == "九年级1班"))
        new = db.session.scalar(db.select(User).where(User.username == "t.zheng"))
        new.set_password(factories.PASSWORD)
        new_token = tokens.create_token(new)
        db.session.commit()
        entry = db.session.scalars(db.select(AuditLog).where(
            AuditLog.action == "roster.import").order_by(AuditLog.id.desc())).first()
        assert entry.after["teachers"] == [{"homeroom": "九年级1班",
                                            "added": ["郑老师 (t.zheng)"],
                                            "removed": ["周老师 (t.zhou)"]}]
    for username, token, status in (("t.zhou", old_token, 404), ("t.zheng", new_token, 200)):
        client = app.test_client()
        client.post("/login", data={"username": username, "password": factories.PASSWORD})
        assert client.get(f"/homerooms/{homeroom_id}/today").status_code == status, username
        api = client.get(f"/api/v1/homerooms/{homeroom_id}/students",
                         headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == status, username


def test_the_same_set_again_leaves_the_teachers_as_they_are(app, runner, tmp_path):
    path = oneroster_set(tmp_path, "two", [("t-1", "t.zhou", "周", "true"),
                                            ("t-3", "t.sun", "孙", "false")])
    import_set(runner, path)
    result = import_set(runner, path)
    assert "teachers added" not in result.output and "removed" not in result.output
    assert teachers_of(app, "九年级1班") == ["t.sun", "t.zhou"]


def test_a_class_the_file_names_no_teacher_for_keeps_its_own(app, runner, tmp_path):
    import_set(runner, ONEROSTER / "clean")
    result = import_set(runner, oneroster_set(tmp_path, "none", []))
    assert "九年级1班: the file names no teacher for this class; its teachers stay: " \
        "周老师 (t.zhou)" in result.output
    assert teachers_of(app, "九年级1班") == ["t.zhou"]


def test_the_check_page_names_the_teachers_who_would_change(app, login_as, school,
                                                            tmp_path):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    folder = oneroster_set(tmp_path, "replaced", [("t-9", "t.zheng", "郑", "true")])
    archive = shutil.make_archive(str(tmp_path / "replaced"), "zip", root_dir=folder)
    with open(archive, "rb") as handle:
        page = admin.post("/admin/import", data={"file": (handle, "replaced.zip")},
                          content_type="multipart/form-data").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", page))
    assert "Teachers of classes that would change" in text
    assert "九年级1班: added 郑老师 (t.zheng); removed 王老师 (t.wang)" in text
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)[1]
    assert admin.post("/admin/import/confirm", data={"token": token}).status_code == 200
    assert teachers_of(app, "九年级1班", "测试中学") == ["t.zheng"]


def test_two_users_outside_a_request_are_two_users(app, school):
    with app.app_context():
        first, second = (db.session.scalar(db.select(User).where(User.username == name))
                         for name in (school.usernames["teacher"], school.usernames["teacher2"]))
        assert first.get_id() is None and second.get_id() is None
        assert first != second and first not in [second]
        assert len({first, second}) == 2
        db.session.expunge(first)
        again = db.session.get(User, first.id)
        assert again == first and hash(again) == hash(first)
        unsaved = User(username="x", display_name="x", password_hash="!", role="teacher")
        assert unsaved != User(username="x", display_name="x", password_hash="!",
                               role="teacher")
        assert unsaved == unsaved


def test_no_code_compares_users_through_get_id():
    """Users are one row each; get_id() is the sign-in token, and None outside a request."""
    comparing = re.compile(r"get_id\(\)\s*(==|!=)|(==|!=)\s*\S*get_id\(\)")
    found = [f"{path}:{number}" for path in sorted(ROLLCALL.rglob("*.py"))
             for number, line in enumerate(path.read_text().splitlines(), start=1)
             if comparing.search(line)]
    assert found == []
    assert "__eq__" in vars(User) and "__hash__" in vars(User)  # not UserMixin's


def test_a_username_of_another_school_is_refused_without_naming_the_school(app, runner,
                                                                         tmp_path):
    import_set(runner, ONEROSTER / "clean")
    with app.app_context():
        elsewhere = factories.school("别的中学")
        factories.user(elsewhere, "t.elsewhere", "teacher")
        db.session.commit()
    path = oneroster_set(tmp_path, "taken", [("t-1", "T.Elsewhere", "周", "true")])
    result = runner.invoke(args=["import-roster", str(path), "--school", "阳光中学"])
    assert result.exit_code != 0
    assert "the username T.Elsewhere cannot be used: choose another" in result.output
    assert "another school" not in result.output and "别的中学" not in result.output


def delta_set(tmp_path: Path, name: str, users: list[str], enrolments: list[str]) -> Path:
    """A delta export: the clean set's orgs and classes, users and enrollments as given."""
    folder = tmp_path / name
    folder.mkdir()
    for file in ("orgs.csv", "classes.csv"):
        shutil.copy(ONEROSTER / "clean" / file, folder / file)
    manifest = (ONEROSTER / "clean" / "manifest.csv").read_text()
    (folder / "manifest.csv").write_text(manifest.replace("file.users,bulk", "file.users,delta")
                                         .replace("file.enrollments,bulk",
                                                  "file.enrollments,delta"))
    header = (ONEROSTER / "clean" / "users.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    (folder / "users.csv").write_text("\n".join([header, *users]) + "\n")
    (folder / "enrollments.csv").write_text(
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate\n" + "\n".join(enrolments) + "\n")
    return folder


def test_a_delta_that_ends_a_teachers_enrollment_unlinks_that_teacher_only(
        app, runner, tmp_path):
    """Next term's delta: 周 teaches 九年级1班 and 九年级2班; 孙 takes over 九年级2班."""
    two = oneroster_set(tmp_path, "two", [("t-1", "t.zhou", "周", "true")])
    with (two / "enrollments.csv").open("a") as enrolments:
        enrolments.write("e-8,,,hr-92,org-1,t-1,teacher,false,,\n")
    import_set(runner, two)
    assert (teachers_of(app, "九年级1班"), teachers_of(app, "九年级2班")) == (
        ["t.zhou"], ["t.wu", "t.zhou"])
    delta = delta_set(tmp_path, "delta", [
        TEACHER.format(id="t-1", username="t.zhou", family="周").strip(),
        TEACHER.format(id="t-3", username="t.sun", family="孙").strip(),
    ], ["e-8,tobedeleted,,hr-92,org-1,t-1,teacher,false,,",
        "e-9,,,hr-92,org-1,t-3,teacher,false,,"])
    result = import_set(runner, delta)
    assert "九年级2班: teachers added 孙老师 (t.sun); removed 周老师 (t.zhou)" in result.output
    assert (teachers_of(app, "九年级1班"), teachers_of(app, "九年级2班")) == (
        ["t.zhou"], ["t.sun", "t.wu"])


def test_a_delta_that_ends_the_enrollment_of_a_teacher_it_does_not_list_says_so(
        app, runner, tmp_path):
    import_set(runner, ONEROSTER / "clean")
    result = import_set(runner, delta_set(tmp_path, "delta", [], [
        "e-1,tobedeleted,,hr-91,org-1,t-1,teacher,true,,"]))
    assert "warning: enrollments.csv:2: userSourcedId: the teacher t-1 leaves a class, but " \
        "users.csv does not list them" in result.output
    assert teachers_of(app, "九年级1班") == ["t.zhou"]


def test_a_delta_that_marks_a_teacher_tobedeleted_unlinks_them_from_every_class(
        app, runner, tmp_path):
    two = oneroster_set(tmp_path, "two", [("t-1", "t.zhou", "周", "true")])
    with (two / "enrollments.csv").open("a") as enrolments:
        enrolments.write("e-8,,,hr-92,org-1,t-1,teacher,false,,\n")
    import_set(runner, two)
    left = TEACHER.format(id="t-1", username="t.zhou", family="周").replace(
        "t-1,,", "t-1,tobedeleted,", 1).strip()
    result = import_set(runner, delta_set(tmp_path, "delta", [left], []))
    assert "九年级1班: teachers removed 周老师 (t.zhou)" in result.output
    assert "九年级2班: teachers removed 周老师 (t.zhou)" in result.output
    assert (teachers_of(app, "九年级1班"), teachers_of(app, "九年级2班")) == ([], ["t.wu"])
