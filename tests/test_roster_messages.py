"""Messages a school office understands: what the files have, named in the office's words,
and no audit entry or progress bar for an import that writes nothing."""

import html
import io
import re
import shutil

import pytest

from rollcall.extensions import db
from rollcall.models import AuditLog
from tests.roster_helpers import HEADER, ONEROSTER, SIMPLE_CLEAN, simple_csv, snapshot


def run_import(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), "--school", "阳光中学", *args])


def copy_set(tmp_path, name="set"):
    folder = tmp_path / name
    shutil.copytree(ONEROSTER / "clean", folder)
    return folder


def test_a_set_with_header_rows_only_says_its_files_have_no_rows(app, runner, tmp_path):
    folder = copy_set(tmp_path)
    for name in ("users.csv", "classes.csv", "enrollments.csv"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8-sig").splitlines()[0] + "\n")
    with app.app_context():
        before = snapshot()
    result = run_import(runner, folder)
    assert result.exit_code == 1
    assert "users.csv:0: -: users.csv, classes.csv, enrollments.csv: the file(s) have a " \
        "header row but no rows" in result.output
    assert "none of the" not in result.output
    with app.app_context():
        assert snapshot() == before


def test_classes_of_a_school_missing_from_orgs_are_named_as_such(app, runner, tmp_path):
    folder = copy_set(tmp_path)
    with open(folder / "orgs.csv", "a") as orgs:
        orgs.write("org-2,,,明月中学,school,MY,\n")
    classes = folder / "classes.csv"
    classes.write_text(classes.read_text().replace(",org-1,", ",org-9,"))
    result = run_import(runner, folder)
    assert result.exit_code == 1
    assert "classes.csv:0: schoolSourcedId: 3 class(es) belong to a school that orgs.csv " \
        "does not list (org-9)" in result.output
    assert "is a homeroom" not in result.output


def test_no_progress_bar_on_a_dry_run_or_a_refused_import(runner, tmp_path):
    dry = run_import(runner, ONEROSTER / "clean", "--dry-run")
    assert dry.exit_code == 0 and "importing students" not in dry.output
    refused = run_import(runner, ONEROSTER / "scheduled_only")
    assert refused.exit_code == 1 and "importing students" not in refused.output


def test_a_reimport_that_changes_nothing_writes_no_audit_entry(app, runner):
    run_import(runner, ONEROSTER / "clean")
    run_import(runner, ONEROSTER / "clean")
    with app.app_context():
        assert len(db.session.scalars(db.select(AuditLog).where(
            AuditLog.action == "roster.import")).all()) == 1


def test_the_problem_table_names_the_header_row_in_the_readers_words(app, login_as, school):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    data = SIMPLE_CLEAN.read_bytes().replace(b"guardian_language", b"sms_phone", 1)

    page = admin.post("/admin/import", data={"file": (io.BytesIO(data), "r.csv")},
                      content_type="multipart/form-data").get_data(as_text=True)
    cells = re.findall(r'data-label="Column">([^<]*)<', page)
    assert "Header row" in cells and "header" not in cells


def test_the_same_warning_on_many_rows_is_one_line_with_its_rows(runner, tmp_path):
    rows = "".join(f"九年级1班,9,90{seat:02d},学生{seat},{seat},,,,\n" for seat in range(1, 6))
    result = run_import(runner, simple_csv(tmp_path, rows), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output.count("no guardian") == 1
    assert "warning: roster.csv: guardian_name: no guardian: nobody will get texts about this " \
        "student (5 rows: 2, 3, 4, 5, 6)" in result.output


def test_a_refused_row_is_not_also_warned(runner, tmp_path):
    result = run_import(runner, simple_csv(tmp_path, "九年级1班,9,9001,张三,1,李四,母亲,,fr\n"))
    assert result.exit_code == 1
    assert "unknown language" in result.output
    assert "no phone" not in result.output


def test_the_check_page_folds_the_rows_of_a_repeated_warning(login_as, school):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    rows = "".join(f"九年级1班,9,90{seat:02d},学生{seat},{seat},,,,\n" for seat in range(1, 6))
    page = admin.post("/admin/import", data={
        "file": (io.BytesIO((HEADER + rows).encode()), "r.csv"), "partial": "y"},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "<details><summary>5 rows</summary>2, 3, 4, 5, 6</details>" in page
    assert page.count("no guardian: nobody will get texts") == 1


@pytest.mark.parametrize(("folder", "field", "flag"), [
    ("scheduled_only", "the first period (“Choose the roll-call groups”)", "--homerooms"),
    ("several_schools", "“OneRoster: the school to import, when the set holds several”",
     "--set-school"),
])
def test_the_web_check_names_its_own_fields_not_the_command_lines(login_as, school, tmp_path,
                                                                   folder, field, flag):
    admin = login_as("admin")
    admin.post("/language", data={"locale": "en"})
    archive = shutil.make_archive(str(tmp_path / folder), "zip", root_dir=ONEROSTER / folder)
    with open(archive, "rb") as handle:
        page = admin.post("/admin/import", data={"file": (handle, "set.zip")},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert html.unescape(field) in html.unescape(page)
    assert flag not in page
