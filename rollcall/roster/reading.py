"""Reading roster input safely: size limits, zip members, text encodings, CSV and .xlsx rows."""

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from rollcall.roster.problems import Problem, RosterRejected

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
TOTAL_BYTES_FACTOR = 3  # a whole set inflates to at most three times the per-file limit
ONEROSTER_FILES = ("manifest.csv", "orgs.csv", "users.csv", "classes.csv", "enrollments.csv",
                   "academicSessions.csv", "roles.csv")
MAX_TITLE_ROWS = 5
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .doc, .et: the old Office formats
OTHER_FORMATS = (b"%PDF", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"\x89PNG", b"\xff\xd8\xff")


@dataclass
class RosterSource:
    """The files of one import, read into memory: {file name: bytes}."""

    name: str
    kind: str  # "simple", "xlsx" or "oneroster"
    files: dict[str, bytes] = field(default_factory=dict)
    sheet: str | None = None  # the worksheet of an .xlsx (None: the first)
    # Each CSV file as read (or as refused), kept: the groups page reads a kept OneRoster set
    # for its classes, then checks it with the choice, and parses each file once.
    _read: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def csv(self, name: str, required: tuple[str, ...] = ()) -> tuple[list[str], list["Row"]]:
        """One of the source's CSV files, decoded and read (read_csv), parsed only once."""
        key = (name, tuple(required))
        if key not in self._read:
            try:
                self._read[key] = read_csv(name, decode(name, self.files[name]), required)
            except RosterRejected as rejected:
                self._read[key] = rejected
        found = self._read[key]
        if isinstance(found, RosterRejected):
            raise found
        return found


def _too_big(name: str, size: int, limit: int) -> Problem:
    return Problem(name, 0, "-", _l(
        "the file is %(size).1f MB; the limit is %(limit)s MB per file",
        size=size / 1024 / 1024, limit=f"{limit / 1024 / 1024:g}"))


def _refuse(name: str, message, line: int = 0, column: str = "-"):
    raise RosterRejected([Problem(name, line, column, message)])


def load_path(path: Path, limit: int = DEFAULT_MAX_FILE_BYTES) -> RosterSource:
    """A OneRoster folder or .zip, a simple .csv or an .xlsx; sizes are checked before reading."""
    if path.is_dir():
        files = {}
        present = {child.name: child for child in path.iterdir() if child.is_file()}
        _check_member_names(path.name, list(present))
        for name in ONEROSTER_FILES:
            if name in present:
                files[name] = _read_limited(present[name], limit)
        return RosterSource(path.name, "oneroster", files)
    if not path.is_file():
        _refuse(str(path), _l("no such file or folder"))
    size = path.stat().st_size
    if size > limit:
        raise RosterRejected([_too_big(path.name, size, limit)])
    return load_bytes(path.name, path.read_bytes(), limit)


def _read_limited(path: Path, limit: int) -> bytes:
    size = path.stat().st_size
    if size > limit:
        raise RosterRejected([_too_big(path.name, size, limit)])
    return path.read_bytes()


def load_upload(name: str, stream, limit: int = DEFAULT_MAX_FILE_BYTES) -> RosterSource:
    """An uploaded file (Werkzeug spools big ones to disk): its size is checked first."""
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    if size > limit:
        raise RosterRejected([_too_big(name, size, limit)])
    stream.seek(0)
    return load_bytes(name, stream.read(), limit)


def load_bytes(name: str, data: bytes, limit: int = DEFAULT_MAX_FILE_BYTES) -> RosterSource:
    """Recognised by content, not by name: an .xlsx workbook, a OneRoster .zip, or a CSV."""
    if len(data) > limit:
        raise RosterRejected([_too_big(name, len(data), limit)])
    if data.startswith(OLE2_MAGIC):
        _refuse(name, _l("this is an old Excel workbook (.xls), which cannot be read: open it "
                         "in Excel or WPS and save it as .xlsx or as CSV UTF-8"))
    if data.startswith(OTHER_FORMATS):
        _refuse(name, _l("this is not a spreadsheet or a CSV file: save the roster as .xlsx or "
                         "as CSV UTF-8"))
    if data[:4] == b"PK\x03\x04":
        archive = _open_zip(name, data)
        with archive:
            if "xl/workbook.xml" in archive.namelist():
                return RosterSource(name, "xlsx", {name: data})
            return RosterSource(name, "oneroster", _unzip(name, archive, limit))
    return RosterSource(name, "simple", {name: data})


