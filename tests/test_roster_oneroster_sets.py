"""OneRoster sets as districts export them: no homeroom classes, several schools, tobedeleted
rows in a bulk set, and an install that has no school yet."""

import io
import re

import pytest

from rollcall.extensions import db
from rollcall.models import Homeroom, School, Student
from tests.roster_helpers import ONEROSTER, problem_rows, snapshot, zipped


def run_import(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), *args])


def homerooms():
    return {h.name: sorted(t.username for t in h.teachers)
            for h in db.session.scalars(db.select(Homeroom))}


def placement():
    return {s.student_number: s.homeroom.name for s in db.session.scalars(db.select(Student))}


def test_a_set_without_homeroom_classes_is_an_error_that_says_why(app, runner):
    with app.app_context():
        before = snapshot()
    result = run_import(runner, ONEROSTER / "scheduled_only")
    assert result.exit_code == 1
    assert ("classes.csv:0: classType: none of the 4 classes is a homeroom "
            "(classType=homeroom): 4 scheduled; choose which classes are the roll-call "
            "groups, e.g. the classes of the first period (--homerooms period=1)") in result.output
    assert "0 students read" not in result.output
    with app.app_context():
        assert snapshot() == before


def test_the_first_period_classes_become_the_homerooms(app, runner):
    result = run_import(runner, ONEROSTER / "scheduled_only", "--homerooms", "period=1")
    assert result.exit_code == 0, result.output
    assert "added: 2 homerooms, 3 students" in result.output
    with app.app_context():
        assert homerooms() == {"九年级1班 语文": ["t.zhou"], "九年级2班 语文": ["t.wu"]}
        assert placement() == {"2027001": "九年级1班 语文", "2027002": "九年级1班 语文",
                               "2027003": "九年级2班 语文"}
        assert [s.name for s in db.session.scalars(db.select(School))] == ["阳光中学"]


def test_a_student_in_two_chosen_classes_is_an_error_naming_both(app, runner):
    with app.app_context():
        before = snapshot()
    result = run_import(runner, ONEROSTER / "scheduled_only", "--homerooms", "period=2")
    assert result.exit_code == 1
    assert ("enrollments.csv:12: classSourcedId: 张三 (2027001) is in two roll-call classes: "
            "九年级1班 数学 (line 9) and 九年级2班 数学") in result.output
    with app.app_context():
        assert snapshot() == before


def test_a_period_no_class_meets_in_is_an_error(app, runner):
    result = run_import(runner, ONEROSTER / "scheduled_only", "--homerooms", "period=7")
    assert result.exit_code == 1
    assert "none of the 4 classes is a scheduled class meeting in period 7" in result.output


def test_a_bad_homerooms_choice_is_refused(runner):
    result = run_import(runner, ONEROSTER / "clean", "--homerooms", "first")
    assert result.exit_code == 2
    assert ("use 'homeroom', 'period=P', 'title=PATTERN', 'course=CODE' or 'classes=FILE'"
            in result.output)


def test_a_fresh_install_takes_its_school_from_the_set(app, runner):
    result = run_import(runner, ONEROSTER / "clean")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [s.name for s in db.session.scalars(db.select(School))] == ["阳光中学"]
        assert len(placement()) == 3


def test_several_schools_without_school_lists_them(app, runner):
    with app.app_context():
        before = snapshot()
    result = run_import(runner, ONEROSTER / "several_schools")
    assert result.exit_code == 1
    assert "the set holds 2 schools: 阳光中学, 明德中学; choose one with --school NAME" \
        in result.output
    with app.app_context():
        assert snapshot() == before


def test_several_schools_import_the_one_named(app, runner):
    result = run_import(runner, ONEROSTER / "several_schools", "--school", "明德中学")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [s.name for s in db.session.scalars(db.select(School))] == ["明德中学"]
        assert placement() == {"2027003": "九年级2班"}


def test_several_schools_and_a_name_none_has_lists_them(app, runner, school):
    result = run_import(runner, ONEROSTER / "several_schools", "--school", "测试中学",
                        "--allow-deactivate")
    assert result.exit_code == 1
    assert ("the set holds 2 schools (阳光中学, 明德中学) and none is named 测试中学: choose "
            "the one to import (--set-school NAME)") in result.output
    chosen = run_import(runner, ONEROSTER / "several_schools", "--school", "测试中学",
                        "--set-school", "明德中学", "--allow-deactivate")
    assert chosen.exit_code == 0, chosen.output
    with app.app_context():
        assert placement()["2027003"] == "九年级2班"


def test_a_mistyped_school_is_refused_not_created(app, runner, school):
    with app.app_context():
        before = snapshot()
    result = run_import(runner, ONEROSTER / "clean", "--school", "测试中")
    assert result.exit_code == 1
    assert "no school named '测试中'; the schools are: " in result.output
    assert "(add --create-school to create a new one)" in result.output
    with app.app_context():
        assert snapshot() == before


