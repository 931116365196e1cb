"""Reading the first (or a named) sheet of an .xlsx workbook as rows of text cells.

Cells become the text a person sees: whole numbers without ".0" or scientific notation, and
the leading zeros a format such as 000000 shows are kept."""

import io
import re
import warnings
import zipfile
from datetime import date, datetime, time
from decimal import Decimal

from flask_babel import lazy_gettext as _l

from rollcall.roster.problems import Problem, RosterRejected

ZERO_PADDED = re.compile(r"^0+$")


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
    if isinstance(value, int | float):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number == number.to_integral_value():
            text = str(int(number))
            if number_format and ZERO_PADDED.match(number_format) and not text.startswith("-"):
                text = text.zfill(len(number_format))
            return text
        return format(number.normalize(), "f")
    return str(value)


def sheet_lines(name: str, data: bytes, sheet: str | None) -> list[tuple[int, list[str]]]:
    """(row number, cells as text) for each row of the sheet, read in read-only mode."""
    from openpyxl import load_workbook  # only an .xlsx import pays for the import

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
        lines = []
        for row in worksheet.iter_rows():
            cells = [cell_text(cell.value, cell.number_format if isinstance(
                cell.value, int | float) else None) for cell in row]
            number = next((cell.row for cell in row if getattr(cell, "row", None)),
                          len(lines) + 1)
            lines.append((number, cells))
    finally:
        workbook.close()
    if not any(any(cell.strip() for cell in cells) for _line, cells in lines):
        raise RosterRejected([Problem(name, 1, "-", _l("the file is empty"))])
    return lines
