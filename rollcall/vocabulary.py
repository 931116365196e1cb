"""The one place each stored code gets its words, in both languages, keyed by its enum.

Every page, the office's CSV, the audit trail, the texts pages and the OpenAPI descriptions
read their words here. `tests/test_vocabulary.py` fails on an enum member without a label.
"""

import enum
from datetime import date, timedelta

from babel.dates import format_skeleton, get_day_names
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from rollcall.cases.models import CaseEventKind, CaseOutcome, CaseTrigger
from rollcall.checks.models import (
    DANGEROUS_CATEGORIES,
    AttendanceStatus,
    BagStatus,
    CheckKind,
    DismissalReason,
    DismissalStatus,
    FindingAction,
    FindingCategory,
)
from rollcall.checks.validation import ENUM_DETAILS
from rollcall.custody.models import CustodyState
from rollcall.family.models import ContactMethod, ContactOutcome, ContactReason
from rollcall.models import AuditRule, Role
from rollcall.notify.models import TextKind, TextStatus, TextWait
from rollcall.notify.outcomes import ALIYUN, RETRY, TEXTS_STOPPED, WRONG_NUMBER, error_kind
from rollcall.office.states import AlertKind, CallState, ParentTextState
from rollcall.screening.models import ConflictSeverity, ConflictState
from rollcall.watch.models import WatchReason

