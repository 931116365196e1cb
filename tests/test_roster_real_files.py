"""The files a Chinese school office really keeps: .xlsx with numeric cells, Chinese column
names, title rows, GBK CSVs, the registry's layout, and the phone shapes spreadsheets make."""

import io

import pytest
from openpyxl import Workbook

from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Student
from tests.roster_helpers import HEADER, problem_rows, snapshot

CHINESE_HEADER = "班级,年级,学号,姓名,座号,家长姓名,关系,联系电话,语言\n"


def run(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), "--school", "新学校", *args])


def stored():
    """{student number: (name, homeroom, grade, seat, [(guardian, relationship, phone,
    absence texts)])}."""
    return {
        s.student_number: (s.name, s.homeroom.name, s.homeroom.grade, s.seat,
                           [(li.guardian.name, li.guardian.relationship_label,
                             li.guardian.phone_e164, li.guardian.absence_texts)
                            for li in s.guardian_links])
        for s in db.session.scalars(db.select(Student))}


def workbook(path, rows, formats=None, sheet="花名册", title_rows=()):
    """Write an .xlsx: `formats` maps a 0-based column to a number format for its cells."""
    book = Workbook()
    worksheet = book.active
    worksheet.title = sheet
    for title in title_rows:
        worksheet.append([title])
    for row in rows:
        worksheet.append(row)
    for index, number_format in (formats or {}).items():
        for cells in worksheet.iter_rows(min_row=len(title_rows) + 2, min_col=index + 1,
                                         max_col=index + 1):
            cells[0].number_format = number_format
    book.save(path)
    return path


def test_an_xlsx_with_numeric_cells_imports_as_the_sheet_shows_them(app, runner, tmp_path):
    path = workbook(tmp_path / "名单.xlsx", [
        ["homeroom", "grade", "student_number", "student_name", "seat", "guardian_name",
         "guardian_relationship", "guardian_phone", "guardian_language"],
        ["九年级1班", 9, 42, "张三", 1.0, "张建国", "父亲", 13812345678, "zh"],
        ["九年级1班", 9, 2027002, "王芳", 2, "王强", "父亲", 13712345678.0, None],
    ], formats={2: "000000", 7: "0"})
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored() == {
            "000042": ("张三", "九年级1班", 9, 1, [("张建国", "父亲", "+8613812345678", True)]),
            "2027002": ("王芳", "九年级1班", 9, 2, [("王强", "父亲", "+8613712345678", True)]),
        }
        assert db.session.scalar(db.select(Guardian.phone_raw).where(
            Guardian.name == "王强")) == "13712345678"


def test_an_xlsx_is_recognised_by_content_and_its_sheet_can_be_chosen(app, runner, tmp_path):
    book = Workbook()
    book.active.title = "说明"
    book.active.append(["请看第二页"])
    roster = book.create_sheet("学生")
    for row in (CHINESE_HEADER.strip().split(","),
                ["九年级3班", "九年级", 9301, "赵六", "4号", "赵父", "父亲", 13912345678, "中文"]):
        roster.append(row)
    path = tmp_path / "roster.csv"  # a misleading name: the content decides
    book.save(path)
    result = run(runner, path, "--sheet", "学生")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored()["9301"] == ("赵六", "九年级3班", 9, 4,
                                    [("赵父", "父亲", "+8613912345678", True)])
    missing = run(runner, path, "--sheet", "Sheet9")
    assert missing.exit_code == 1
    assert "the workbook has no sheet named Sheet9; its sheets are: 说明, 学生" in missing.output


def test_the_registry_layout_in_xlsx_makes_each_member_with_a_phone_a_guardian(
        app, runner, tmp_path):
    header = ["班级", "学籍辅号", "姓名", "成员1姓名", "成员1关系", "成员1联系电话",
              "成员1是否监护人", "成员2姓名", "成员2关系", "成员2联系电话", "成员2是否监护人",
              "成员3姓名", "成员3关系", "成员3联系电话", "成员3是否监护人"]
    path = workbook(tmp_path / "学籍.xlsx", [
        header,
        ["初三(1)班", "G110101200901010011", "李雷", "李父", "父亲", 13812345678, "是",
         "韩母", "母亲", 13912345678, "否", "李爷爷", "祖父", None, "否"],
    ], formats={5: "0", 9: "0"})
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored() == {"G110101200901010011": ("李雷", "初三(1)班", None, None, [
            ("李父", "父亲", "+8613812345678", True),
            ("韩母", "母亲", "+8613912345678", False)])}


