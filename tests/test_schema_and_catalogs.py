"""The migrations describe exactly the models, and every string shown has a Chinese translation."""

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po

from rollcall.extensions import db

ROOT = Path(__file__).parent.parent
METHOD_MAP = [("rollcall/**.py", "python"), ("templates/**.html", "jinja2")]
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}


# SQLite cannot reflect expression indexes (the case-blind username index);
# PostgreSQL compares them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression")
def test_migrations_match_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, db.metadata) == []


def _translated(catalog, msgid) -> bool:
    message = catalog.get(msgid)
    if message is None or message.fuzzy:
        return False
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms)  # every plural form too


def test_every_message_has_a_chinese_translation():
    with (ROOT / "rollcall/translations/zh_Hans/LC_MESSAGES/messages.po").open("rb") as po:
        catalog = read_po(po)
    wanted = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), METHOD_MAP, keywords=KEYWORDS):
        wanted.add(message if isinstance(message, str) else message[0])
    untranslated = sorted(msgid for msgid in wanted if msgid and not _translated(catalog, msgid))
    assert untranslated == [], "run `make translations` and translate: " + repr(untranslated)