def _open_zip(name: str, data: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        _refuse(name, _l("not a readable .zip file"))


def _check_member_names(name: str, names: list[str]) -> None:
    """A OneRoster file named in another case (Users.csv) is named, not silently skipped."""
    wanted = {file.lower(): file for file in ONEROSTER_FILES}
    problems = [Problem(f"{name}/{member}", 0, "-", _l(
        "OneRoster file names are case-sensitive: rename %(found)s to %(wanted)s",
        found=member, wanted=wanted[member.lower()]))
        for member in names if member.lower() in wanted and member not in ONEROSTER_FILES]
    if problems:
        raise RosterRejected(problems)


def _unzip(name: str, archive: zipfile.ZipFile, limit: int) -> dict[str, bytes]:
    """The set's CSV members. Sizes are checked before inflating and again while inflating
    (a member may state a false size); a name twice and a set too big in total are refused."""
    members = [info for info in archive.infolist() if not info.is_dir()]
    bases = [info.filename.rsplit("/", 1)[-1] for info in members]
    _check_member_names(name, bases)
    wanted = [(base, info) for base, info in zip(bases, members, strict=True)
              if base in ONEROSTER_FILES]
    seen: set[str] = set()
    for base, _info in wanted:
        if base in seen:
            _refuse(f"{name}/{base}", _l(
                "the .zip holds %(file)s more than once: a OneRoster set has each file once",
                file=base))
        seen.add(base)
    total_limit = limit * TOTAL_BYTES_FACTOR
    declared = sum(info.file_size for _base, info in wanted)
    for base, info in wanted:
        if info.file_size > limit:  # checked before inflating: no zip bombs
            raise RosterRejected([_too_big(f"{name}/{base}", info.file_size, limit)])
    if declared > total_limit:
        _refuse(name, _l("the files of the set add up to %(size).1f MB; the limit is "
                         "%(limit)s MB in all", size=declared / 1024 / 1024,
                         limit=f"{total_limit / 1024 / 1024:g}"))
    files, total = {}, 0
    for base, info in wanted:
        try:
            with archive.open(info) as member:
                files[base] = member.read(limit + 1)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                RuntimeError) as error:
            _refuse(f"{name}/{base}", _l(
                "this member of the .zip is damaged or states a false size (%(error)s): "
                "export the set again", error=str(error)))
        total += len(files[base])
        if len(files[base]) > limit or len(files[base]) != info.file_size:
            _refuse(f"{name}/{base}", _l(
                "this member of the .zip states a false size: export the set again"))
        if total > total_limit:
            _refuse(name, _l("the files of the set add up to more than %(limit)s MB",
                             limit=f"{total_limit / 1024 / 1024:g}"))
    return files


def decode(name: str, data: bytes, *, allow_gb18030: bool = False) -> str:
    """UTF-8 with or without BOM; for simple CSVs also GB18030 (Excel's CSV on Chinese Windows).

    A NUL byte is refused here: PostgreSQL cannot store one, so it must never pass a check."""
    if b"\x00" in data:
        at = data.index(b"\x00")
        _refuse(name, _l("the file holds a NUL byte (a zero byte) on line %(line)d: it is not "
                         "plain text; save it again as CSV UTF-8 or as .xlsx",
                         line=data[:at].count(b"\n") + 1), line=data[:at].count(b"\n") + 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if allow_gb18030:
            try:
                return data.decode("gb18030")
            except UnicodeDecodeError:
                pass
        line = data[:error.start].count(b"\n") + 1
        raise RosterRejected([Problem(name, line, "-", _l(
            "the file is not UTF-8 text (byte 0x%(byte)02X); save it as \"CSV UTF-8\"",
            byte=data[error.start]))]) from None
    return text


@dataclass
class Row:
    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


def csv_lines(name: str, text: str, *, one_line_rows: bool = False, delimiter: str = ","
              ) -> list[tuple[int, list[str]]]:
    """Every row with the line it starts on, parsed strictly: a stray quote is an error.

    With one_line_rows (the simple roster), a row over several lines is refused too: a quote
    opened in one row and closed in a later one merges the rows between into one row that
    looks valid (a student named after two lines, linked to another family's parent)."""
    if not text.strip():
        _refuse(name, _l("the file is empty"), line=1)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True, delimiter=delimiter)
    result, problems, line = [], [], 1
    try:
        for cells in reader:
            result.append((line, cells))
            if one_line_rows and reader.line_num > line:
                problems.append(Problem(name, line, "-", _l(
                    "a cell in the row on line %(first)d runs on to line %(last)d, so these "
                    "lines are read as one row: a double quote (\") is not closed where it "
                    "should be, or a cell holds a line break; remove the stray quote or the "
                    "line break, then save again", first=line, last=reader.line_num)))
            line = reader.line_num + 1
    except csv.Error as error:
        _refuse(name, _l("a double quote (\") is not closed or is misplaced in the row that "
                         "starts on this line (%(error)s): remove it or put the whole cell in "
                         "quotes, then save again", error=str(error)), line=line)
    if problems:
        raise RosterRejected(problems)
    return result


