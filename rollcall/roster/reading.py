"""Reading roster input safely: size limits, zip members, text encodings, CSV rows."""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l

from rollcall.roster.problems import Problem, RosterRejected

DEFAULT_MAX_FILE_BYTES = 20 * 1024 * 1024
ONEROSTER_FILES = ("manifest.csv", "orgs.csv", "users.csv", "classes.csv", "enrollments.csv",
                   "academicSessions.csv", "roles.csv")


@dataclass
class RosterSource:
    """The files of one import, read into memory: {file name: bytes}."""

    name: str
    kind: str  # "simple" or "oneroster"
    files: dict[str, bytes] = field(default_factory=dict)


def _too_big(name: str, size: int, limit: int) -> Problem:
    return Problem(name, 0, "-", _l(
        "the file is %(size).1f MB; the limit is %(limit)s MB per file",
        size=size / 1024 / 1024, limit=f"{limit / 1024 / 1024:g}"))


def load_path(path: Path, limit: int = DEFAULT_MAX_FILE_BYTES) -> RosterSource:
    """A OneRoster folder or .zip, or a simple .csv; sizes are checked before reading."""
    if path.is_dir():
        files = {}
        for name in ONEROSTER_FILES:
            member = path / name
            if member.is_file():
                files[name] = _read_limited(member, limit)
        return RosterSource(path.name, "oneroster", files)
    if not path.is_file():
        raise RosterRejected([Problem(str(path), 0, "-", _l("no such file or folder"))])
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
    """An uploaded or read file: a .zip is a OneRoster set, anything else a simple CSV."""
    if len(data) > limit:
        raise RosterRejected([_too_big(name, len(data), limit)])
    if name.lower().endswith(".zip") or data[:4] == b"PK\x03\x04":
        return RosterSource(name, "oneroster", _unzip(name, data, limit))
    return RosterSource(name, "simple", {name: data})


def _unzip(name: str, data: bytes, limit: int) -> dict[str, bytes]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise RosterRejected([Problem(name, 0, "-", _l("not a readable .zip file"))]) from None
    files = {}
    with archive:
        for info in archive.infolist():
            base = info.filename.rsplit("/", 1)[-1]
            if base not in ONEROSTER_FILES or info.is_dir():
                continue
            if info.file_size > limit:  # checked before inflating: no zip bombs
                raise RosterRejected([_too_big(f"{name}/{base}", info.file_size, limit)])
            with archive.open(info) as member:
                files[base] = member.read(limit + 1)
            if len(files[base]) > limit:
                raise RosterRejected([_too_big(f"{name}/{base}", len(files[base]), limit)])
    return files


def decode(name: str, data: bytes, *, allow_gb18030: bool = False) -> str:
    """UTF-8 with or without BOM; for simple CSVs also GB18030 (Excel's CSV on Chinese Windows)."""
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


def read_csv(name: str, text: str, required: tuple[str, ...],
             normalize=lambda header: header) -> tuple[list[str], list[Row]]:
    """Rows as {header: value}, each with its first line number; missing columns are an error."""
    if not text.strip():
        raise RosterRejected([Problem(name, 1, "-", _l("the file is empty"))])
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [normalize(cell.strip().lstrip("\ufeff")) for cell in next(reader)]
        missing = [column for column in required if column not in header]
        if missing:
            raise RosterRejected([Problem(name, 1, "header", _l(
                "missing column(s): %(columns)s", columns=", ".join(missing)))])
        rows, line = [], reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append(Row(line, dict(zip(header, cells, strict=False))))
            line = reader.line_num + 1
    except csv.Error as error:
        raise RosterRejected([Problem(name, reader.line_num, "-", _l(
            "not a readable CSV file (%(error)s)", error=str(error)))]) from None
    return header, rows
