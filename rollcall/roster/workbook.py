"""Reading the first (or a named) sheet of an .xlsx workbook as rows of text cells.

Cells become the text a person sees: whole numbers without ".0" or scientific notation, and
the leading zeros a format such as 000000 shows are kept."""

import io
import re
import time as timer
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from rollcall.roster.problems import Problem, RosterRejected

ZERO_PADDED = re.compile(r"^0+$")
# A DTD is how an XML file grows (entities within entities) or reaches outside (external
# entities); no spreadsheet program writes one into a workbook.
DOCTYPES = tuple("<!DOCTYPE".encode(encoding) for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
CHUNK = 64 * 1024
EXACT_BELOW = 1e15  # Excel keeps 15 significant digits of a number: 16 or more are not exact


@dataclass(frozen=True)
class WorkbookLimits:
    """How much of a workbook is read before it is refused: a district's roster of 100,000
    students is well within them, and gunicorn's worker timeout is not reached."""

    inflated_bytes: int = 100 * 1024 * 1024  # every member of the .xlsx, uncompressed
    rows: int = 200_000
    cells: int = 5_000_000
    seconds: float = 20.0


def _refuse(name: str, message):
    raise RosterRejected([Problem(name, 0, "-", message)])


def check_archive(name: str, data: bytes, limits: WorkbookLimits) -> None:
    """Before the spreadsheet reader sees it: the members inflate to at most the limit in all
    (counted while inflating: a member may state a false size), and no member holds a DTD."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        with archive:
            total = 0
            for info in archive.infolist():
                with archive.open(info) as member:
                    tail = b""
                    while chunk := member.read(CHUNK):
                        total += len(chunk)
                        if total > limits.inflated_bytes:
                            _refuse(name, _l(
                                "the workbook holds more than %(limit)s MB of data once "
                                "unpacked: save only the roster's sheet, as .xlsx or CSV UTF-8",
                                limit=f"{limits.inflated_bytes / 1024 / 1024:g}"))
                        window = tail + chunk
                        if any(doctype in window for doctype in DOCTYPES):
                            _refuse(name, _l(
                                "the workbook contains a document type declaration (DTD), "
                                "which spreadsheet programs never write: save it again as "
                                ".xlsx or CSV UTF-8"))
                        tail = window[-32:]
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
            ValueError) as error:
        _refuse(name, _l("the workbook cannot be read (%(error)s): save it again as .xlsx or "
                         "CSV UTF-8", error=str(error)))


def cell_text(value, number_format: str | None) -> str:
    """The text of one cell as the sheet shows it (dates as ISO dates)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, float) and abs(value) >= EXACT_BELOW:
        # Past 15 digits a spreadsheet keeps zeros, not the digits typed: shown as it is.
        return format(Decimal(repr(value)).normalize(), "E")
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number == number.to_integral_value():
            text = str(int(number))
            if number_format and ZERO_PADDED.match(number_format) and not text.startswith("-"):
                text = text.zfill(len(number_format))
            return text
        return format(number.normalize(), "f")
    return str(value)


def sheet_lines(name: str, data: bytes, sheet: str | None,
                limits: WorkbookLimits = WorkbookLimits()) -> list[tuple[int, list[str]]]:
    """(row number, cells as text) for each row of the sheet, read in read-only mode; refused
    past the limits (rows, cells, inflated size, time) with what to do instead."""
    from openpyxl import load_workbook  # only an .xlsx import pays for the import

    started = timer.monotonic()
    check_archive(name, data, limits)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it does not know
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise RosterRejected([Problem(name, 0, "-", _l(
            "the workbook cannot be read (%(error)s): save it again as .xlsx or CSV UTF-8",
            error=str(error)))]) from None
    try:
        if sheet is None:
            worksheet = workbook.worksheets[0]
        elif sheet in workbook.sheetnames:
            worksheet = workbook[sheet]
        else:
            raise RosterRejected([Problem(name, 0, "-", _l(
                "the workbook has no sheet named %(sheet)s; its sheets are: %(sheets)s",
                sheet=sheet, sheets=", ".join(workbook.sheetnames)))])
        lines, cells_read = [], 0
        for row in worksheet.iter_rows():
            cells = _row_text(row)
            number = next((cell.row for cell in row if getattr(cell, "row", None)),
                          len(lines) + 1)
            lines.append((number, cells))
            cells_read += len(cells)
            _within(name, limits, number, len(lines), cells_read, started)
        merged = merged_in_columns(data, getattr(worksheet, "_worksheet_path", None))
    finally:
        workbook.close()
    fill_merged(lines, merged)
    if not any(any(cell.strip() for cell in cells) for _line, cells in lines):
        raise RosterRejected([Problem(name, 1, "-", _l("the file is empty"))])
    return lines


def other_sheets(data: bytes) -> dict[str, list[list[str]]]:
    """The rows of every sheet but the first, by sheet name: whether another sheet holds
    more of the roster (a sheet per class) is read from them."""
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        return {worksheet.title: [_row_text(row) for row in worksheet.iter_rows()]
                for worksheet in workbook.worksheets[1:]}
    finally:
        workbook.close()


def _row_text(row) -> list[str]:
    """A sheet's row as the roster reads it: each cell as shown, a number in its format."""
    return [cell_text(cell.value, cell.number_format if isinstance(cell.value, int | float)
                      else None) for cell in row]


MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')


def merged_in_columns(data: bytes, sheet_path: str | None) -> list[tuple[int, int, int]]:
    """The sheet's merged cells that span rows of one column, as (column index, first row,
    last row): an office merges a class's 班级 cell over its students' rows."""
    if not sheet_path:
        return []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read(sheet_path.lstrip("/"))
    end = xml.rfind(b"</sheetData>")
    return [(_column_index(first), int(top), int(bottom))
            for first, top, last, bottom in MERGE.findall(xml[max(end, 0):])
            if first == last and int(bottom) > int(top)]


def _column_index(letters: bytes) -> int:
    index = 0
    for letter in letters:
        index = index * 26 + letter - ord("A") + 1
    return index - 1


def fill_merged(lines: list[tuple[int, list[str]]], merged) -> None:
    """Each row under a merged cell reads the merged cell's text, as a person sees it."""
    at = {number: cells for number, cells in lines}
    for column, top, bottom in merged:
        above = at.get(top)
        if above is None or column >= len(above):
            continue
        for number in range(top + 1, bottom + 1):
            cells = at.get(number)
            if cells is not None and column < len(cells) and not cells[column].strip():
                cells[column] = above[column]


def _within(name: str, limits: WorkbookLimits, row: int, rows: int, cells: int,
            started: float) -> None:
    """Refuse a sheet past the limits as soon as it is (row: the number of the last row read,
    rows: how many were read)."""
    if max(row, rows) > limits.rows:
        _refuse(name, _l("the sheet goes on past row %(limit)d: a roster has at most %(limit)d "
                         "rows; delete the empty rows below the roster, or save it as CSV "
                         "UTF-8", limit=limits.rows))
    if cells > limits.cells:
        _refuse(name, _l("the sheet has more than %(limit)d cells: delete the columns and "
                         "rows that are not the roster's", limit=limits.cells))
    if rows % 500 == 0 and timer.monotonic() - started > limits.seconds:
        _refuse(name, _l("the sheet took more than %(seconds)d seconds to read: save only the "
                         "roster, as CSV UTF-8", seconds=limits.seconds))
