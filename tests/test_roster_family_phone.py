"""The phone columns offices really write: the registry's 联系电话 beside its 成员N members, a
list whose only phone is 联系电话 (the family's number, whose owner's name is not known yet),
and the Chinese headers for phones, guardians, relationships and classes."""

import pytest

from rollcall.extensions import db
from rollcall.models import Guardian, Student
from tests.roster_helpers import snapshot

REGISTRY = ("班级,学籍辅号,姓名,联系电话,成员1姓名,成员1关系,成员1联系电话,成员1是否监护人,"
            "成员2姓名,成员2关系,成员2联系电话,成员2是否监护人\n")


def run(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), "--school", "新学校", *args])


def write(tmp_path, text, name="名单.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def guardians():
    """{student number: [(guardian name, relationship, phone, absence texts)]}."""
    return {s.student_number: [(li.guardian.name, li.guardian.relationship_label,
                                li.guardian.phone_e164, li.guardian.absence_texts)
                               for li in s.guardian_links]
            for s in db.session.scalars(db.select(Student))}


def test_the_registrys_contact_number_goes_to_the_member_it_belongs_to(app, runner, tmp_path):
    path = write(tmp_path, REGISTRY + (
        # no member has a phone: the family's number is 成员1's
        "初三(1)班,G001,李雷,13812345678,李父,父亲,,是,韩母,母亲,,是\n"
        # 成员2 has the same number: nothing more
        "初三(1)班,G002,韩梅梅,13912345678,韩父,父亲,,是,韩母,母亲,13912345678,是\n"
        # a member has another number: the family's number is a contact of its own
        "初三(1)班,G003,王五,13712345678,王父,父亲,13612345678,是,,,,\n"
        # no number at all
        "初三(1)班,G004,赵六,,赵父,父亲,,是,,,,\n"))
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "required when a phone is given" not in result.output
    with app.app_context():
        assert guardians() == {
            "G001": [("李父", "父亲", "+8613812345678", True)],
            "G002": [("韩母", "母亲", "+8613912345678", True)],
            "G003": [("王父", "父亲", "+8613612345678", True),
                     ("", None, "+8613712345678", True)],
            "G004": [],
        }


def test_a_list_whose_only_phone_is_the_familys_imports_a_guardian_not_yet_named(
        app, runner, tmp_path, login_as, school):
    path = write(tmp_path, "班级,学号,姓名,联系电话\n九年级1班,2027001,张三,13812345678\n")
    result = run(runner, path, "--school", "测试中学", "--partial")
    assert result.exit_code == 0, result.output
    assert "added: 1 students, 1 guardians" in result.output
    with app.app_context():
        zhang = db.session.scalar(db.select(Student).where(Student.student_number == "2027001"))
        student_id, guardian_id = zhang.id, zhang.guardian_links[0].guardian_id
        assert guardians()["2027001"] == [("", None, "+8613812345678", True)]
    for role, url in (("admin", f"/admin/students/{student_id}"),
                      ("teacher", f"/homerooms/{school.homeroom_ids['room1']}/contacts")):
        client = login_as(role)
        client.post("/language", data={"locale": "en"})
        page = client.get(url).get_data(as_text=True)
        assert "name not known yet" in page, role
    # A later file with the name fills it in on the same guardian.
    named = write(tmp_path, "班级,学号,姓名,家长,联系电话\n九年级1班,2027001,张三,张建国,"
                            "13812345678\n", name="named.csv")
    assert run(runner, named, "--school", "测试中学", "--partial").exit_code == 0
    with app.app_context():
        assert db.session.get(Guardian, guardian_id).name == "张建国"
        assert guardians()["2027001"] == [("张建国", None, "+8613812345678", True)]


@pytest.mark.parametrize(("homeroom", "name", "relationship", "phone"), [
    ("学生班级", "家长", "亲属关系", "家长手机号"),
    ("所在班级", "监护人", "与学生关系", "监护人手机号"),
    ("班级", "家长", "关系", "家长电话"),
    ("班级", "家长姓名", "关系", "电话"),
    ("班级", "家长", "关系", "手机号"),
])
def test_the_chinese_headers_offices_write_are_read(app, runner, tmp_path, homeroom, name,
                                                    relationship, phone):
    path = write(tmp_path, f"{homeroom},学号,姓名,{name},{relationship},{phone}\n"
                           "九年级1班,2027001,张三,张建国,父亲,13812345678\n")
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    assert "ignored column" not in result.output
    with app.app_context():
        assert guardians() == {"2027001": [("张建国", "父亲", "+8613812345678", True)]}


@pytest.mark.parametrize("column", ["家庭电话", "父亲手机", "Mobile phone"])
def test_an_ignored_phone_column_refuses_the_file_and_is_named(app, runner, tmp_path, column):
    path = write(tmp_path, f"班级,学号,姓名,家长姓名,{column}\n"
                           "九年级1班,2027001,张三,张建国,13812345678\n")
    with app.app_context():
        before = snapshot()
    result = run(runner, path)
    assert result.exit_code == 1
    assert f"名单.csv:1: header: the column {column.replace(' ', '')} looks like " \
        "phone numbers, but Rollcall does not read it" in result.output
    with app.app_context():
        assert snapshot() == before
