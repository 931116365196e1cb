"""Importing the simple CSV: what is stored, idempotent re-import, updates, deactivation."""

from datetime import date

import pytest

from rollcall.checks.models import Check, CheckEntry
from rollcall.extensions import db
from rollcall.models import AuditLog, Guardian, Homeroom, Student
from tests.roster_helpers import SIMPLE_CLEAN, simple_csv, snapshot


def run_import(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), "--school", "测试中学",
                               "--allow-deactivate", *args])


def student(number):
    return db.session.scalar(db.select(Student).where(Student.student_number == number))


def test_simple_csv_import_stores_students_guardians_and_homerooms(app, runner, school):
    result = run_import(runner, SIMPLE_CLEAN)
    assert result.exit_code == 0, result.output
    assert "added: 3 students, 4 guardians" in result.output
    with app.app_context():
        zhang = student("2027001")
        assert (zhang.name, zhang.seat, zhang.homeroom.name) == ("张三", 1, "九年级1班")
        assert [(link.contact_order, link.guardian.name, link.guardian.phone_e164,
                 link.guardian.phone_raw, link.guardian.relationship_label)
                for link in zhang.guardian_links] == [
            (1, "张建国", "+8613812345678", "138 1234 5678", "父亲"),
            (2, "李秀英", "+8613912345678", "+86 139-1234-5678", "母亲"),
        ]
        assert student("2027002").guardian_links[0].guardian.language == "zh_Hans"
        chen = student("2027101")
        assert chen.homeroom.name == "九年级2班"
        assert chen.guardian_links[0].guardian.language == "en"


def test_the_shipped_template_imports_cleanly(app, runner, school):
    template = app.root_path + "/static/roster/simple-roster-template.csv"
    result = run_import(runner, template)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_reimporting_the_same_file_changes_nothing(app, runner, school):
    run_import(runner, SIMPLE_CLEAN)
    with app.app_context():
        before = snapshot()
        before.pop("audit_log")
    result = run_import(runner, SIMPLE_CLEAN)
    assert "added: nothing\nupdated: nothing\ndeactivated: nothing" in result.output
    with app.app_context():
        after = snapshot()
        after.pop("audit_log")
    assert after == before


def test_an_updated_file_updates_in_place(app, runner, school, tmp_path):
    run_import(runner, SIMPLE_CLEAN)
    with app.app_context():
        ids = (student("2027001").id, student("2027001").guardian_links[0].guardian_id)
    changed = SIMPLE_CLEAN.read_text().replace("138 1234 5678", "135 0000 1111").replace(
        "张三,1", "张三丰,1")
    result = run_import(runner, simple_csv(tmp_path, changed, header=""))
    assert result.exit_code == 0, result.output
    assert "updated: 1 students, 1 guardians" in result.output
    with app.app_context():
        zhang = student("2027001")
        assert (zhang.id, zhang.guardian_links[0].guardian_id) == ids
        assert zhang.name == "张三丰"
        assert zhang.guardian_links[0].guardian.phone_e164 == "+8613500001111"


def test_a_student_missing_from_a_full_import_is_deactivated_and_keeps_history(
        app, runner, school, tmp_path):
    run_import(runner, SIMPLE_CLEAN)
    with app.app_context():
        wang = student("2027002")
        check = Check(school_id=wang.school_id, homeroom_id=wang.homeroom_id,
                      school_date=date(2026, 11, 27), kind="attendance")
        check.entries.append(CheckEntry(student_id=wang.id, status="absent"))
        db.session.add(check)
        db.session.commit()
        wang_id = wang.id
    without_wang = "\n".join(line for line in SIMPLE_CLEAN.read_text().splitlines()
                             if "2027002" not in line) + "\n"
    result = run_import(runner, simple_csv(tmp_path, without_wang, header=""))
    assert "deactivated: 1" in result.output  # and the small school's ten students
    with app.app_context():
        wang = db.session.get(Student, wang_id)
        assert wang.active is False
        assert db.session.scalar(db.select(CheckEntry).where(
            CheckEntry.student_id == wang_id)).status == "absent"
    result = run_import(runner, SIMPLE_CLEAN)
    assert "updated: 1 students" in result.output
    with app.app_context():
        assert db.session.get(Student, wang_id).active is True


