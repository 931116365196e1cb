"""The searchable log of every recorded entry, one page at a time or as a streamed CSV."""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func
from sqlalchemy.orm import aliased

from rollcall.checks.models import (
    DANGEROUS_CATEGORIES,
    AttendanceStatus,
    BagStatus,
    Check,
    CheckEntry,
    CheckKind,
    DismissalStatus,
)
from rollcall.checks.validation import ENUM_DETAILS
from rollcall.custody import services as custody
from rollcall.custody.models import CustodyState
from rollcall.exports import BOM, spreadsheet_row
from rollcall.extensions import db
from rollcall.models import Homeroom, Student, User, seat_order
from rollcall.vocabulary import KINDS, STATUSES, name

PER_PAGE = 50
# Counting a year of entries takes longer than showing a page: count this far, then say "more".
COUNT_CAP = 10_000
CSV_BATCH = 1000
# What the office looks at first: the rows that are not a routine "present / nothing found / left".
EXCEPTION_STATUSES = (AttendanceStatus.ABSENT, AttendanceStatus.LATE, AttendanceStatus.EXCUSED,
                      AttendanceStatus.LEFT_AFTER_BAG,
                      BagStatus.FOUND, DismissalStatus.ON_CAMPUS, DismissalStatus.NOT_FOUND)


@dataclass
class LogFilter:
    date_from: date | None = None
    date_to: date | None = None
    homeroom_id: int | None = None
    student: str = ""  # part of a name, or the start of a student number
    kind: str = ""
    status: str = ""
    category: str = ""
    dangerous: bool = False  # only the findings of a dangerous category
    everything: bool = False  # False: the exceptions alone, unless a status is chosen

    @property
    def exceptions_only(self) -> bool:
        """The log opens on the exceptions; a chosen status is shown whatever it is."""
        return not self.everything and not self.status


# The board's figures, each as the log's filters that list exactly the rows it counts.
FIGURE_FILTERS = {
    **{str(status): {"kind": str(CheckKind.ATTENDANCE), "status": str(status)}
       for status in AttendanceStatus},
    "found": {"kind": str(CheckKind.BAG), "status": str(BagStatus.FOUND)},
    "found_dangerous": {"kind": str(CheckKind.BAG), "status": str(BagStatus.FOUND),
                        "dangerous": "y"},
    "on_campus": {"kind": str(CheckKind.DISMISSAL), "status": str(DismissalStatus.ON_CAMPUS)},
}


def figure_filters(figure: str, day: date) -> dict:
    """The log's query arguments for the rows behind one of the board's figures on day."""
    return {"date_from": day.isoformat(), "date_to": day.isoformat(), **FIGURE_FILTERS[figure]}


@dataclass
class LogPage:
    rows: list
    total: int  # capped: COUNT_CAP + 1 means "more than COUNT_CAP"
    page: int
    pages: int | None  # None when there are more entries than COUNT_CAP
    has_next: bool

    @property
    def capped(self) -> bool:
        return self.pages is None


Teacher = aliased(User)


def log_select(school_id: int, filters: LogFilter, homeroom_ids=None, columns=None):
    """The filtered entries of a school, newest day first, by class, check and seat."""
    columns = columns or (CheckEntry, Check, Student, Homeroom, Teacher.display_name)
    # Students, classes and teachers are outer-joined (every entry has them): SQLite never
    # reorders an outer join, so with ANALYZE statistics it cannot choose to walk all
    # students first and sort a year of rows for one page.
    query = (
        db.select(*columns)
        .select_from(CheckEntry)
        .join(Check, CheckEntry.check_id == Check.id)
        .outerjoin(Student, CheckEntry.student_id == Student.id)
        .outerjoin(Homeroom, Check.homeroom_id == Homeroom.id)
        .outerjoin(Teacher, Check.submitted_by_id == Teacher.id)
        .where(Check.school_id == school_id)
    )
    query = _apply(query, filters)
    if homeroom_ids is not None:
        query = query.where(Check.homeroom_id.in_(homeroom_ids))
    return query.order_by(Check.school_date.desc(), Homeroom.name, Check.kind, *seat_order(),
                          CheckEntry.id)


def _apply(query, filters: LogFilter):
    """Add a condition for each filter that is set."""
    wanted = (
        (filters.date_from, lambda v: Check.school_date >= v),
        (filters.date_to, lambda v: Check.school_date <= v),
        (filters.homeroom_id, lambda v: Check.homeroom_id == v),
        (filters.kind, lambda v: Check.kind == v),
        (filters.status, lambda v: CheckEntry.status == v),
        (filters.category, lambda v: CheckEntry.category == v),
    )
    for value, condition in wanted:
        if value:
            query = query.where(condition(value))
    if filters.exceptions_only:
        query = query.where(CheckEntry.status.in_([str(s) for s in EXCEPTION_STATUSES]))
    if filters.dangerous:
        query = query.where(CheckEntry.category.in_([str(c) for c in DANGEROUS_CATEGORIES]))
    if filters.student:
        query = query.where(CheckEntry.student_id.in_(
            db.select(Student.id).where(
                Student.name.contains(filters.student, autoescape=True)
                | Student.student_number.startswith(filters.student, autoescape=True))))
    return query


