"""What every row of a check page shows alike, in words resolved once per page.

A 45-row page asked for the same translated labels 45 times (lazy strings resolved row by
row were half of the attendance page's render time); the rows now read them from here.
"""

from dataclasses import dataclass

from flask_babel import gettext as _
from markupsafe import Markup

from rollcall import vocabulary
from rollcall.checks.models import COMMON_DETAIL, CheckKind
from rollcall.checks.validation import ENUM_DETAILS


@dataclass(frozen=True)
class RowWords:
    """One check kind's status buttons, detail labels and detail choices, as plain text."""

    statuses: list[tuple[str, str]]  # (code, words), in the order of the buttons
    labels: dict[str, str]  # detail field -> its label
    common: dict[str, str | None]  # listed detail field -> the choice a new one starts on
    # listed detail field -> chosen code ("" for none) -> its <option>s, that one selected:
    # the same few lists on every row, escaped once per page instead of once per row.
    options: dict[str, dict[str, Markup]]


def row_words(kind: CheckKind) -> RowWords:
    """The words of kind's rows in the current language."""
    kind = CheckKind(kind)
    listed = [field for (of, field) in ENUM_DETAILS if of == kind]
    return RowWords(
        statuses=[(str(status), vocabulary.name(status))
                  for status in vocabulary.ROW_STATUSES[kind]],
        labels=_labels(kind),
        common={field: None if COMMON_DETAIL.get((kind, field)) is None
                else COMMON_DETAIL[(kind, field)].value for field in listed},
        options={field: _options(vocabulary.choices(ENUM_DETAILS[(kind, field)]))
                 for field in listed})


def _options(choices) -> dict[str, Markup]:
    words = [(code, str(name)) for code, name in choices]

    def listed(chosen):
        return Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                code, Markup(" selected") if code == chosen else "", name)
            for code, name in words)

    return {code: listed(code) for code, _name in words} | {"": listed(None)}


def _labels(kind: CheckKind) -> dict[str, str]:
    if kind == CheckKind.ATTENDANCE:
        return {"arrived_at": _("Arrived at"), "reason": _("Reason")}
    if kind == CheckKind.BAG:
        return {"category": _("What"), "description": _("Description"),
                "action": _("Action taken")}
    return {"location": _("Where"), "reason": _("Why"), "action": _("What was done")}
