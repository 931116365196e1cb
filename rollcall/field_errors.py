"""What the services share to turn a form's raw values into checked ones, field by field.

A service collects every problem in `errors` (field -> message) and raises once, so the page
shows them all at the same time and nothing is written.
"""

from flask_babel import lazy_gettext as _l

NOTE_LIMIT = 2000  # a note, a description: what a teacher writes in a text area


class FieldsInvalid(ValueError):
    """What was asked cannot be recorded; nothing was written. errors: field -> message."""

    def __init__(self, errors: dict):
        super().__init__(", ".join(errors))
        self.errors = errors


def enum_member(enum_class, code, errors: dict, field: str, message):
    """The member of enum_class that code names; else None, with message as field's error."""
    try:
        return enum_class(code)
    except ValueError:
        errors[field] = message
        return None


def clean_text(value, errors: dict, field: str, required=None, limit: int = NOTE_LIMIT):
    """Typed text without surrounding blanks, None when empty; required (a message) makes
    empty an error, and so is text longer than limit."""
    value = (value or "").strip()
    if not value and required:
        errors[field] = required
    elif len(value) > limit:
        errors[field] = _l("At most %(count)d characters.", count=limit)
    return value or None


def show_errors(form, error) -> None:
    """Put each message of a service's refusal (error.errors) on the form's field of that name."""
    for field, message in error.errors.items():
        form[field].errors = [message]
