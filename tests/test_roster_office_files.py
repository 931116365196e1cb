"""A new school's own files, term after term: an office's Excel sheet saved as CSV on one
computer and as .xlsx on another, with full-width characters, merged class cells, numbers
that a spreadsheet turned into floats, scientific notation or lost leading zeros."""

import io

from openpyxl import Workbook

from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Student
from tests.roster_helpers import problem_rows, snapshot

CHINESE_HEADER = "班级,年级,学号,姓名,座号,家长姓名,关系,联系电话,语言\r\n"


def office_csv(tmp_path, rows: list[str], name="名单.csv", encoding="utf-8-sig",
               title="育英中学九年级学生名单,,,,,,,,\r\n"):
    """A sheet as Excel saves it: a title row, Chinese headers, CRLF, blank rows at the end."""
    path = tmp_path / name
    text = title + CHINESE_HEADER + "".join(f"{row}\r\n" for row in rows) + ",,,,,,,,\r\n" * 3
    path.write_bytes(text.encode(encoding))
    return path


def run(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), "--school", "新学校", *args])


def stored():
    """{student number: (name, class, seat, active, [guardian phones])}."""
    return {s.student_number: (s.name, s.homeroom.name, s.seat, s.active,
                               [link.guardian.phone_e164 for link in s.guardian_links])
            for s in db.session.scalars(db.select(Student))}


def test_the_next_terms_file_typed_without_full_width_characters_is_the_same_school(
        app, runner, tmp_path):
    autumn = office_csv(tmp_path, [
        "九年级１班,九年级,０９０１００１,欧阳·娜娜,1,欧阳建国,父亲,+86 138 1234 5678,中文",
        "九年级１班,九年级,0901002,阿卜杜拉·买买提,2,买买提,父亲,86-139-1234-5678,",
        "九年级１班,九年级,0901003,王𠈌,3,王父,父亲,8613712345678,",
    ], name="秋季.csv", encoding="gb18030")
    spring = office_csv(tmp_path, [
        "九年级1班,九年级,0901001,欧阳·娜娜,1,欧阳建国,父亲,13812345678,中文",
        "九年级 1班,九年级,0901002,阿卜杜拉·买买提,2,买买提,父亲,13912345678,",
        "九年级1班,九年级,0901003,王𠈌,3,王父,父亲,13712345678,",
    ], name="春季.csv")
    assert run(runner, autumn).exit_code == 0
    result = run(runner, spring)
    assert result.exit_code == 0, result.output
    assert "deactivated: nothing" in result.output
    assert "added: nothing" in result.output
    with app.app_context():
        assert stored() == {
            "0901001": ("欧阳·娜娜", "九年级1班", 1, True, ["+8613812345678"]),
            "0901002": ("阿卜杜拉·买买提", "九年级1班", 2, True, ["+8613912345678"]),
            "0901003": ("王𠈌", "九年级1班", 3, True, ["+8613712345678"]),
        }


def test_a_class_and_a_number_stored_full_width_are_found_by_the_next_file(
        app, runner, tmp_path):
    first = office_csv(tmp_path, ["九年级1班,9,0901001,甲,1,甲父,父亲,13812345678,"])
    assert run(runner, first).exit_code == 0
    with app.app_context():  # as an import before this release stored them
        db.session.scalar(db.select(Homeroom)).name = "九年级１班"
        db.session.scalar(db.select(Student)).student_number = "０９０１００１"
        db.session.commit()
    result = run(runner, first)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored() == {"0901001": ("甲", "九年级1班", 1, True, ["+8613812345678"])}
        assert db.session.scalar(db.select(db.func.count()).select_from(Homeroom)) == 1


def test_a_student_number_in_scientific_notation_is_refused(app, runner, tmp_path):
    path = office_csv(tmp_path, ["九年级1班,9,2.02701E+11,甲,1,甲父,父亲,13812345678,"])
    with app.app_context():
        before = snapshot()
    result = run(runner, path)
    assert result.exit_code == 1
    assert "名单.csv:3: student_number: '2.02701E+11': the number is in scientific notation" \
        in result.output
    with app.app_context():
        assert snapshot() == before


def test_numbers_a_spreadsheet_wrote_as_floats_are_the_whole_numbers(app, runner, tmp_path):
    path = office_csv(tmp_path, ["九年级1班,9.0,2027002.0,乙,2.0,乙父,父亲,13812345679.0,"])
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored() == {"2027002": ("乙", "九年级1班", 2, True, ["+8613812345679"])}
        assert db.session.scalar(db.select(Homeroom.grade)) == 9


