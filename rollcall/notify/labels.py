"""What staff read for each text status, kind and Twilio error."""

from flask_babel import lazy_gettext as _l

from rollcall.notify.sender import TEXTS_STOPPED

STATUS_LABELS = {
    "queued": _l("Waiting to send"),
    "sending": _l("Sending"),
    "submitted": _l("Handed to the carrier"),
    "sent": _l("Sent"),
    "delivered": _l("Delivered"),
    "undelivered": _l("Not delivered"),
    "failed": _l("Failed"),
    "not_sent": _l("Not sent: no SMS provider configured"),
    "cancelled": _l("Cancelled: not needed any more"),
}
# A text cancelled for a reason other than "not needed": the stored reason → what staff read.
CANCEL_REASONS = {
    TEXTS_STOPPED: _l(
        "Cancelled: the parent can no longer receive texts (replied STOP, texts switched off "
        "or no consent)"),
}
KIND_LABELS = {
    "absence": _l("Absence"),
    "follow_up": _l("Arrived after all"),
    "teacher_reminder": _l("Reminder to teacher"),
}
ERROR_REASONS = {
    21211: _l("The phone number is not valid."),
    21614: _l("The number is not a mobile phone."),
    21408: _l("Texts to this region are not enabled."),
    21610: _l("The parent has unsubscribed (replied STOP)."),
    20429: _l("Twilio kept refusing: too many messages."),
}


def error_reason(code, message) -> str:
    """A sentence for the office: the known reason, or Twilio's code."""
    if code in ERROR_REASONS:
        return str(ERROR_REASONS[code])
    if code:
        return str(_l("Twilio error %(code)s.", code=code))
    return message or ""


def status_label(text) -> str:
    """What staff read for a text's status (a cancelled text says why)."""
    if text.status == "cancelled" and text.error_message in CANCEL_REASONS:
        return str(CANCEL_REASONS[text.error_message])
    return str(STATUS_LABELS.get(text.status, text.status))
