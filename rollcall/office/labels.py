"""The words shown for stored codes (statuses, kinds, categories), in the user's language."""

from flask_babel import lazy_gettext as _l

KIND_LABELS = {
    "bag": _l("Bag check"),
    "attendance": _l("Attendance"),
    "dismissal": _l("Dismissal sweep"),
}
STATUS_LABELS = {
    "present": _l("Present"),
    "late": _l("Late"),
    "absent": _l("Absent"),
    "excused": _l("Excused"),
    "clear": _l("Clear"),
    "found": _l("Item found"),
    "not_checked": _l("Not checked"),
    "left": _l("Left"),
    "on_campus": _l("Still on campus"),
}
CATEGORY_LABELS = {
    "knife": _l("Knife or blade"),
    "weapon": _l("Weapon"),
    "fire": _l("Lighter or fire source"),
    "tobacco": _l("Cigarettes"),
    "alcohol": _l("Alcohol"),
    "dangerous": _l("Other dangerous item"),
    "prohibited": _l("Other prohibited item"),
}
ACTION_LABELS = {
    "kept_by_teacher": _l("Kept by the teacher"),
    "handed_to_office": _l("Handed to the office"),
    "returned_to_parent": _l("Returned to a parent"),
    "other": _l("Other"),
    "activity": _l("Authorized activity"),
    "waiting_for_parent": _l("Waiting for a parent"),
    "lingering": _l("No reason"),
}
CONTACT_LABELS = {
    "unknown": _l("Not known yet"),
    "not_sent": _l("Not sent: no SMS provider configured"),
    "not_texted": _l("No text was sent"),
    "due": _l("Due"),
    "queued": _l("Queued"),
    "sent": _l("Sent"),
    "delivered": _l("Delivered"),
    "failed": _l("Failed: call this parent"),
    "opted_out": _l("Opted out"),
    "texts_off": _l("Texts switched off"),
    "window_closed": _l("No text: the sending window has closed"),
    "no_phone": _l("No phone"),
    "none": _l("Not needed"),
    "yes": _l("Yes"),
    "no": _l("No"),
}


def label(mapping: dict, code: str | None) -> str:
    """The label for code, or the code itself when it is unknown (never an empty cell)."""
    if code is None:
        return ""
    return str(mapping.get(code, code))


def register(app) -> None:
    """Template filters: {{ entry.status|office_status }} and friends."""
    app.jinja_env.filters["office_kind"] = lambda code: label(KIND_LABELS, code)
    app.jinja_env.filters["office_status"] = lambda code: label(STATUS_LABELS, code)
    app.jinja_env.filters["office_category"] = lambda code: label(CATEGORY_LABELS, code)
    app.jinja_env.filters["office_action"] = lambda code: label(ACTION_LABELS, code)
    app.jinja_env.filters["office_contact"] = lambda code: label(CONTACT_LABELS, code)