def test_a_student_number_that_lost_its_leading_zero_is_refused_not_replaced(
        app, runner, tmp_path):
    autumn = office_csv(tmp_path, ["九年级1班,9,0901001,甲,1,甲父,父亲,13812345678,",
                                   "九年级1班,9,0901002,乙,2,乙父,父亲,13812345679,"])
    assert run(runner, autumn).exit_code == 0
    spring = office_csv(tmp_path, ["九年级1班,9,901001,甲,1,甲父,父亲,13812345678,",
                                   "九年级1班,9,901002,乙,2,乙父,父亲,13812345679,"],
                        name="spring.csv")  # the whole column formatted as numbers
    with app.app_context():
        before = snapshot()
    result = run(runner, spring, "--allow-deactivate")
    assert result.exit_code == 1
    for line, number, name in ((3, "901001", "0901001 (甲)"), (4, "901002", "0901002 (乙)")):
        assert f"spring.csv:{line}: student_number: '{number}': the school has this student " \
            f"number as {name}: they differ only in leading zeros" in result.output
    with app.app_context():
        assert snapshot() == before


def test_a_corrected_file_names_the_stored_number_that_lost_its_zeros(app, runner, tmp_path):
    """The school's own number lost its zeros in an earlier import (901001); this term's file
    has it right (0901001): the refusal says the stored one is the one to correct, and where."""
    autumn = office_csv(tmp_path, ["九年级1班,9,901001,甲,1,甲父,父亲,13812345678,"])
    assert run(runner, autumn).exit_code == 0
    spring = office_csv(tmp_path, ["九年级1班,9,0901001,甲,1,甲父,父亲,13812345678,"],
                        name="spring.csv")
    with app.app_context():
        before = snapshot()
    result = run(runner, spring, "--allow-deactivate")
    assert result.exit_code == 1
    assert "spring.csv:3: student_number: '0901001': the school has this student number as " \
        "901001 (甲), without the leading zeros this file gives it" in result.output
    assert "correct the student's number on the admin's Students page" in result.output
    with app.app_context():
        assert snapshot() == before


def test_a_new_number_that_only_looks_like_a_listed_one_is_a_new_student(
        app, runner, tmp_path):
    autumn = office_csv(tmp_path, ["九年级1班,9,0123,甲,1,甲父,父亲,13812345678,"])
    assert run(runner, autumn).exit_code == 0
    spring = office_csv(tmp_path, ["九年级1班,9,0123,甲,1,甲父,父亲,13812345678,",
                                   "九年级1班,9,123,乙,2,乙父,父亲,13812345679,"])
    result = run(runner, spring)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(stored()) == {"0123", "123"}


def merged_workbook(path):
    """An office's sheet: a merged title, and each class's 班级 and the 年级 merged."""
    book = Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["育英中学九年级学生名单"])
    sheet.append(CHINESE_HEADER.strip().split(","))
    for row in (["九年级1班", "九年级", "0901001", "甲", 1, "甲父", "父亲", "13812345678"],
                [None, None, "0901002", "乙", 2, "乙父", "父亲", "13812345679"],
                [None, None, "0901003", "丙", 3, "丙父", "父亲", "13812345670"],
                ["九年级2班", None, "0902001", "丁", 1, "丁父", "父亲", "13812345671"],
                [None, None, "0902002", "戊", 2, "戊父", "父亲", "13812345672"]):
        sheet.append(row)
    for cells in ("A1:I1", "A3:A5", "A6:A7", "B3:B7"):
        sheet.merge_cells(cells)
    book.save(path)
    return path


def test_merged_class_cells_in_an_xlsx_are_read_as_the_sheet_shows_them(app, runner, tmp_path):
    result = run(runner, merged_workbook(tmp_path / "名单.xlsx"))
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert {number: row[1] for number, row in stored().items()} == {
            "0901001": "九年级1班", "0901002": "九年级1班", "0901003": "九年级1班",
            "0902001": "九年级2班", "0902002": "九年级2班"}
        assert set(db.session.scalars(db.select(Homeroom.grade))) == {9}