def log_page(school_id: int, filters: LogFilter, page: int = 1, per_page: int = PER_PAGE,
             homeroom_ids=None) -> LogPage:
    """One page of the filtered log, with the number of matching entries (up to COUNT_CAP)."""
    query = log_select(school_id, filters, homeroom_ids)
    counted = query.order_by(None).with_only_columns(CheckEntry.id).limit(COUNT_CAP + 1)
    total = db.session.scalar(db.select(func.count()).select_from(counted.subquery()))
    pages = None if total > COUNT_CAP else max((total + per_page - 1) // per_page, 1)
    page = max(page, 1) if pages is None else min(max(page, 1), pages)
    rows = db.session.execute(query.limit(per_page + 1).offset((page - 1) * per_page)).all()
    return LogPage(rows=rows[:per_page], total=total, page=page, pages=pages,
                   has_next=len(rows) > per_page)


CSV_COLUMNS = (
    _l("Date"),
    _l("Class"),
    _l("Student number"),
    _l("Student"),
    _l("Check"),
    _l("Status"),
    _l("Arrived at"),
    _l("Category"),
    _l("Item"),
    _l("Where it is now / what was done"),
    _l("Reason"),
    _l("Location"),
    _l("Recorded at"),
    _l("Received at"),
    _l("Teacher"),
)

CSV_SOURCE = (Check.school_date, Homeroom.name, Student.student_number, Student.name, Check.kind,
              CheckEntry.status, CheckEntry.arrived_at, CheckEntry.category,
              CheckEntry.description, CheckEntry.action, CheckEntry.reason, CheckEntry.location,
              CheckEntry.status_since, Check.updated_at, Check.received_at,
              Teacher.display_name, custody.state_now(CheckEntry.check_id, CheckEntry.student_id))


def csv_chunks(school_id: int, filters: LogFilter, headers: list[str], to_local) -> Iterator[str]:
    """The filtered log as CSV text in chunks: a BOM, the header, then rows in batches.

    to_local turns a stored UTC datetime into the text shown in the Recorded at, Received at and
    Arrived at columns (the school's wall clock).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    yield BOM + buffer.getvalue()
    # Plain column tuples, fetched in batches: no ORM objects pile up over a year of rows.
    query = log_select(school_id, filters, columns=CSV_SOURCE).execution_options(
        yield_per=CSV_BATCH)
    # Translate each label once, not once per row (the vocabulary's words, by kind and field).
    words = {("kind", None): {code.value: str(text) for code, text in KINDS.items()}}
    for kind, table in STATUSES.items():
        words[("status", kind.value)] = {code.value: str(text) for code, text in table.items()}
    words[("custody", None)] = {member.value: name(member) for member in CustodyState}
    for (kind, field), enum_class in ENUM_DETAILS.items():
        words[(field, kind.value)] = {member.value: name(member) for member in enum_class}
    for batch in db.session.execute(query).partitions():
        buffer.seek(0)
        buffer.truncate()
        for row in batch:
            writer.writerow(spreadsheet_row(_csv_values(row, words, to_local)))
        yield buffer.getvalue()


def _word(words: dict, key: tuple, code) -> str:
    """The vocabulary's words for a code (typed text and unknown codes as stored)."""
    if code is None:
        return ""
    return words.get(key, {}).get(code, str(code))


def _where_now(words: dict, kind, custody_state, action) -> str:
    """The custody trail's current state of a taken item, else what the check did with it."""
    if custody_state:
        return _word(words, ("custody", None), custody_state)
    return _word(words, ("action", kind), action)


def _csv_values(row, words: dict, to_local) -> tuple:
    (day, homeroom, number, name, kind, status, arrived, category, description, action, reason,
     location, since, saved, received, teacher, custody_state) = row
    # The caller defuses every cell alike (spreadsheet_row): typed text sits beside words.
    return (day.isoformat(), homeroom, number, name,
            _word(words, ("kind", None), kind), _word(words, ("status", kind), status),
            to_local(arrived) if arrived else "",
            _word(words, ("category", kind), category), description,
            _where_now(words, kind, custody_state, action),
            _word(words, ("reason", kind), reason),
            location, to_local(since), _received(since, saved, received, to_local), teacher)


def _received(since, saved, received, to_local) -> str:
    """When the save that recorded this entry reached the server, where that was a minute or
    more after the tap (sent again once the phone was back online); known only for the entries
    of the check's last save."""
    if received is None or since != saved or received - since < timedelta(minutes=1):
        return ""
    return to_local(received)