def tab_separated(text: str) -> bool:
    """True for rows copied out of a spreadsheet into a text file: tabs between the cells of
    the first line, and no comma."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return "\t" in first and "," not in first


def table_rows(name: str, lines: list[tuple[int, list[str]]], required: tuple[str, ...],
               normalize=lambda header: header, *, title_rows: int = 0,
               describe=lambda column: column) -> tuple[list[str], list[Row]]:
    """Rows as {column: value} under the header, which may follow up to `title_rows` title
    rows; every row must have as many cells as the header (blank cells past its end aside)."""
    header_at = None
    for index, (_line, cells) in enumerate(lines[:title_rows + 1]):
        header = [normalize(cell.strip().lstrip("\ufeff")) for cell in cells]
        if all(column in header for column in required):
            header_at = index
            break
    if header_at is None:
        line, cells = lines[0]
        header = [normalize(cell.strip().lstrip("\ufeff")) for cell in cells]
        missing = [str(describe(column)) for column in required if column not in header]
        _refuse(name, _l("missing column(s): %(columns)s", columns=", ".join(missing)),
                line=line, column="header")
    while header and not header[-1]:
        header.pop()
    _refuse_repeated_columns(name, lines[header_at][0], header, describe)
    rows, problems = [], []
    for line, cells in lines[header_at + 1:]:
        if not any(cell.strip() for cell in cells) or _header_again(cells, header, normalize):
            continue
        if len(cells) > len(header) and not any(cell.strip() for cell in cells[len(header):]):
            cells = cells[:len(header)]
        if len(cells) != len(header):
            problems.append(Problem(name, line, "-", _l(
                "this row has %(cells)d cells but the header has %(header)d: a comma too many "
                "or too few, or a stray quote", cells=len(cells), header=len(header))))
            continue
        rows.append(Row(line, dict(zip(header, cells, strict=True))))
    if problems:
        raise RosterRejected(problems)
    return header, rows


def _header_again(cells: list[str], header: list[str], normalize) -> bool:
    """A row that only names the columns again: the second row of a header merged over two
    rows (each cell read as the merged cell shows it), or a header a system repeats on
    every printed page. It is never a student."""
    named = [(normalize(cell.strip()), column)
             for cell, column in zip(cells, header, strict=False) if cell.strip()]
    return bool(named) and all(cell == column for cell, column in named)


def column_letter(index: int) -> str:
    """A 0-based column index as a spreadsheet names it: A, B, …, Z, AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _refuse_repeated_columns(name: str, line: int, header: list[str], describe) -> None:
    """A column named twice (姓名 over the student's and again over the guardian's name) would
    read one cell for both: the rows would import with the wrong name, so the file is refused."""
    first: dict[str, int] = {}
    problems = []
    for index, column in enumerate(header):
        if column in first:
            problems.append(Problem(name, line, "header", _l(
                "two columns are read as %(column)s (columns %(first)s and %(second)s): give "
                "each its own name, e.g. 姓名 for the student's name and 家长姓名 for the "
                "guardian's", column=describe(column), first=column_letter(first[column]),
                second=column_letter(index))))
        elif column:
            first[column] = index
    if problems:
        raise RosterRejected(problems)


def read_csv(name: str, text: str, required: tuple[str, ...],
             normalize=lambda header: header) -> tuple[list[str], list[Row]]:
    """Rows as {header: value}, each with its first line number; missing columns are an error."""
    return table_rows(name, csv_lines(name, text), required, normalize)