def test_a_header_merged_over_two_rows_is_no_student(app, runner, tmp_path):
    """An office's template merges each header cell down over two rows; a registry's export
    repeats the header on every printed page. Neither makes a student 姓名 in a class 班级."""
    book = Workbook()
    sheet = book.active
    sheet.append(["班级", "学号", "姓名", "联系电话"])
    sheet.append([None, None, None, None])
    sheet.append(["九年级1班", "0901001", "甲", "13812345678"])
    sheet.append(["班级", "学号", "姓名", "联系电话"])  # the header again, on page 2
    sheet.append(["九年级1班", "0901002", "乙", "13812345679"])
    for cells in ("A1:A2", "B1:B2", "C1:C2", "D1:D2"):
        sheet.merge_cells(cells)
    book.save(tmp_path / "模板.xlsx")
    result = run(runner, tmp_path / "模板.xlsx")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert {number: row[:2] for number, row in stored().items()} == {
            "0901001": ("甲", "九年级1班"), "0901002": ("乙", "九年级1班")}
        assert set(db.session.scalars(db.select(Homeroom.name))) == {"九年级1班"}


def test_merged_class_cells_saved_as_csv_are_named_in_both_languages(app, login_as, school):
    data = (CHINESE_HEADER + "九年级1班,9,0901001,甲,1,甲父,父亲,13812345678,\r\n"
            ",,0901002,乙,2,乙父,父亲,13812345679,\r\n").encode("gb18030")
    admin = login_as("admin")
    for locale, words in (("zh_Hans", ["名单.csv", "3", "班级", "", "九年级1班"]),
                          ("en", ["名单.csv", "3", "Homeroom", "", "九年级1班"])):
        admin.post("/language", data={"locale": locale})
        with app.app_context():
            before = snapshot()
        response = admin.post("/admin/import", data={"file": (io.BytesIO(data), "名单.csv")},
                              content_type="multipart/form-data")
        assert response.status_code == 422
        [row] = problem_rows(response.get_data(as_text=True))
        assert row[:4] == words[:4] and words[4] in row[4]
        assert ("合并单元格" in row[4]) and (("merged cell" in row[4]) == (locale == "en"))
        with app.app_context():
            assert snapshot() == before


def test_a_number_past_15_digits_in_an_xlsx_is_refused_not_read_with_zeros(
        app, runner, tmp_path):
    book = Workbook()
    book.active.append(CHINESE_HEADER.strip().split(","))
    # An 18-digit number typed into a General cell: Excel keeps 15 digits and zeros.
    book.active.append(["九年级1班", 9, 2.02700100000000e17, "甲", 1, "甲父", "父亲",
                        13812345678, None])
    book.save(tmp_path / "r.xlsx")
    with app.app_context():
        before = snapshot()
    result = run(runner, tmp_path / "r.xlsx")
    assert result.exit_code == 1
    assert "r.xlsx:2: student_number: '2.027001E+17': the number is in scientific notation" \
        in result.output
    with app.app_context():
        assert snapshot() == before


def guardians():
    """{guardian id: (name, phone, can receive texts)}."""
    return {g.id: (g.name, g.phone_e164, g.can_receive_texts)
            for g in db.session.scalars(db.select(Guardian))}


def test_a_name_typed_with_another_dot_or_a_stray_space_is_the_same_person(
        app, runner, tmp_path):
    autumn = office_csv(tmp_path, [
        "九年级1班,9,0901001,阿卜杜拉·买买提,1,买买提·艾力,父亲,13812345678,",
        "九年级1班,9,0901002,王芳,2,王建国,父亲,13912345678,",
    ])
    assert run(runner, autumn).exit_code == 0
    with app.app_context():
        before = guardians()
        db.session.scalar(db.select(Guardian).where(Guardian.name == "王建国")).absence_texts \
            = False  # the office's switch, kept by the same person's row
        db.session.commit()
    spring = office_csv(tmp_path, [
        "九年级1班,9,0901001,阿卜杜拉•买买提,1,买买提・艾力,父亲,13812345678,",
        "九年级1班,9,0901002,王 芳,2,王　建国,父亲,13912345678,",
    ], name="spring.csv")
    result = run(runner, spring)
    assert result.exit_code == 0, result.output
    assert "added: nothing" in result.output
    with app.app_context():
        assert guardians() == {**before, max(before): ("王建国", "+8613912345678", False)}
        assert {s.name for s in db.session.scalars(db.select(Student))} == {
            "阿卜杜拉·买买提", "王芳"}


