"""Roll-call groups from any OneRoster set on the command line: by title pattern or by course,
and messages that say what the set's classes.csv actually has."""

import shutil

import pytest

from rollcall.extensions import db
from rollcall.models import Homeroom, Student
from tests.roster_helpers import ONEROSTER, snapshot


def run_import(runner, path, *args):
    return runner.invoke(args=["import-roster", str(path), "--school", "阳光中学", *args])


@pytest.mark.parametrize("choice", ["title=*语文", "title=九年级?班 语文", "course=crs-1",
                                    "course=CRS-1"])
def test_the_roll_call_groups_are_chosen_by_title_or_course(app, runner, choice):
    result = run_import(runner, ONEROSTER / "scheduled_only", "--homerooms", choice)
    assert result.exit_code == 0, result.output
    with app.app_context():
        homerooms = db.session.scalars(db.select(Homeroom).order_by(Homeroom.name)).all()
        # Every teacher the class names, the co-teacher (primary=false) too.
        assert [(h.name, sorted(t.username for t in h.teachers)) for h in homerooms] == [
            ("九年级1班 语文", ["t.wu", "t.zhou"]), ("九年级2班 语文", ["t.wu"])]
        assert {s.student_number: s.homeroom.name
                for s in db.session.scalars(db.select(Student))} == {
            "2027001": "九年级1班 语文", "2027002": "九年级1班 语文", "2027003": "九年级2班 语文"}


@pytest.mark.parametrize(("choice", "message"), [
    ("title=HR*", "classes.csv:0: title: no class title matches HR*; the classes are titled: "
                  "九年级1班 数学, 九年级1班 语文, 九年级2班 数学, 九年级2班 语文"),
    ("course=crs-9", "classes.csv:0: courseSourcedId: no class belongs to the course crs-9; "
                     "the classes' courses are: crs-1, crs-2"),
])
def test_a_choice_nothing_matches_says_what_the_set_has(app, runner, choice, message):
    with app.app_context():
        before = snapshot()
    result = run_import(runner, ONEROSTER / "scheduled_only", "--homerooms", choice)
    assert result.exit_code == 1
    assert message in result.output
    with app.app_context():
        assert snapshot() == before


def test_a_period_in_a_set_without_periods_says_there_are_none(runner, tmp_path):
    folder = tmp_path / "no_periods"
    shutil.copytree(ONEROSTER / "scheduled_only", folder)
    lines = (folder / "classes.csv").read_text().splitlines()
    rows = [line.rsplit(",", 1)[0] + "," if not line.endswith('"2,3"')
            else line.removesuffix('"2,3"') for line in lines[1:]]
    (folder / "classes.csv").write_text("\n".join([lines[0], *rows]) + "\n")
    result = run_import(runner, folder, "--homerooms", "period=1")
    assert result.exit_code == 1
    assert "classes.csv gives no periods, so no class can be chosen by period; its classes " \
        "are titled: 九年级1班 数学, 九年级1班 语文" in result.output
    assert "choose another period" not in result.output