KINDS = {
    CheckKind.BAG: _l("Bag check"),
    CheckKind.ATTENDANCE: _l("Attendance"),
    CheckKind.DISMISSAL: _l("Dismissal sweep"),
}
ATTENDANCE_STATUSES = {
    AttendanceStatus.PRESENT: _l("Present"),
    AttendanceStatus.LATE: _l("Late"),
    AttendanceStatus.ABSENT: _l("Absent"),
    AttendanceStatus.EXCUSED: _l("Excused"),
    # At most 16 characters in both languages: a button of the phone's attendance row.
    AttendanceStatus.LEFT_AFTER_BAG: _l("Came, then left"),
}
BAG_STATUSES = {
    BagStatus.CLEAR: _l("Nothing found"),
    BagStatus.FOUND: _l("Item found"),
    BagStatus.NOT_CHECKED: _l("Not checked (absent)"),
}
DISMISSAL_STATUSES = {
    DismissalStatus.LEFT: _l("Left campus"),
    DismissalStatus.ON_CAMPUS: _l("Still on campus"),
    DismissalStatus.NOT_FOUND: _l("Not found: missing"),
}
CATEGORIES = {
    FindingCategory.KNIFE: _l("Controlled knife or blade"),
    FindingCategory.WEAPON: _l("Other weapon"),
    FindingCategory.FIRE: _l("Lighter or fire source"),
    FindingCategory.TOBACCO: _l("Cigarettes or e-cigarette"),
    FindingCategory.ALCOHOL: _l("Alcohol"),
    FindingCategory.DANGEROUS: _l("Other dangerous item"),
    FindingCategory.PROHIBITED: _l("Other prohibited item"),
}
FINDING_ACTIONS = {
    FindingAction.KEPT_BY_TEACHER: _l("Confiscated, kept by the teacher"),
    FindingAction.HANDED_TO_OFFICE: _l("Handed to the office"),
    FindingAction.RETURNED_TO_PARENT: _l("Returned to a parent"),
    FindingAction.OTHER: _l("Other"),
}
DISMISSAL_REASONS = {
    DismissalReason.ACTIVITY: _l("Authorized activity"),
    DismissalReason.WAITING_FOR_PARENT: _l("Waiting for a parent"),
    DismissalReason.KEPT_BY_TEACHER: _l("Kept by a teacher"),
    DismissalReason.LINGERING: _l("No reason (lingering)"),
}
CONTACT_METHODS = {
    ContactMethod.PHONE: _l("Phone call"),
    ContactMethod.TEXT: _l("Text message"),
    ContactMethod.MESSAGING_APP: _l("Messaging app"),
    ContactMethod.IN_PERSON: _l("In person"),
    ContactMethod.HOME_VISIT: _l("Home visit"),
    ContactMethod.PARENT_MEETING: _l("Parent meeting"),
    ContactMethod.OTHER: _l("Other"),
}
CONTACT_OUTCOMES = {
    ContactOutcome.REASON_GIVEN: _l("Reached: family explained the absence"),
    ContactOutcome.ON_THE_WAY: _l("Reached: student is on the way"),
    ContactOutcome.UNAWARE: _l("Reached: family did not know"),
    ContactOutcome.NO_ANSWER: _l("No answer"),
    ContactOutcome.OTHER: _l("Other"),
}
TEXT_KINDS = {
    TextKind.ABSENCE: _l("Absence"),
    TextKind.LEFT_AFTER_BAG: _l("Came, then left (left after morning reading)"),
    TextKind.FOLLOW_UP: _l("Arrived after all"),
    TextKind.TEACHER_REMINDER: _l("Reminder to teacher"),
    TextKind.MISSING_STUDENT: _l("Missing student (to the office)"),
    TextKind.SCREENING_REMINDER: _l("Reminder to teacher: conflict screening"),
    TextKind.TEST_TEXT: _l("Test text to an on-duty phone"),
}
TEXT_STATUSES = {
    TextStatus.QUEUED: _l("Waiting to send"),
    TextStatus.SENDING: _l("Sending"),
    TextStatus.SUBMITTED: _l("Handed to the carrier"),
    TextStatus.SENT: _l("Sent"),
    TextStatus.DELIVERED: _l("Delivered"),
    TextStatus.UNDELIVERED: _l("Not delivered"),
    TextStatus.FAILED: _l("Failed"),
    TextStatus.NOT_SENT: _l("Not sent: no SMS provider configured"),
    TextStatus.CANCELLED: _l("Cancelled: not needed any more"),
}
TEXT_WAITS = {
    TextWait.SCHEDULER: _l("Waiting for the next send pass"),
    TextWait.SCHEDULER_STOPPED: _l("Waiting for the scheduler, which is not running: call instead"),
    TextWait.WINDOW: _l("Waiting for the sending window to open"),
    TextWait.PROVIDER: _l("Waiting for the SMS provider"),
    TextWait.FAILED: _l("Failed: it will not be sent"),
}
PARENT_TEXT_STATES = {
    ParentTextState.UNKNOWN: _l("Not known yet"),
    ParentTextState.DUE: _l("Due"),
    ParentTextState.QUEUED: _l("Waiting to send"),
    ParentTextState.SENT: _l("Sent"),
    ParentTextState.DELIVERED: _l("Delivered"),
    ParentTextState.FAILED: _l("Failed: call this parent"),
    ParentTextState.NOT_SENT: _l("Not sent: no SMS provider configured"),
    ParentTextState.NOT_TEXTED: _l("No text was sent"),
    ParentTextState.OPTED_OUT: _l("Opted out"),
    ParentTextState.TEXTS_OFF: _l("Texts switched off"),
    ParentTextState.WINDOW_CLOSED: _l("No text: the sending window has closed"),
    ParentTextState.NO_PHONE: _l("No phone"),
    ParentTextState.NO_MOBILE: _l("No mobile number: call the family"),
    ParentTextState.NONE: _l("Not needed"),
}
# A threshold alert: its words take the alert's count (alert_words).
ALERT_KINDS = {
    AlertKind.ABSENT_IN_ROW: _l("absent %(count)s school days in a row"),
    AlertKind.LATE_IN_MONTH: _l("late %(count)s times this month"),
    AlertKind.DANGEROUS_FINDINGS: _l("%(count)s dangerous-item findings this term"),
}
# A text cancelled for a reason other than "not needed": the stored reason → what staff read.
TEXT_CANCEL_REASONS = {
    TEXTS_STOPPED: _l(
        "Cancelled: the parent can no longer receive texts (replied STOP, texts switched off "
        "or no consent)"),
}
# Twilio's error codes the office meets, as sentences.
TWILIO_ERRORS = {
    21211: _l("The phone number is not valid."),
    21614: _l("The number is not a mobile phone."),
    21408: _l("Texts to this region are not enabled."),
    21610: _l("The parent has unsubscribed (replied STOP)."),
    20429: _l("Twilio kept refusing: too many messages."),
}
# A provider's refusal (Aliyun's codes, Rollcall's own) as what the office must do about it.
PROVIDER_ERRORS = {
    "rollcall.NO_TEMPLATE_CODE": lambda code: _l(
        "The office must act: no template code is set for this kind of text. "
        "Set one in the text settings."),
    "isv.AMOUNT_NOT_ENOUGH": lambda code: _l(
        "The office must act: the SMS account has no balance left (%(code)s). Top it up.",
        code=code),
    "isv.SMS_TEMPLATE_ILLEGAL": lambda code: _l(
        "The office must act: the template code is not approved for this account "
        "(%(code)s). Check the text settings.", code=code),
}
PROVIDER_ERROR_KINDS = {
    RETRY: lambda code: _l(
        "The SMS provider limited the sending rate (%(code)s): Rollcall tries again later.",
        code=code),
    WRONG_NUMBER: lambda code: _l(
        "Wrong number: the SMS provider says this number cannot get texts (%(code)s).",
        code=code),
    None: lambda code: _l(
        "The office must act: the SMS account, signature or template needs attention "
        "(%(code)s).", code=code),
}
CALL_STATES = {
    CallState.UNKNOWN: _l("Not known yet"),
    CallState.YES: _l("Yes"),
    CallState.NO: _l("No"),
    CallState.FAMILY_REPORTED: _l("No need: the family reported it"),
}
CASE_TRIGGERS = {
    CaseTrigger.FAMILY_UNAWARE: _l("the family was reached and did not know"),
    CaseTrigger.NOT_FOUND: _l("not found at the dismissal sweep"),
    CaseTrigger.UNREACHED: _l("absent, and no family reached by the set time"),
    CaseTrigger.LEFT_AFTER_BAG: _l(
        "left after morning reading, and the family did not know or could not be reached"),
}
CASE_OUTCOMES = {
    CaseOutcome.FOUND_AT_SCHOOL: _l("Found at school"),
    CaseOutcome.FOUND_AT_HOME: _l("Found at home"),
    CaseOutcome.WITH_FAMILY: _l("With the family"),
    CaseOutcome.POLICE: _l("Handed to the police"),
    CaseOutcome.OTHER: _l("Other"),
}
CASE_EVENTS = {
    CaseEventKind.OPENED: _l("Case opened"),
    CaseEventKind.RAISED_AGAIN: _l("Raised again"),
    CaseEventKind.NOTE: _l("Note"),
    CaseEventKind.SWEEP_CHANGED: _l("The dismissal sweep changed"),
    CaseEventKind.CLOSED: _l("Case closed"),
}
WATCH_REASONS = {
    WatchReason.OUTSIDE_CONTACTS: _l("Contact with people outside school"),
    WatchReason.TRUANCY: _l("Truancy"),
    WatchReason.GROUP_FORMING: _l("A group forming"),
    WatchReason.REPEATED_FINDINGS: _l("Repeated findings"),
    WatchReason.FAMILY_SITUATION: _l("Family situation"),
    WatchReason.OTHER: _l("Other"),
}
CONFLICT_SEVERITIES = {
    ConflictSeverity.MINOR: _l("Minor"),
    ConflictSeverity.NEEDS_MEDIATION: _l("Needs mediation"),
    ConflictSeverity.RISK_OF_VIOLENCE: _l("Risk of violence"),
}
CONFLICT_STATES = {
    ConflictState.OPEN: _l("Open"),
    ConflictState.MEDIATING: _l("Mediating"),
    ConflictState.RESOLVED: _l("Resolved"),
    ConflictState.ESCALATED: _l("Escalated to the office"),
}
CUSTODY_STATES = {
    CustodyState.WITH_TEACHER: _l("Kept by the teacher"),
    CustodyState.WITH_OFFICE: _l("Handed to the office"),
    CustodyState.RETURNED: _l("Returned to a guardian"),
    CustodyState.DISPOSED: _l("Disposed of"),
}
CONTACT_REASONS = {
    ContactReason.ABSENCE: _l("Absence"),
    ContactReason.LATENESS: _l("Lateness"),
    ContactReason.BAG_FINDING: _l("Bag finding"),
    ContactReason.CONDUCT: _l("Conduct"),
    ContactReason.CONFLICT: _l("Conflict"),
    ContactReason.PARENT_MEETING: _l("Parent meeting"),
    ContactReason.HOME_VISIT: _l("Home visit"),
    ContactReason.OTHER: _l("Other"),
}
AUDIT_RULES = {
    AuditRule.ABSENT_AT_ATTENDANCE: _l("marked absent by attendance"),
}
ROLES = {
    Role.TEACHER: _l("Teacher"),
    Role.OFFICE: _l("Office"),
    Role.ADMIN: _l("Administrator"),
}
# The languages a school, a page or a parent's texts can be in, each in its own words.
LANGUAGES = {"zh_Hans": "简体中文", "en": "English"}

