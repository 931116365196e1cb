"""A simple CSV's rows are one line each (a stray quote never merges two students), and the
check names, for every student whose class or guardians change, what changes."""

import io
import re

import pytest

from tests.roster_helpers import SIMPLE_CLEAN, simple_csv, snapshot

FIRST = "九年级1班,9,9001,张三,1,张父,父亲,13812345678,zh\n"
SECOND = "九年级1班,9,9002,王五,2,王母,母亲,13912345678,zh\n"


def run_import(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), "--school", "测试中学",
                               "--allow-deactivate", *args])


@pytest.mark.parametrize(("rows", "first", "last"), [
    # A quote opened in one row and closed in the next: one row of nine cells that looks
    # valid, whose student is named after both lines and linked to the other family.
    ('九年级1班,9,9001,"张三,1,张父,父亲,13812345678,zh\n九年级1班,9,9002,王五",2,王母,母亲,'
     "13912345678,zh\n", 2, 3),
    # A cell holding a line break.
    (FIRST + '九年级1班,9,9002,"王\n五",2,王母,母亲,13912345678,zh\n', 3, 4),
], ids=["stray quote", "line break in a cell"])
def test_a_row_over_two_lines_is_refused_with_both_lines(app, runner, school, tmp_path,
                                                         rows, first, last):
    run_import(runner, simple_csv(tmp_path, FIRST + SECOND, name="before.csv"))
    with app.app_context():
        before = snapshot()
    result = run_import(runner, simple_csv(tmp_path, rows))
    assert result.exit_code == 1
    assert f"roster.csv:{first}: -: a cell in the row on line {first} runs on to line " \
        f"{last}, so these lines are read as one row" in result.output
    assert "nothing was imported" in result.output
    with app.app_context():
        assert snapshot() == before


def test_the_check_names_each_students_class_and_guardian_changes(app, runner, school,
                                                                  tmp_path):
    run_import(runner, simple_csv(tmp_path, FIRST + SECOND, name="before.csv"))
    moved = ("九年级2班,9,9001,张三,1,张父,父亲,13812345678,zh\n"
             "九年级1班,9,9002,王五,2,李四,父亲,13712345678,zh\n")
    result = run_import(runner, simple_csv(tmp_path, moved), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "张三 (9001): homeroom 九年级1班 -> 九年级2班\n" in result.output
    assert "王五 (9002): guardians 王母 +86*********78 -> 李四 +86*********78\n" \
        in result.output
    unchanged = run_import(runner, simple_csv(tmp_path, FIRST + SECOND, name="same.csv"))
    assert "->" not in unchanged.output


def test_the_check_page_lists_the_changes_before_confirming(app, login_as, school):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    checked = admin.post("/admin/import", data={
        "file": (io.BytesIO(SIMPLE_CLEAN.read_bytes()), "clean.csv")},
        content_type="multipart/form-data")
    token = re.search(r'name="token" type="hidden" value="([^"]+)"',
                      checked.get_data(as_text=True))[1]
    admin.post("/admin/import/confirm", data={"token": token})
    data = SIMPLE_CLEAN.read_text(encoding="utf-8").replace(
        "九年级2班,9,2027101,陈晨", "九年级1班,9,2027101,陈晨").replace("张建国", "张国")
    page = admin.post("/admin/import", data={"file": (io.BytesIO(data.encode()), "again.csv")},
                      content_type="multipart/form-data").get_data(as_text=True)
    rows = [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)]
            for row in re.findall(r"<tr>(.*?)</tr>", page.split('class="cards changes"')[1]
                                  .split("</table>")[0], re.S)]
    assert [row for row in rows if row] == [
        ["张三 (2027001)", "Guardians", "张建国 +86*********78、李秀英 +86*********78",
         "张国 +86*********78、李秀英 +86*********78"],
        ["陈晨 (2027101)", "Homeroom", "九年级2班", "九年级1班"],
    ]
    assert "Students whose class or guardians would change (2)" in page