def test_a_parent_who_texted_stop_stays_stopped_when_the_file_renames_them(
        app, runner, tmp_path):
    from rollcall.notify.services import handle_inbound

    autumn = office_csv(tmp_path, ["九年级1班,9,0901001,甲,1,王芳,母亲,13812345678,"])
    assert run(runner, autumn).exit_code == 0
    with app.app_context():
        handle_inbound("+8613812345678", "STOP", "SMstop1")
    spring = office_csv(tmp_path, ["九年级1班,9,0901001,甲,1,王方,母亲,13812345678,"],
                        name="spring.csv")  # the name corrected: a new guardian's row
    assert run(runner, spring).exit_code == 0
    with app.app_context():
        [student] = db.session.scalars(db.select(Student))
        [link] = student.guardian_links
        assert (link.guardian.name, link.guardian.can_receive_texts) == ("王方", False)
        assert link.guardian.opted_out_at is not None


def test_a_number_that_lost_its_leading_zero_beside_ones_that_kept_theirs_is_refused(
        app, runner, tmp_path):
    path = office_csv(tmp_path, ["九年级1班,9,0901001,甲,1,甲父,父亲,13812345678,",
                                 "九年级1班,9,901002,乙,2,乙父,父亲,13812345679,",
                                 "九年级1班,9,0901003,丙,3,丙父,父亲,13812345670,"])
    with app.app_context():
        before = snapshot()
    result = run(runner, path)
    assert result.exit_code == 1
    assert "名单.csv:4: student_number: '901002': the other student numbers keep their leading " \
        "zeros (7 digits); this one has lost them" in result.output
    assert "write it as 0901002" in result.output
    with app.app_context():
        assert snapshot() == before


def test_rows_pasted_from_a_spreadsheet_into_a_text_file_are_read_by_their_tabs(
        app, runner, tmp_path):
    path = tmp_path / "名单.txt"
    path.write_bytes((CHINESE_HEADER.replace(",", "\t")
                      + "九年级1班\t9\t0901001\t甲\t1\t甲父\t父亲\t138 1234 5678\t\r\n"
                      + "\t\t\t\t\t\t\t\t\r\n").encode("gb18030"))
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored() == {"0901001": ("甲", "九年级1班", 1, True, ["+8613812345678"])}


def test_a_column_name_used_twice_is_refused_not_read_as_one(app, login_as, school):
    """A two-row header: 学生信息 and 家长信息 over 姓名 twice. Read as one column, the
    student took the guardian's name."""
    data = ("学生信息,,,,家长信息,,,备注,备注\r\n"
            "班级,学号,姓名,座号,姓名,关系,联系电话,备注,备注\r\n"
            "九年级1班,0901001,张三,1,张建国,父亲,13812345678,,\r\n").encode("gb18030")
    admin = login_as("admin")
    for locale, column, words in (("zh_Hans", "表头行", "两列"), ("en", "Header row",
                                                                "two columns")):
        admin.post("/language", data={"locale": locale})
        with app.app_context():
            before = snapshot()
        response = admin.post("/admin/import", data={"file": (io.BytesIO(data), "名单.csv")},
                              content_type="multipart/form-data")
        assert response.status_code == 422
        rows = problem_rows(response.get_data(as_text=True))
        assert [row[:3] for row in rows] == [["名单.csv", "2", column]] * 2
        assert words in rows[0][4] and "姓名" in rows[0][4]
        assert "C" in rows[0][4] and "E" in rows[0][4]
        assert "备注" in rows[1][4] and "H" in rows[1][4] and "I" in rows[1][4]
        with app.app_context():
            assert snapshot() == before


def test_the_phone_and_class_headers_offices_also_write_are_read(app, runner, tmp_path):
    path = tmp_path / "名单.csv"
    path.write_bytes(("班级名称,学号,姓名,家长姓名,家长联系电话\r\n"
                      "九年级1班,0901001,甲,甲父,138-1234-5678\r\n").encode("utf-8-sig"))
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert stored() == {"0901001": ("甲", "九年级1班", None, True, ["+8613812345678"])}


def test_numbers_a_system_wrote_as_excel_text_formulas_are_their_text(app, runner, tmp_path):
    path = tmp_path / "学籍导出.csv"
    path.write_bytes(('班级,学号,姓名,家长姓名,联系电话\r\n'
                      '九年级1班,="0901001",甲,甲父,="13812345678"\r\n'
                      '九年级1班,"=""0901002""",乙,乙父,13812345679\r\n').encode("gb18030"))
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(stored()) == {"0901001", "0901002"}
        assert db.session.scalar(db.select(Guardian.phone_raw).where(
            Guardian.name == "甲父")) == "13812345678"