# Every enum with words, by enum class: what `name` looks a member up in.
TABLES: dict[type[enum.Enum], dict] = {
    CheckKind: KINDS,
    AttendanceStatus: ATTENDANCE_STATUSES,
    BagStatus: BAG_STATUSES,
    DismissalStatus: DISMISSAL_STATUSES,
    FindingCategory: CATEGORIES,
    FindingAction: FINDING_ACTIONS,
    DismissalReason: DISMISSAL_REASONS,
    ContactMethod: CONTACT_METHODS,
    ContactOutcome: CONTACT_OUTCOMES,
    TextKind: TEXT_KINDS,
    TextStatus: TEXT_STATUSES,
    TextWait: TEXT_WAITS,
    ParentTextState: PARENT_TEXT_STATES,
    CallState: CALL_STATES,
    AlertKind: ALERT_KINDS,
    CaseTrigger: CASE_TRIGGERS,
    CaseOutcome: CASE_OUTCOMES,
    CaseEventKind: CASE_EVENTS,
    WatchReason: WATCH_REASONS,
    ConflictSeverity: CONFLICT_SEVERITIES,
    ConflictState: CONFLICT_STATES,
    CustodyState: CUSTODY_STATES,
    ContactReason: CONTACT_REASONS,
    AuditRule: AUDIT_RULES,
    Role: ROLES,
}
# The statuses of each check kind, in the order of the status buttons (first is the default).
STATUSES = {
    CheckKind.BAG: BAG_STATUSES,
    CheckKind.ATTENDANCE: ATTENDANCE_STATUSES,
    CheckKind.DISMISSAL: DISMISSAL_STATUSES,
}
ROW_STATUSES = {kind: tuple(table) for kind, table in STATUSES.items()}
STATUS_ENUMS = (AttendanceStatus, BagStatus, DismissalStatus)