def test_a_class_missing_from_a_full_import_leaves_the_board_and_comes_back(
        app, runner, school, tmp_path, login_as):
    without_class_2 = "\n".join(line for line in SIMPLE_CLEAN.read_text().splitlines()
                                if "九年级2班" not in line) + "\n"
    partial = run_import(runner, simple_csv(tmp_path, without_class_2, header=""), "--partial")
    assert "deactivated: nothing" in partial.output
    result = run_import(runner, simple_csv(tmp_path, without_class_2, header=""))
    assert result.exit_code == 0, result.output
    assert "deactivated: 1 homerooms" in result.output
    office = login_as("office")
    with app.app_context():
        room = db.session.scalar(db.select(Homeroom).where(Homeroom.name == "九年级2班"))
        assert room.active is False
        assert not any(s.active for s in room.students)  # nobody left in it
    assert "九年级2班" not in office.get("/today").get_data(as_text=True)
    result = run_import(runner, SIMPLE_CLEAN)
    assert "updated: 1 homerooms" in result.output
    assert "九年级2班" in office.get("/today").get_data(as_text=True)


def test_dry_run_reports_counts_and_writes_nothing(app, runner, school):
    with app.app_context():
        before = snapshot()
    result = run_import(runner, SIMPLE_CLEAN, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would add: 3 students, 4 guardians" in result.output
    assert "would deactivate: 10 students" in result.output
    assert "dry run: nothing was written" in result.output
    with app.app_context():
        assert snapshot() == before


def test_the_office_switch_and_consent_survive_a_reimport(app, runner, school):
    run_import(runner, SIMPLE_CLEAN)
    with app.app_context():
        guardian = db.session.scalar(db.select(Guardian).where(Guardian.name == "张建国"))
        guardian.absence_texts = False
        db.session.commit()
    run_import(runner, SIMPLE_CLEAN)
    with app.app_context():
        guardian = db.session.scalar(db.select(Guardian).where(Guardian.name == "张建国"))
        assert guardian.absence_texts is False


def test_every_import_is_audited_with_file_and_counts(app, runner, school):
    run_import(runner, SIMPLE_CLEAN)
    with app.app_context():
        entry = db.session.scalar(db.select(AuditLog).where(AuditLog.action == "roster.import"))
        assert entry.after["file"] == "clean.csv"
        assert entry.after["via"].startswith("command line")
        assert entry.after["counts"]["students"]["added"] == 3
        assert entry.after["counts"]["students"]["deactivated"] == 10
        assert entry.created_at is not None


@pytest.mark.parametrize("typed", [
    "13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678",
    "0086 13812345678", "１３８１２３４５６７８", "＋８６ １３８-１２３４-５６７８",
])
def test_phones_normalize_to_e164_and_keep_the_raw_text(app, runner, school, tmp_path, typed):
    path = simple_csv(tmp_path, f'九年级1班,9,9001,甲,1,乙,母亲,"{typed}",zh\n')
    assert run_import(runner, path).exit_code == 0
    with app.app_context():
        guardian = db.session.scalar(db.select(Guardian).where(Guardian.name == "乙"))
        assert (guardian.phone_e164, guardian.phone_raw) == ("+8613812345678", typed)


@pytest.mark.parametrize(("typed", "warning"), [
    ("010-62345678", "not a mobile number"),
    ("+86 100 1234 5678", "possible but not a valid number"),
])
def test_numbers_that_cannot_take_texts_import_with_a_warning(
        app, runner, school, tmp_path, typed, warning):
    path = simple_csv(tmp_path, f"九年级1班,9,9001,甲,1,乙,母亲,{typed},zh\n")
    result = run_import(runner, path)
    assert result.exit_code == 0
    assert f"warning: roster.csv:2: guardian_phone: {warning}" in result.output


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_excel_csv_encodings_are_read(app, runner, school, tmp_path, encoding):
    path = simple_csv(tmp_path, "九年级1班,9,9001,张三,1,李四,母亲,13812345678,中文\n",
                      encoding=encoding)
    assert run_import(runner, path).exit_code == 0
    with app.app_context():
        assert student("9001").name == "张三"
        assert db.session.scalar(db.select(Homeroom).where(Homeroom.name == "九年级1班"))


def test_extra_columns_are_ignored_with_a_warning(app, runner, school, tmp_path):
    header = "homeroom,grade,student_number,student_name,seat,guardian_name," \
             "guardian_relationship,guardian_phone,guardian_language,notes\n"
    path = simple_csv(tmp_path, "九年级1班,9,9001,张三,1,李四,母亲,13812345678,zh,x\n",
                      header=header)
    result = run_import(runner, path)
    assert result.exit_code == 0
    assert "warning: roster.csv:1: header: ignored column(s): notes" in result.output


def test_a_student_moved_into_a_new_homeroom_keeps_their_row(app, runner, school, tmp_path):
    run_import(runner, SIMPLE_CLEAN)
    with app.app_context():
        wang_id = student("2027002").id
    moved = SIMPLE_CLEAN.read_text().replace("九年级1班,9,2027002", "九年级3班,9,2027002")
    result = run_import(runner, simple_csv(tmp_path, moved, header=""))
    assert result.exit_code == 0, result.output
    assert "added: 1 homerooms" in result.output and "updated: 1 students" in result.output
    with app.app_context():
        wang = student("2027002")
        assert (wang.id, wang.homeroom.name) == (wang_id, "九年级3班")


def test_a_partial_import_deactivates_nobody(app, runner, school, tmp_path):
    path = simple_csv(tmp_path, "九年级1班,9,9001,甲,1,乙,母亲,13812345678,zh\n")
    result = run_import(runner, path, "--partial")
    assert "added: 1 students" in result.output and "deactivated: nothing" in result.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Student.id)).where(
            Student.active.is_(False))) == 0


