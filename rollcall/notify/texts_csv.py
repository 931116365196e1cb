"""The office's texts of a day as a CSV file: each text as the texts page shows it, with the
same words for its status, what it waits for and its error (notify.text_words)."""

import csv
import io
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from rollcall.exports import BOM, spreadsheet_row
from rollcall.notify.models import TextKind
from rollcall.notify.text_words import text_words
from rollcall.vocabulary import named

COLUMNS = (_l("Queued at"), _l("Kind"), _l("To"), _l("Students"), _l("Status"),
           _l("Waiting for"), _l("Error"), _l("Replies"))


def texts_csv(rows, to_local) -> Iterator[str]:
    """rows: the day's TextRows (rollcall.notify.services.texts_for_day); to_local: a stored
    instant as the school's wall clock. A BOM first, so spreadsheets read it as UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(column) for column in COLUMNS])
    for row in rows:
        text, words = row.text, text_words(row.text)
        writer.writerow(spreadsheet_row((
            to_local(text.created_at), named(TextKind, text.kind), text.to_e164,
            ", ".join(student.name for student in row.students), words.status,
            words.waiting_for, words.error,
            " / ".join(reply.body for reply in row.replies))))
    yield BOM + buffer.getvalue()