def name(member) -> str:
    """The words for an enum member, in the current language."""
    return str(TABLES[type(member)][member])


def named(enum_class, code) -> str:
    """The words for a stored code of enum_class; an unknown code as stored, None as ''."""
    if code is None or code == "":
        return ""
    try:
        return name(enum_class(code))
    except ValueError:
        return str(code)


def status_name(code) -> str:
    """The words for a status of any check (the three kinds' statuses never share a code)."""
    for enum_class in STATUS_ENUMS:
        if code in {member.value for member in enum_class}:
            return name(enum_class(code))
    return named(AttendanceStatus, code)


def detail_name(kind, field: str, value) -> str:
    """A detail of a check entry as shown: a choice by its words, typed text as typed."""
    enum_class = ENUM_DETAILS.get((CheckKind(kind), field))
    if enum_class is not None:
        return named(enum_class, value)
    return "" if value is None else str(value)


def choices(enum_class) -> list[tuple[str, str]]:
    """(code, words) pairs for a select, in the enum's order; words stay lazy."""
    table = TABLES[enum_class]
    return [(member.value, table[member]) for member in enum_class]


def is_dangerous(category) -> bool:
    """True for a finding the office must see at once."""
    return category in DANGEROUS_CATEGORIES


def text_status(text) -> str:
    """What staff read for a text's status (a cancelled text says why)."""
    if text.status == TextStatus.CANCELLED and text.error_message in TEXT_CANCEL_REASONS:
        return str(TEXT_CANCEL_REASONS[text.error_message])
    return named(TextStatus, text.status)


def text_error(text) -> str:
    """The sentence the office reads for a text's error, whichever provider reported it."""
    code = text.provider_error
    if not code or text.provider != ALIYUN and not code.startswith("rollcall."):
        return _twilio_error(text.error_code, text.error_message)
    if code in PROVIDER_ERRORS:
        return str(PROVIDER_ERRORS[code](code))
    if text.status == TextStatus.UNDELIVERED:
        return str(_l("The carrier could not deliver the text (%(code)s).", code=code))
    sentence = PROVIDER_ERROR_KINDS.get(error_kind(code), PROVIDER_ERROR_KINDS[None])
    return str(sentence(code))


