"""Malformed input of every kind: a clear error, a non-zero exit, and the database untouched."""

import pytest

from tests.roster_helpers import HEADER, snapshot

GOOD_ROW = "九年级1班,9,9001,张三,1,李四,母亲,13812345678,zh\n"

CASES = {
    "wrong header": (
        b"class,name,phone\n1,a,b\n",
        "roster.csv:1: header: missing column(s): homeroom (班级), student_number (学号), "
        "student_name (姓名)"),
    "bad phone": (
        (HEADER + "九年级1班,9,9001,张三,1,李四,母亲,abc,zh\n").encode(),
        "roster.csv:2: guardian_phone: 'abc': not a phone number: write a mobile number of 11 "
        "digits, e.g. 138 1234 5678"),
    "duplicate student number": (
        (HEADER + GOOD_ROW + "九年级2班,9,9001,王五,3,赵六,父亲,13912345678,zh\n").encode(),
        "roster.csv:3: student_number: duplicate student number 9001: line 2 gives "
        "another student"),
    "blank homeroom": (
        (HEADER + ",9,9001,张三,1,李四,母亲,13812345678,zh\n").encode(),
        "roster.csv:2: homeroom: required, but blank"),
    "non-UTF-8 bytes": (
        HEADER.encode() + b"\xff\xfebad\n",
        "roster.csv:2: -: the file is not UTF-8 text (byte 0xFF)"),
    "empty file": (b"", "roster.csv:1: -: the file is empty"),
    "only a BOM": (b"\xef\xbb\xbf\r\n", "roster.csv:1: -: the file is empty"),
    "header only": (HEADER.encode(), "roster.csv:2: -: the file lists no students"),
    "unknown language": (
        (HEADER + "九年级1班,9,9001,张三,1,李四,母亲,13812345678,fr\n").encode(),
        "roster.csv:2: guardian_language: 'fr': unknown language: write zh_Hans or en (also "
        "中文 or English), or leave it blank"),
    "seat not a number": (
        (HEADER + "九年级1班,9,9001,张三,一,李四,母亲,13812345678,zh\n").encode(),
        "roster.csv:2: seat: '一': not a whole number: write digits only, e.g. 4"),
    "not a zip": (b"PK\x03\x04 broken", "roster.csv:0: -: not a readable .zip file"),
}


@pytest.fixture
def import_file(app, runner, school, tmp_path):
    """Import bytes as roster.csv; return (result, snapshot before, snapshot after)."""

    def run(data: bytes, name="roster.csv"):
        path = tmp_path / name
        path.write_bytes(data)
        with app.app_context():
            before = snapshot()
        result = runner.invoke(args=["import-roster", str(path), "--school", "测试中学"])
        with app.app_context():
            return result, before, snapshot()

    return run


@pytest.mark.parametrize(("data", "message"), CASES.values(), ids=CASES.keys())
def test_malformed_file_is_refused_and_nothing_changes(import_file, data, message):
    result, before, after = import_file(data)
    assert result.exit_code == 1
    assert message in result.output
    assert "nothing was imported" in result.output
    assert after == before


def test_every_error_is_listed_not_just_the_first(import_file):
    rows = ("九年级1班,9,9001,张三,1,李四,母亲,abc,zh\n"
            "九年级1班,9,,王五,2,赵六,父亲,13912345678,zh\n"
            "九年级1班,99,9003,孙七,3,,,13712345678,zh\n")
    result, before, after = import_file((HEADER + rows).encode())
    assert result.exit_code == 1
    for expected in ("roster.csv:2: guardian_phone:", "roster.csv:3: student_number:",
                     "roster.csv:4: grade:", "roster.csv:4: guardian_name:"):
        assert expected in result.output
    assert "4 error(s)" in result.output
    assert after == before


def test_a_50_mb_file_is_refused_before_it_is_read(import_file):
    row = GOOD_ROW.encode()
    data = HEADER.encode() + row * (50 * 1024 * 1024 // len(row) + 1)
    result, before, after = import_file(data)
    assert result.exit_code == 1
    assert "roster.csv:0: -: the file is 50.0 MB; the limit is 20 MB per file" in result.output
    assert after == before


def test_a_missing_path_is_a_clear_error(runner, school, tmp_path):
    result = runner.invoke(args=["import-roster", str(tmp_path / "nope.csv"),
                                 "--school", "测试中学"])
    assert result.exit_code == 1
    assert "no such file or folder" in result.output


def test_a_new_school_named_for_a_failed_import_is_not_left_behind(app, runner, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b"")
    with app.app_context():
        before = snapshot()
    result = runner.invoke(args=["import-roster", str(path), "--school", "新学校"])
    assert result.exit_code == 1
    with app.app_context():
        assert snapshot() == before
