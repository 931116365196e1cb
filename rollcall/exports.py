"""Spreadsheet exports: every cell goes through one function that defuses formulas, every
time is written the same way, and every file is sent the same way."""

from collections.abc import Callable, Iterable
from datetime import datetime

from flask import Response, stream_with_context

# First in every CSV file, so that Excel and WPS read it as UTF-8.
BOM = "\ufeff"

# A cell starting with one of these is run as a formula by Excel, LibreOffice or WPS (the
# full-width signs too, which Chinese input methods type); a leading apostrophe makes it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def spreadsheet_cell(value) -> str:
    """The value as text a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_row(values) -> list[str]:
    """Every cell of one exported row, defused: no column is trusted to hold only labels."""
    return [spreadsheet_cell(value) for value in values]


def wall_clock(zone) -> Callable[[datetime], str]:
    """A stored instant as the school's wall clock to the minute ('2027-03-02 08:05'): how
    every export writes a time."""
    return lambda instant: instant.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def csv_download(chunks: Iterable[str], filename: str) -> Response:
    """A CSV file for a spreadsheet, sent chunk by chunk as the chunks are made."""
    return Response(stream_with_context(chunks), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