def _twilio_error(code, message) -> str:
    """A sentence for the office: the known reason, or Twilio's code."""
    if code in TWILIO_ERRORS:
        return str(TWILIO_ERRORS[code])
    if code:
        return str(_l("Twilio error %(code)s.", code=code))
    return message or ""


def alert_words(alert) -> str:
    """A threshold alert as the office reads it: 'absent 3 school days in a row'."""
    return name(AlertKind(alert.kind)) % {"count": alert.count}


def author(change) -> str:
    """Who made an audited change: the rule's words when a rule did, else the person's name
    (no person: the system)."""
    if change.rule:
        return named(AuditRule, change.rule)
    return change.actor.display_name if change.actor else str(_l("system"))


def where_now(custody_state, action) -> str:
    """Where a bag check's finding is now: the custody trail's state when the item was taken
    into custody, else what the bag check recorded was done with it ('' for nothing)."""
    if custody_state:
        return named(CustodyState, custody_state)
    return named(FindingAction, action)


def language_name(code) -> str:
    """A language code as its own name ('简体中文', 'English'); an unknown one as stored."""
    return LANGUAGES.get(code, "" if code is None else str(code))


def short_date(day: date) -> str:
    """'12月1日' / 'Dec 1': a day in the reader's language (Babel's skeleton)."""
    return format_skeleton("MMMd", day, locale=get_locale())


def month_title(day: date) -> str:
    """'2026年12月' / 'Dec 2026'."""
    return format_skeleton("yMMM", day, locale=get_locale())


def weekday_name(day_or_index) -> str:
    """'周一' / 'Mon' from Babel, for a date or a weekday number (Monday is 0)."""
    index = day_or_index.weekday() if isinstance(day_or_index, date) else day_or_index
    return get_day_names("abbreviated", locale=get_locale())[index]


def weekday_names() -> list[str]:
    """Monday to Sunday, abbreviated, in the reader's language."""
    return [weekday_name(index) for index in range(7)]


def week_title(monday: date, last: date | None = None) -> str:
    """'第49周（12月1日–12月5日）' / 'Week 49 (Dec 1 – Dec 5)': never '2026-W49 周'. The
    week runs to last (its last day shown), else to Friday."""
    return str(_l("Week %(number)s (%(first)s – %(last)s)", number=monday.isocalendar()[1],
                  first=short_date(monday),
                  last=short_date(last or monday + timedelta(days=4))))


def sample_case_trigger() -> str:
    """A case trigger's words, for the sample of the on-duty text in the text settings editor."""
    return name(CaseTrigger.FAMILY_UNAWARE)


# Templates name codes through these, never through copies of the tables
# (rollcall.templating registers them).
TEMPLATE_GLOBALS = dict(
    vocab_name=name, status_name=status_name, detail_name=detail_name,
    is_dangerous_category=is_dangerous, check_kinds=KINDS, row_statuses=ROW_STATUSES,
    text_status=text_status, text_error=text_error, short_date=short_date,
    month_title=month_title, weekday_name=weekday_name, weekday_names=weekday_names,
    week_title=week_title, audit_author=author, alert_words=alert_words)
# Each filter names a code of its enum: {{ entry.status|status_name }}, {{ kind|kind_name }}.
ENUM_FILTERS = (
    ("kind_name", CheckKind), ("category_name", FindingCategory),
    ("finding_action_name", FindingAction), ("dismissal_reason_name", DismissalReason),
    ("contact_method_name", ContactMethod), ("contact_outcome_name", ContactOutcome),
    ("text_kind_name", TextKind), ("text_status_name", TextStatus),
    ("text_wait_name", TextWait),
    ("parent_text_name", ParentTextState), ("call_name", CallState),
    ("case_trigger_name", CaseTrigger), ("case_outcome_name", CaseOutcome),
    ("case_event_name", CaseEventKind), ("watch_reason_name", WatchReason),
    ("conflict_severity_name", ConflictSeverity), ("conflict_state_name", ConflictState),
    ("custody_state_name", CustodyState), ("contact_reason_name", ContactReason),
    ("role_name", Role))