def test_create_school_makes_a_second_school_on_purpose(app, runner, school):
    result = run_import(runner, ONEROSTER / "clean", "--school", "阳光中学", "--create-school")
    assert result.exit_code == 0, result.output
    with app.app_context():
        sunshine = db.session.scalar(db.select(School).where(School.name == "阳光中学"))
        assert db.session.scalar(db.select(db.func.count(Student.id)).where(
            Student.school_id == sunshine.id)) == 3


def test_a_simple_csv_into_a_fresh_install_needs_a_school_name(app, runner):
    from tests.roster_helpers import SIMPLE_CLEAN
    result = run_import(runner, SIMPLE_CLEAN)
    assert result.exit_code == 1
    assert "there is no school yet: name it with --school NAME" in result.output
    result = run_import(runner, SIMPLE_CLEAN, "--school", "新学校")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [s.name for s in db.session.scalars(db.select(School))] == ["新学校"]


def test_a_bulk_set_skips_a_class_marked_tobedeleted_with_a_warning(app, runner):
    result = run_import(runner, ONEROSTER / "tobedeleted")
    assert result.exit_code == 0, result.output
    assert ("warning: classes.csv:4: status: 九年级3班 (hr-93) is marked tobedeleted: "
            "skipped, with its 1 enrollment(s)") in result.output
    with app.app_context():
        assert set(homerooms()) == {"九年级1班", "九年级2班"}
        assert len(placement()) == 3


# Sample sets other projects ship (tests/fixtures/oneroster/public_*/SOURCE says where from).

def test_public_oat_set_with_two_schools_and_only_scheduled_classes(app, runner):
    path = ONEROSTER / "public_oat_v1p1"
    with app.app_context():
        before = snapshot()
    several = run_import(runner, path)
    assert several.exit_code == 1
    assert "the set holds 2 schools: School 1, School 2; choose one with --school NAME" \
        in several.output
    chosen = run_import(runner, path, "--school", "School 1")
    assert chosen.exit_code == 1
    assert "none of the 3 classes is a homeroom (classType=homeroom): 3 scheduled" \
        in chosen.output
    by_period = run_import(runner, path, "--school", "School 1", "--homerooms", "period=1")
    assert by_period.exit_code == 1
    assert "classes.csv gives no periods, so no class can be chosen by period; its classes " \
        "are titled: Class 1 title, Class 2 title, Class 3 title" in by_period.output
    with app.app_context():
        assert snapshot() == before


@pytest.mark.parametrize("name", ["public_moodle_full_v1p1", "public_moodle_full_v1p2"])
def test_public_moodle_sets_import_by_period_and_skip_the_deleted_homeroom(app, runner, name):
    path = ONEROSTER / name
    refused = run_import(runner, path, "--school", "Moodle School")
    assert refused.exit_code == 1
    assert "none of the 1 classes is a homeroom (classType=homeroom): 1 scheduled" \
        in refused.output
    result = run_import(runner, path, "--school", "Moodle School", "--homerooms", "period=1")
    assert result.exit_code == 0, result.output
    assert ("warning: classes.csv:3: status: History - 2 (cls-222-123478) is marked "
            "tobedeleted: skipped, with its 3 enrollment(s)") in result.output
    with app.app_context():
        assert homerooms() == {"Introduction to Physics": ["john.doe"]}
        assert placement() == {"jim.smith": "Introduction to Physics",
                               "mmichel.jones": "Introduction to Physics"}


def web_check(client, path, tmp_path, **form):
    data = zipped(path, tmp_path).read_bytes()
    return client.post("/admin/import", data={"file": (io.BytesIO(data), "set.zip"), **form},
                       content_type="multipart/form-data")


def test_the_web_check_offers_the_schools_of_a_district_set(app, school, login_as, tmp_path):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    response = web_check(admin, ONEROSTER / "several_schools", tmp_path)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert ('<datalist id="set-schools"><option value="阳光中学"><option value="明德中学">'
            '</datalist>') in text
    chosen = web_check(admin, ONEROSTER / "several_schools", tmp_path / "again",
                       set_school="明德中学")
    assert chosen.status_code == 200
    assert "1 students read from set.zip." in chosen.get_data(as_text=True)


def test_the_web_check_takes_the_classes_of_a_period(app, school, login_as, tmp_path):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    refused = web_check(admin, ONEROSTER / "scheduled_only", tmp_path)
    text = refused.get_data(as_text=True)
    assert problem_rows(text)[0][:3] == ["classes.csv", "", "classType"]
    groups = re.search(r'href="(/admin/import/[^/"]+/groups)"', text).group(1)
    response = admin.post(groups, data={"way": "period", "period": "1", "use": "y"})
    assert response.status_code == 200
    assert "3 students read from set.zip." in response.get_data(as_text=True)


def test_the_web_masks_a_bad_oneroster_phone(app, school, login_as, tmp_path):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    response = web_check(admin, ONEROSTER / "bad_phones", tmp_path)
    assert response.status_code == 422
    assert ["users.csv", "7", "sms", "138-****-****-*99",
            "not a phone number: write a mobile number of 11 digits, e.g. 138 1234 5678"] \
        in problem_rows(response.get_data(as_text=True))