def test_a_phone_the_office_corrected_survives_a_reimport_of_the_stale_file(
        app, runner, school, tmp_path, login_as):
    run_import(runner, SIMPLE_CLEAN)
    with app.app_context():
        father = db.session.scalar(db.select(Guardian).where(Guardian.name == "张建国"))
        father_id = father.id
    office = login_as("office")
    response = office.post(f"/contacts/guardians/{father_id}", data={
        "phone": "135 0000 2222", "absence_texts": "y"})
    assert response.status_code == 302

    result = run_import(runner, SIMPLE_CLEAN)
    assert result.exit_code == 0, result.output
    assert "updated: nothing" in result.output
    assert "warning: clean.csv:2: guardian_phone: 张建国: kept the phone number corrected in " \
           "Rollcall" in result.output
    assert "1350000" not in result.output and "1381234" not in result.output
    with app.app_context():
        assert db.session.get(Guardian, father_id).phone_e164 == "+8613500002222"

    # The school's records catch up with a newer number: the file is news again and wins.
    newer = SIMPLE_CLEAN.read_text().replace("138 1234 5678", "137 0000 3333")
    result = run_import(runner, simple_csv(tmp_path, newer, header=""))
    assert "updated: 1 guardians" in result.output and "kept the phone" not in result.output
    with app.app_context():
        assert db.session.get(Guardian, father_id).phone_e164 == "+8613700003333"


def test_a_phone_the_office_added_where_the_file_has_none_is_kept(
        app, runner, school, tmp_path, login_as):
    no_phone = SIMPLE_CLEAN.read_text().replace("0086 137 1234 5678", "")
    run_import(runner, simple_csv(tmp_path, no_phone, header=""))
    with app.app_context():
        wang_id = db.session.scalar(db.select(Guardian).where(Guardian.name == "王强")).id
    login_as("office").post(f"/contacts/guardians/{wang_id}", data={
        "phone": "13600004444", "absence_texts": "y"})
    result = run_import(runner, simple_csv(tmp_path, no_phone, header=""))
    assert "王强: kept the phone number corrected in Rollcall" in result.output
    with app.app_context():
        assert db.session.get(Guardian, wang_id).phone_e164 == "+8613600004444"


def test_a_corrected_phone_is_kept_when_the_file_drops_the_number_or_adds_a_sibling(
        app, runner, school, tmp_path, login_as):
    run_import(runner, SIMPLE_CLEAN)
    with app.app_context():
        father_id = db.session.scalar(db.select(Guardian).where(Guardian.name == "张建国")).id
    login_as("office").post(f"/contacts/guardians/{father_id}", data={
        "phone": "135 0000 2222", "absence_texts": "y"})
    # The school's records lost the number, and a younger sibling joins with the old one.
    sibling = "九年级2班,9,2027102,张四,2,张建国,父亲,138 1234 5678,zh_Hans\n"
    blank = SIMPLE_CLEAN.read_text().replace("138 1234 5678", "") + sibling
    result = run_import(runner, simple_csv(tmp_path, blank, header=""))
    assert result.exit_code == 0, result.output
    assert "张建国: kept the phone number corrected in Rollcall" in result.output
    with app.app_context():
        fathers = db.session.scalars(db.select(Guardian).where(Guardian.name == "张建国")).all()
        assert [(g.id, g.phone_e164) for g in fathers] == [(father_id, "+8613500002222")]
        assert {link.student.name for link in fathers[0].student_links} == {"张三", "张四"}
