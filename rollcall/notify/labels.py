"""What staff read for each text status, kind and provider error (Twilio's and Aliyun's)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from rollcall.notify.aliyun import RETRY, WRONG_NUMBER, error_kind
from rollcall.notify.carrier import replies_possible
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


def text_error(text) -> str:
    """The sentence the office reads for a text's error, whichever provider reported it."""
    code = text.provider_error
    if not code or text.provider != "aliyun" and not code.startswith("rollcall."):
        return error_reason(text.error_code, text.error_message)
    if code == "rollcall.NO_TEMPLATE_CODE":
        return _("The office must act: no template code is set for this kind of text. "
                 "Set one in the text settings.")
    if text.status == "undelivered":
        return _("The carrier could not deliver the text (%(code)s).", code=code)
    if code == "isv.AMOUNT_NOT_ENOUGH":
        return _("The office must act: the SMS account has no balance left (%(code)s). "
                 "Top it up.", code=code)
    if code == "isv.SMS_TEMPLATE_ILLEGAL":
        return _("The office must act: the template code is not approved for this account "
                 "(%(code)s). Check the text settings.", code=code)
    kind = error_kind(code)
    if kind == RETRY:
        return _("The SMS provider limited the sending rate (%(code)s): Rollcall tries again "
                 "later.", code=code)
    if kind == WRONG_NUMBER:
        return _("Wrong number: the SMS provider says this number cannot get texts "
                 "(%(code)s).", code=code)
    return _("The office must act: the SMS account, signature or template needs attention "
             "(%(code)s).", code=code)


def no_replies(text) -> bool:
    """A parent's text whose replies can never come back (a +86 number or Aliyun)."""
    return text.kind != "teacher_reminder" and not replies_possible(text.to_e164,
                                                                    text.provider)


def status_label(text) -> str:
    """What staff read for a text's status (a cancelled text says why)."""
    if text.status == "cancelled" and text.error_message in CANCEL_REASONS:
        return str(CANCEL_REASONS[text.error_message])
    return str(STATUS_LABELS.get(text.status, text.status))
