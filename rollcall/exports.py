"""Spreadsheet exports: every cell goes through one function that defuses formulas."""

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