def test_a_hong_kong_macao_or_taiwan_number_written_without_plus_is_that_number(
        app, runner, tmp_path):
    path = office_csv(tmp_path, ["九年级1班,9,0901001,甲,1,甲父,父亲,852 9123 4567,",
                                 "九年级1班,9,0901002,乙,2,乙母,母亲,853-6612-3456,",
                                 "九年级1班,9,0901003,丙,3,丙父,父亲,886912345678,",
                                 "九年级1班,9,0901004,丁,4,丁父,父亲,12345678901,"])
    result = run(runner, path)
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert [phones for *_rest, phones in stored().values()] == [
            ["+85291234567"], ["+85366123456"], ["+886912345678"],
            ["+8612345678901"]]  # a mistyped mobile stays mainland's, never +1 234 567 8901
    assert "名单.csv:6: guardian_phone: possible but not a valid number" in result.output


def test_zero_width_characters_pasted_from_a_chat_make_no_new_class_or_student(
        app, runner, tmp_path):
    assert run(runner, office_csv(tmp_path, [
        "九年级1班,9,0901001,甲,1,甲父,父亲,13812345678,"])).exit_code == 0
    result = run(runner, office_csv(tmp_path, [
        "\u200b九年级1班,9,0901001\u200b,甲\u200d,1,甲父\u2060,父亲,13812345678,"],
        name="spring.csv"))
    assert result.exit_code == 0, result.output
    assert "added: nothing" in result.output and "updated: nothing" in result.output


def test_a_workbook_with_a_sheet_per_class_is_refused_not_read_in_part(app, runner, tmp_path):
    book = Workbook()
    for index, title in enumerate(("九年级1班", "九年级2班", "九年级3班")):
        sheet = book.active if index == 0 else book.create_sheet(title)
        sheet.title = title
        sheet.append([f"{title}学生名单"])
        sheet.append(CHINESE_HEADER.strip().split(","))
        sheet.append([title, 9, f"090{index + 1}001", "甲", 1, "甲父", "父亲", 13812345678])
    book.create_sheet("说明").append(["填表说明：学号请用文本格式"])
    book.save(tmp_path / "分班名单.xlsx")
    with app.app_context():
        before = snapshot()
    result = run(runner, tmp_path / "分班名单.xlsx")
    assert result.exit_code == 1
    assert "分班名单.xlsx:0: -: only the workbook's first sheet is read, and these other " \
        "sheets have a roster too: 九年级2班, 九年级3班;" in result.output
    with app.app_context():
        assert snapshot() == before
    del book["九年级2班"], book["九年级3班"]  # one class per file, and a sheet of notes
    book.save(tmp_path / "一班.xlsx")
    result = run(runner, tmp_path / "一班.xlsx")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(stored()) == {"0901001"}


def test_a_whole_school_first_sheet_then_a_sheet_per_class_is_read(app, runner, tmp_path):
    """全校 first with every class, then each class again on its own sheet: the first sheet
    has everyone, so nothing is left out and the workbook is read; a class sheet listing a
    student the first sheet lacks is still refused."""
    book = Workbook()
    whole = book.active
    whole.title = "全校"
    whole.append(CHINESE_HEADER.strip().split(","))
    rows = {"九年级1班": ["九年级1班", 9, "0901001", "甲", 1, "甲父", "父亲", "13812345678"],
            "九年级2班": ["九年级2班", 9, "0902001", "乙", 1, "乙父", "父亲", "13812345679"]}
    for title, row in rows.items():
        whole.append(row)
        sheet = book.create_sheet(title)
        sheet.append(CHINESE_HEADER.strip().split(","))
        sheet.append(row)
    book.save(tmp_path / "全校名单.xlsx")
    result = run(runner, tmp_path / "全校名单.xlsx")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(stored()) == {"0901001", "0902001"}
        before = snapshot()
    book["九年级2班"].append(["九年级2班", 9, "0902002", "丙", 2, "丙父", "父亲", "13812345670"])
    book.save(tmp_path / "全校名单.xlsx")
    result = run(runner, tmp_path / "全校名单.xlsx")
    assert result.exit_code == 1
    assert "these other sheets have a roster too: 九年级2班;" in result.output
    with app.app_context():
        assert snapshot() == before