def test_named_guardian_columns_of_the_registry(app, runner, tmp_path):
    text = ("班级,学号,姓名,监护人（父亲）,监护人（父亲）电话,监护人（母亲）,监护人（母亲）电话\n"
            "九年级1班,9001,张三,张父,13812345678,张母,\n")
    path = tmp_path / "r.csv"
    path.write_text(text)
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored()["9001"][4] == [("张父", "父亲", "+8613812345678", True)]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_csv_with_chinese_headers_a_title_row_and_no_optional_columns(
        app, runner, tmp_path, encoding):
    text = ("育英中学2027届九年级学生名单,,,,\n"
            "（2026年9月）,,,,\n"
            "班级,学号,姓名,家长姓名,手机号\n"
            "九年级1班,2027001,张三,张建国,13812345678\n"
            "九年级2班,2027101,陈晨,陈母,13912345678\n")
    path = tmp_path / "名单.csv"
    path.write_bytes(text.encode(encoding))
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored() == {
            "2027001": ("张三", "九年级1班", None, None,
                        [("张建国", None, "+8613812345678", True)]),
            "2027101": ("陈晨", "九年级2班", None, None,
                        [("陈母", None, "+8613912345678", True)]),
        }


@pytest.mark.parametrize(("written", "grade"), [
    ("九年级", 9), ("初三", 9), ("初一", 7), ("高一", 10), ("高三", 12), ("9年级", 9),
    ("十二年级", 12), ("一年级", 1), ("09", 9)])
def test_grades_as_people_write_them(app, runner, tmp_path, written, grade):
    path = tmp_path / "r.csv"
    path.write_text(CHINESE_HEADER + f"一班,{written},9001,张三,4号,张父,父亲,13812345678,\n")
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(Homeroom.grade)) == grade
        assert db.session.scalar(db.select(Student.seat)) == 4


def test_a_second_guardian_in_wide_columns_is_imported(app, runner, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text("homeroom,student_number,student_name,guardian_name,guardian_phone,"
                    "guardian2_name,guardian2_relationship,guardian2_phone\n"
                    "九年级1班,9001,张三,张父,13812345678,张母,母亲,13912345678\n")
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored()["9001"][4] == [("张父", None, "+8613812345678", True),
                                       ("张母", "母亲", "+8613912345678", True)]


@pytest.mark.parametrize(("cell", "phone"), [
    ("13812345614.0", "+8613812345614"),
    ("138 1234 5614", "+8613812345614"),
    ("+86 138-1234-5614", "+8613812345614"),
    ("0086 13812345614", "+8613812345614"),
    ("１３８１２３４５６１４", "+8613812345614"),
])
def test_phone_shapes_that_mean_one_number(app, runner, tmp_path, cell, phone):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + f"九年级1班,9,9001,张三,1,张父,父亲,{cell},\n")
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(db.select(Guardian.phone_e164)) == phone


PHONE_ERRORS = {
    "scientific": ("1.38123E+10", "the number is in scientific notation (科学计数法), so its "
                   "last digits are lost: set the column's format to Text (文本) and type the "
                   "numbers again"),
    "full-width semicolon": ("13812345616；13912345616", "one number per cell: put the "
                             "second guardian on a row of their own"),
    "slash": ("13812345616/13912345616", "one number per cell"),
    "enumeration comma": ("13812345616、13912345616", "one number per cell"),
    "space": ("13812345616 13912345616", "one number per cell"),
}


@pytest.mark.parametrize(("cell", "message"), PHONE_ERRORS.values(), ids=PHONE_ERRORS.keys())
def test_phone_shapes_that_are_refused(app, runner, tmp_path, cell, message):
    path = tmp_path / "r.csv"
    path.write_text(HEADER + f'九年级1班,9,9001,张三,1,张父,父亲,"{cell}",\n')
    with app.app_context():
        before = snapshot()
    result = run(runner, path)
    assert result.exit_code == 1
    assert f"r.csv:2: guardian_phone: {cell!r}: {message}" in result.output
    with app.app_context():
        assert snapshot() == before


def test_a_scientific_notation_cell_in_an_xlsx_is_refused(app, runner, tmp_path):
    path = workbook(tmp_path / "r.xlsx", [
        ["班级", "学号", "姓名", "家长姓名", "联系电话"],
        ["九年级1班", 9001, "张三", "张父", "1.38123E+10"]])
    result = run(runner, path)
    assert result.exit_code == 1
    assert "r.xlsx:2: guardian_phone: '1.38123E+10': the number is in scientific notation " \
        "(科学计数法)" in result.output


def test_an_empty_workbook_is_refused(app, runner, tmp_path):
    book = Workbook()
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "empty.xlsx"
    path.write_bytes(buffer.getvalue())
    result = run(runner, path)
    assert result.exit_code == 1
    assert "empty.xlsx:1: -: the file is empty" in result.output


def test_the_web_lists_a_phone_problem_with_the_number_masked(app, school, login_as):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "zh_Hans"})
    data = (HEADER + '九年级1班,9,9001,张三,1,张父,父亲,"13812345616；13912345616",\n').encode()
    response = admin.post("/admin/import", data={"file": (io.BytesIO(data), "r.csv")},
                          content_type="multipart/form-data")
    assert response.status_code == 422
    assert problem_rows(response.get_data(as_text=True)) == [
        ["r.csv", "2", "家长电话", "138********；*********16",
         "一个单元格只写一个号码：请把第二位家长写在单独的一行"]]
