"""Hostile .xlsx rosters: a DTD in the sheet (entities within entities, an external entity),
a row at the bottom of the sheet, too much data once unpacked, too many cells, too long to
read. Each is refused with what to do instead, before it costs the worker its memory or its
time, and nothing is imported."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from rollcall.roster.problems import RosterRejected
from rollcall.roster.workbook import WorkbookLimits, sheet_lines
from tests.roster_helpers import snapshot

HEADER = ["班级", "年级", "学号", "姓名", "座号", "家长姓名", "关系", "家长手机", "语言"]
ROW = ["九年级1班", 9, "9001", "张三", 1, "李四", "母亲", "13812345678", "zh"]
LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">'
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;">]>')
EXTERNAL = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'


def xlsx(rows=(HEADER, ROW), far_cell=None) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    if far_cell:
        book.active[far_cell] = "x"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_doctype(data: bytes, doctype: str) -> bytes:
    """The workbook with a DTD put before the sheet's root element."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            member = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, _, rest = member.partition(b"?>")
                member = head + b"?>" + doctype.encode() + rest
            target.writestr(info.filename, member)
    return out.getvalue()


@pytest.fixture
def refused(app, runner, school, tmp_path):
    """Import the bytes as an .xlsx; assert it failed and wrote nothing; the output."""

    def run(data: bytes):
        path = tmp_path / "名单.xlsx"
        path.write_bytes(data)
        with app.app_context():
            before = snapshot()
        result = runner.invoke(args=["import-roster", str(path), "--school", "测试中学"])
        assert result.exit_code == 1, result.output
        assert "nothing was imported" in result.output
        with app.app_context():
            assert snapshot() == before
        return result.output

    return run


@pytest.mark.parametrize("doctype", [LAUGHS, EXTERNAL])
def test_a_sheet_with_a_dtd_is_refused(refused, doctype):
    output = refused(with_doctype(xlsx(), doctype))
    assert "the workbook contains a document type declaration (DTD)" in output


def test_a_cell_at_the_last_row_of_the_sheet_is_refused(refused):
    output = refused(xlsx(far_cell="A1048576"))
    assert "the sheet goes on past row 200000" in output


def refusal(app, data: bytes, **limits) -> str:
    with app.test_request_context(headers={"Accept-Language": "en"}), \
            pytest.raises(RosterRejected) as refused:
        sheet_lines("名单.xlsx", data, None, WorkbookLimits(**limits))
    [problem] = refused.value.problems
    return str(problem.message)


def test_a_workbook_that_unpacks_past_the_limit_is_refused(app):
    assert refusal(app, xlsx(), inflated_bytes=4096).startswith(
        "the workbook holds more than 0.00390625 MB of data once unpacked")


def test_a_sheet_with_too_many_cells_is_refused(app):
    assert refusal(app, xlsx([HEADER, ROW, ROW]), cells=20).startswith(
        "the sheet has more than 20 cells")


def test_a_sheet_that_takes_too_long_to_read_is_refused(app):
    assert refusal(app, xlsx([HEADER] + [ROW] * 600), seconds=0).startswith(
        "the sheet took more than 0 seconds to read")


def test_a_sheet_within_the_limits_is_read(app):
    with app.test_request_context():
        lines = sheet_lines("名单.xlsx", xlsx([HEADER] + [ROW] * 600), None)
    assert len(lines) == 601 and lines[1][1][2] == "9001"
