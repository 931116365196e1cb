"""The office's own codes: what the board says about an absent student's family (the text and
the call), and the threshold alerts it asks for."""

import enum


class ParentTextState(enum.StrEnum):
    """The parent text of an absence as the office reads it (the outbox's states, and why not)."""

    UNKNOWN = "unknown"
    DUE = "due"
    QUEUED = "queued"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"  # failed or undelivered: call this parent
    NOT_SENT = "not_sent"  # no SMS provider configured
    NOT_TEXTED = "not_texted"  # not today's absence, or the school's text settings are broken
    OPTED_OUT = "opted_out"
    TEXTS_OFF = "texts_off"
    WINDOW_CLOSED = "window_closed"
    NO_PHONE = "no_phone"
    NO_MOBILE = "no_mobile"  # only landlines or numbers that cannot take texts: call
    NONE = "none"  # not needed (excused, cancelled)


class CallState(enum.StrEnum):
    """Whether the teacher logged a contact with the family."""

    UNKNOWN = "unknown"
    YES = "yes"
    NO = "no"
    FAMILY_REPORTED = "family_reported"  # excused: the family asked for leave


class AlertKind(enum.StrEnum):
    """A threshold alert (rollcall.office.alerts); its words take the alert's count."""

    ABSENT_IN_ROW = "absent_in_row"
    LATE_IN_MONTH = "late_in_month"
    DANGEROUS_FINDINGS = "dangerous_findings"
