"""Per-school settings: declared once, read with their defaults, written only when valid; the
keys without an admin screen are set by `school-setting` and named in the README."""

import json
from datetime import time
from pathlib import Path

import pytest

from rollcall import school_settings
from rollcall.extensions import db
from rollcall.models import AuditLog, School

README = Path(__file__).resolve().parent.parent / "README.md"


def test_each_setting_has_a_screen_or_is_named_in_the_readme(app):
    readme = README.read_text(encoding="utf-8")
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for key, setting in school_settings.SETTINGS.items():
        if setting.screen is not None:
            assert setting.screen in endpoints, key
        else:
            assert f"| `{key}` |" in readme, key


@pytest.mark.parametrize(("key", "stored", "expected"), [
    ("correction_cutoff", "13:30", time(13, 30)),
    ("correction_cutoff", "half past one", time(12, 0)),
    ("alerts", {"late_per_month": 7, "dangerous_findings": 0},
     {"absent_days_in_row": 3, "late_per_month": 7, "dangerous_findings": 2}),
    ("custody", {"flag_days": "soon"}, {"flag_days": 30}),
    ("screening", {"weekday": 2, "time": "09:00"}, (2, time(9, 0))),
    ("screening", {"weekday": 9, "time": "09:00"}, (4, time(17, 0))),
    ("term_start", "not a date", None),
])
def test_a_stored_value_is_read_typed_and_a_bad_one_as_the_default(app, school, key, stored,
                                                                    expected):
    with app.app_context():
        own = db.session.get(School, school.school_id)
        own.settings = {key: stored}
        assert school_settings.read(own, key) == expected
        db.session.rollback()


@pytest.mark.parametrize(("key", "value"), [
    ("correction_cutoff", "25:00"), ("alerts", {"late_per_month": -1}),
    ("alerts", {"latest": 3}), ("custody", {"flag_days": True}), ("term_start", 20260901),
    ("screening", {"weekday": 1}),
])
def test_a_bad_value_is_refused_and_nothing_changes(app, school, key, value):
    with app.app_context():
        own = db.session.get(School, school.school_id)
        before = dict(own.settings or {})
        with pytest.raises(ValueError):
            school_settings.write(own, key, value)
        assert (own.settings or {}) == before
        db.session.rollback()


def test_the_command_sets_a_setting_with_an_audit_and_refuses_a_bad_one(app, runner, school):
    result = runner.invoke(args=["school-setting", "alerts", '{"late_per_month": 8}',
                                 "--school", "测试中学"])
    assert result.exit_code == 0, result.output
    refused = runner.invoke(args=["school-setting", "correction_cutoff", "noon",
                                  "--school", "测试中学"])
    assert refused.exit_code == 1 and "correction_cutoff" in refused.output
    shown = runner.invoke(args=["school-setting", "alerts", "--school", "测试中学"])
    assert json.dumps({"late_per_month": 8}) in shown.output
    with app.app_context():
        own = db.session.get(School, school.school_id)
        assert school_settings.read(own, "alerts")["late_per_month"] == 8
        assert "correction_cutoff" not in (own.settings or {})
        [entry] = db.session.scalars(db.select(AuditLog).where(
            AuditLog.action == "school.setting")).all()
        assert entry.after == {"late_per_month": 8}
        db.session.remove()
