"""Helpers for the roster tests: fixture paths and a snapshot of every table's rows."""

import shutil
from pathlib import Path

from rollcall.extensions import db

FIXTURES = Path(__file__).parent / "fixtures"
ONEROSTER = FIXTURES / "oneroster"
SIMPLE_CLEAN = FIXTURES / "simple" / "clean.csv"
HEADER = ("homeroom,grade,student_number,student_name,seat,guardian_name,"
          "guardian_relationship,guardian_phone,guardian_language\n")


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every table, sorted: equal snapshots mean nothing was written."""
    result = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(table.select()).all()
            result[table.name] = sorted(tuple(map(repr, row)) for row in rows)
    return result


def zipped(folder: Path, tmp_path: Path) -> Path:
    """The folder as a .zip whose files sit in a subfolder, as some exports do."""
    staging = tmp_path / "staging" / folder.name
    shutil.copytree(folder, staging)
    return Path(shutil.make_archive(str(tmp_path / folder.name), "zip",
                                    root_dir=staging.parent, base_dir=folder.name))


def simple_csv(tmp_path: Path, rows: str, name: str = "roster.csv",
               header: str = HEADER, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes((header + rows).encode(encoding))
    return path


def problem_rows(html: str, kind: str = "problems") -> list[list[str]]:
    """The web's problem table as [file, row, column, what is wrong] per row, unescaped."""
    import html as html_module
    import re

    tables = re.findall(rf'<table class="cards {kind}">(.*?)</table>', html, re.S)
    rows = []
    for table in tables:
        for row in re.findall(r"<tr><td[^>]*>(.*?)</td></tr>", table, re.S):
            rows.append([html_module.unescape(cell)
                         for cell in re.split(r"</td><td[^>]*>", row)])
    return rows
