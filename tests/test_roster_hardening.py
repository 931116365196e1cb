"""Hostile or damaged roster input: strict CSV, zips that lie about their members, NUL bytes,
other file formats. Each gets a clear error and leaves the database exactly as it was."""

import io
import shutil
import struct
import zipfile
import zlib

import pytest

from tests.roster_helpers import HEADER, ONEROSTER, snapshot

GOOD = "九年级1班,9,9001,张三,1,李四,母亲,13812345678,zh\n"
MB = 1024 * 1024


@pytest.fixture
def refused(app, runner, school, tmp_path):
    """Import a path; assert it failed, wrote nothing, and return the output."""

    def run(path, *args):
        with app.app_context():
            before = snapshot()
        result = runner.invoke(args=["import-roster", str(path), "--school", "测试中学",
                                     "--allow-deactivate", *args])
        assert result.exit_code == 1, result.output
        assert "nothing was imported" in result.output
        with app.app_context():
            assert snapshot() == before
        return result.output

    return run


def write(tmp_path, data: bytes, name="roster.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


CSV_CASES = {
    "stray quote in the last row": (
        HEADER + GOOD + '九年级1班,9,9002,"王五,2,王强,父亲,13912345678,zh\n',
        'roster.csv:3: -: a double quote (") is not closed or is misplaced in the row that '
        "starts on this line (unexpected end of data)"),
    "quote inside a quoted cell": (
        HEADER + GOOD + '九年级1班,9,9002,"王"五,2,王强,父亲,13912345678,zh\n',
        'roster.csv:3: -: a double quote (") is not closed or is misplaced'),
    "a cell too many": (
        HEADER + GOOD + "九年级1班,9,9002,王五,2,王强,父亲,139,12345678,zh\n",
        "roster.csv:3: -: this row has 10 cells but the header has 9: a comma too many or "
        "too few, or a stray quote"),
    "a cell too few": (
        HEADER + "九年级1班,9,9002,王五,2,王强,13912345678,zh\n" + GOOD,
        "roster.csv:2: -: this row has 8 cells but the header has 9"),
}


@pytest.mark.parametrize(("text", "message"), CSV_CASES.values(), ids=CSV_CASES.keys())
def test_csv_is_parsed_strictly(refused, tmp_path, text, message):
    assert message in refused(write(tmp_path, text.encode()))


def test_blank_cells_past_the_header_are_not_a_cell_too_many(app, runner, school, tmp_path):
    path = write(tmp_path, (HEADER.rstrip("\n") + ",,\n" + GOOD.rstrip("\n") + ",,\n").encode())
    result = runner.invoke(args=["import-roster", str(path), "--school", "测试中学",
                                 "--allow-deactivate"])
    assert result.exit_code == 0, result.output


def test_a_nul_byte_is_refused_when_checking(refused, tmp_path):
    data = (HEADER + GOOD).encode().replace("张三".encode(), "张\x00三".encode())
    assert ("roster.csv:2: -: the file holds a NUL byte (a zero byte) on line 2: it is not "
            "plain text; save it again as CSV UTF-8 or as .xlsx") in refused(write(tmp_path, data))


def test_a_nul_byte_in_a_oneroster_file_is_refused_when_checking(refused, tmp_path):
    folder = tmp_path / "set"
    shutil.copytree(ONEROSTER / "clean", folder)
    users = folder / "users.csv"
    users.write_bytes(users.read_bytes().replace("周".encode(), b"\x00"))
    output = refused(folder, "--dry-run")
    assert "users.csv:2: -: the file holds a NUL byte" in output


@pytest.mark.parametrize(("data", "message"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
     "this is an old Excel workbook (.xls), which cannot be read: open it in Excel or WPS "
     "and save it as .xlsx or as CSV UTF-8"),
    (b"%PDF-1.7\n", "this is not a spreadsheet or a CSV file: save the roster as .xlsx or as "
                    "CSV UTF-8"),
], ids=["xls", "pdf"])
def test_other_formats_get_a_clear_message_whatever_their_name(refused, tmp_path, data,
                                                              message):
    assert message in refused(write(tmp_path, data, "roster.csv"))


def test_a_oneroster_file_named_in_another_case_is_named(refused, tmp_path):
    folder = tmp_path / "set"
    shutil.copytree(ONEROSTER / "clean", folder)
    (folder / "users.csv").rename(folder / "Users.csv")
    assert ("set/Users.csv:0: -: OneRoster file names are case-sensitive: rename Users.csv "
            "to users.csv") in refused(folder)


def raw_zip(members: list[tuple[str, int, int, bytes]]) -> bytes:
    """A zip written by hand: (name, stated size, CRC, deflated data) per member, so that
    names may repeat and sizes may lie."""
    out, central = io.BytesIO(), io.BytesIO()
    for name, size, crc, deflated in members:
        offset = out.tell()
        encoded = name.encode()
        fields = (20, 0, 8, 0, 0x21, crc, len(deflated), size, len(encoded), 0)
        out.write(struct.pack("<I5H3I2H", 0x04034B50, *fields) + encoded + deflated)
        central.write(struct.pack("<I6H3I5H2I", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset)
                      + encoded)
    start = out.tell()
    out.write(central.getvalue())
    out.write(struct.pack("<I4H2IH", 0x06054B50, 0, 0, len(members), len(members),
                          len(central.getvalue()), start, 0))
    return out.getvalue()


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def test_a_zip_of_200_users_csv_is_refused_before_inflating(refused, tmp_path):
    size = 20 * MB - 1  # each just under the per-file limit: 4,000 MB in all
    zeros = deflate(b"\x00" * size)
    data = raw_zip([("users.csv", size, zlib.crc32(b"\x00" * size), zeros)] * 200)
    assert len(data) < 5 * MB
    output = refused(write(tmp_path, data, "set.zip"))
    assert ("set.zip/users.csv:0: -: the .zip holds users.csv more than once: a OneRoster set "
            "has each file once") in output


def test_a_set_too_big_in_total_is_refused_before_inflating(refused, tmp_path):
    size = 19 * MB
    zeros = deflate(b"\x00" * size)
    crc = zlib.crc32(b"\x00" * size)
    data = raw_zip([(name, size, crc, zeros) for name in
                    ("users.csv", "classes.csv", "enrollments.csv", "orgs.csv")])
    assert ("set.zip:0: -: the files of the set add up to 76.0 MB; the limit is 60 MB in all"
            in refused(write(tmp_path, data, "set.zip")))


@pytest.mark.parametrize("stated", [10, 10 * MB], ids=["smaller", "larger"])
def test_a_member_stating_a_false_size_is_refused(refused, tmp_path, stated):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in ONEROSTER.joinpath("clean").iterdir():
            archive.write(member, member.name)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        users = archive.getinfo("users.csv")
        real = users.file_size
    members = []
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            size = stated if info.filename == "users.csv" else len(content)
            members.append((info.filename, size, zlib.crc32(content), deflate(content)))
    assert real != stated
    output = refused(write(tmp_path, raw_zip(members), "set.zip"))
    assert "set.zip/users.csv:0: -: this member of the .zip" in output
    assert "export the set again" in output


def test_a_csv_named_zip_is_read_as_the_csv_it_is(app, runner, school, tmp_path):
    path = write(tmp_path, (HEADER + GOOD).encode(), "roster.zip")
    result = runner.invoke(args=["import-roster", str(path), "--school", "测试中学",
                                 "--allow-deactivate"])
    assert result.exit_code == 0, result.output
    assert "1 students read from roster.zip" in result.output
