"""The school's people and structure: schools, homerooms, students, guardians, users, audit."""

import enum
import secrets
from datetime import date, datetime, time, timedelta

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, func, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

from rollcall import clock
from rollcall.extensions import db
from rollcall.phones import takes_texts

utcnow = clock.now


class Role(enum.StrEnum):
    TEACHER = "teacher"
    OFFICE = "office"
    ADMIN = "admin"


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    locale: Mapped[str] = mapped_column(String(16), default="zh_Hans")
    phone_region: Mapped[str] = mapped_column(String(2), default="CN")
    phone: Mapped[str | None] = mapped_column(String(32))
    bag_check_cutoff: Mapped[time] = mapped_column(default=time(7, 50))
    attendance_cutoff: Mapped[time] = mapped_column(default=time(8, 10))
    dismissal_cutoff: Mapped[time] = mapped_column(default=time(17, 30))
    # Per-school overrides of config defaults (None means "follow the config").
    alert_delay_minutes: Mapped[int | None]
    sms_window: Mapped[str | None] = mapped_column(String(11))
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    homerooms: Mapped[list["Homeroom"]] = relationship(back_populates="school")

    def __repr__(self) -> str:
        return f"<School {self.id}>"


class CalendarDay(db.Model):
    """A day the school's calendar differs from Monday-to-Friday: a holiday on a weekday
    (国庆节), or a weekend day that is a school day (调休 make-up day)."""

    __tablename__ = "calendar_days"
    __table_args__ = (UniqueConstraint("school_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    day: Mapped[date]
    school_day: Mapped[bool]
    name: Mapped[str] = mapped_column(String(64))

    def __repr__(self) -> str:
        return f"<CalendarDay {self.day}>"


homeroom_teachers = db.Table(
    "homeroom_teachers",
    db.Column("homeroom_id", ForeignKey("homerooms.id", ondelete="CASCADE"), primary_key=True),
    db.Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Homeroom(db.Model):
    __tablename__ = "homerooms"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    grade: Mapped[int | None]
    graduating: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    sourced_id: Mapped[str | None] = mapped_column(String(255), index=True)

    school: Mapped[School] = relationship(back_populates="homerooms")
    students: Mapped[list["Student"]] = relationship(
        back_populates="homeroom", order_by=lambda: seat_order()
    )
    teachers: Mapped[list["User"]] = relationship(
        secondary=homeroom_teachers, back_populates="homerooms"
    )

    def __repr__(self) -> str:
        return f"<Homeroom {self.id}>"


class Student(db.Model):
    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("school_id", "student_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    homeroom_id: Mapped[int | None] = mapped_column(ForeignKey("homerooms.id"), index=True)
    student_number: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(64))
    seat: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    sourced_id: Mapped[str | None] = mapped_column(String(255), index=True)

    school: Mapped[School] = relationship()
    homeroom: Mapped[Homeroom | None] = relationship(back_populates="students")
    guardian_links: Mapped[list["StudentGuardian"]] = relationship(
        back_populates="student", order_by="StudentGuardian.contact_order",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Student {self.id}>"


def seat_order() -> tuple:
    """The one order of a class's students, in SQL: by seat, students without a seat last,
    then by student number. Said in full because the databases differ where it is not:
    SQLite puts a missing seat first, PostgreSQL last."""
    return (Student.seat.asc().nulls_last(), Student.student_number, Student.id)


def seat_key(student: Student) -> tuple:
    """seat_order for students already loaded (sorted(..., key=seat_key))."""
    return (student.seat is None, student.seat or 0, student.student_number, student.id)


def guardian_shown_name(name: str | None):
    """A guardian's name as pages show it: that it is not known yet when a roster gave only
    the family's number."""
    return name or _l("name not known yet")


class Guardian(db.Model):
    __tablename__ = "guardians"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(64))
    relationship_label: Mapped[str | None] = mapped_column("relationship", String(32))
    phone_e164: Mapped[str | None] = mapped_column(String(20), index=True)
    phone_raw: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16), default="zh_Hans")
    # The office's switch: custody or consent may mean this guardian gets no absence texts.
    absence_texts: Mapped[bool] = mapped_column(default=True)
    sms_consent: Mapped[bool] = mapped_column(default=True)
    opted_out_at: Mapped[datetime | None]
    sourced_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # The phone (E.164, "" for none) the last roster import gave. A different phone_e164 was
    # corrected in Rollcall since, and a re-import of the same stale file keeps the correction.
    roster_phone: Mapped[str | None] = mapped_column(String(20))

    school: Mapped[School] = relationship()
    student_links: Mapped[list["StudentGuardian"]] = relationship(back_populates="guardian")

    @property
    def shown_name(self):
        """The name, or that it is not known yet (a roster gave only the family's number)."""
        return guardian_shown_name(self.name)

    @property
    def can_receive_texts(self) -> bool:
        return bool(
            self.absence_texts and self.sms_consent and self.opted_out_at is None
            and takes_texts(self.phone_e164)
        )

    def __repr__(self) -> str:
        return f"<Guardian {self.id}>"


class StudentGuardian(db.Model):
    __tablename__ = "student_guardians"

    student_id: Mapped[int] = mapped_column(
        ForeignKey("students.id", ondelete="CASCADE"), primary_key=True
    )
    guardian_id: Mapped[int] = mapped_column(
        ForeignKey("guardians.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    contact_order: Mapped[int] = mapped_column(default=1)

    student: Mapped[Student] = relationship(back_populates="guardian_links")
    guardian: Mapped[Guardian] = relationship(back_populates="student_links")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    # One account per name whatever its case: sign-in and tokens look names up case-blind.
    __table_args__ = (Index("uq_users_username_lower", func.lower(text("username")),
                            unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str | None] = mapped_column(String(16))
    # Changes with the password and when the account is disabled, so every session, "stay
    # signed in" cookie and API token made before stops working for good (see
    # rollcall.auth.models.UserSession and rollcall.api.models.ApiToken).
    session_token: Mapped[str] = mapped_column(
        String(64), unique=True, default=lambda: secrets.token_urlsafe(32)
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School] = relationship()
    homerooms: Mapped[list[Homeroom]] = relationship(
        secondary=homeroom_teachers, back_populates="teachers", order_by=Homeroom.name
    )

    login_token = None  # the UserSession token (str) this request signed in with
    login_expires_at = None  # when that sign-in ends, if it is remembered

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the cookies: this sign-in's session token, never the id."""
        return self.login_token

    # One equality for users: the row. UserMixin's compares get_id(), the sign-in token, which
    # is None outside a request, so every user would equal every other (a roster import once
    # linked one teacher of two and never replaced a class's teacher).
    def __eq__(self, other) -> bool:
        if not isinstance(other, User):
            return NotImplemented
        if self.id is None or other.id is None:  # not written yet: only itself
            return self is other
        return self.id == other.id

    def __ne__(self, other) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        # Equal users hash alike. A user not written yet hashes by identity until its flush
        # gives it an id: keep such users in lists, not sets, across a flush.
        return hash((User, self.id)) if self.id is not None else object.__hash__(self)

    @property
    def is_active(self) -> bool:
        return self.active

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=_hash_method())
        self.end_every_sign_in()

    def end_every_sign_in(self) -> None:
        """Every session, "stay signed in" cookie and API token made so far stops working,
        and nothing brings them back."""
        self.session_token = secrets.token_urlsafe(32)

    @validates("active")
    def _disabled_ends_sign_ins(self, key, active):
        """Disabling an account ends its sign-ins for good: ticking "Active" again later
        does not revive them."""
        if not active and self.active:
            self.end_every_sign_in()
        return active

    def check_password(self, password: str) -> bool:
        """Whether password is right; an account without one costs the same hash check."""
        if not self.password_hash.startswith(("scrypt:", "pbkdf2:")):
            check_password_hash(_dummy_hash(), password)
            return False
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


UNUSABLE_HASH = "!"  # an account without a password (a "!" prefix never matches anything)
_DUMMY_HASHES: dict[str, str] = {}


def _dummy_hash() -> str:
    """A hash of no one's password, made with the method real hashes use (so equally slow)."""
    method = _hash_method()
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_hex(16), method=method)
    return _DUMMY_HASHES[method]


def _hash_method() -> str:
    """Werkzeug's scrypt; the test suite may choose cheaper parameters to run fast."""
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    return "scrypt"


class AuditRule(enum.StrEnum):
    """A rule that changes a record by itself when a person saves another one: the author of
    that change (the audit row names the rule; its actor is the person whose save set it off)."""

    ABSENT_AT_ATTENDANCE = "absent_at_attendance"  # the bag check follows attendance


class AuditLog(db.Model):
    """Append-only record of every change: who, when, from where, before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # A change made by a rule (an AuditRule), not by the actor: the actor's save set it off.
    rule: Mapped[str | None] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    ip: Mapped[str | None] = mapped_column(String(45))
    # When the change happened (a check saved from a phone: the time of the tap, when
    # plausible), and when the server received it, where it was sent later (offline).
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    received_at: Mapped[datetime | None]

    actor: Mapped[User | None] = relationship()

    @property
    def received_late(self) -> bool:
        """Received a minute or more after it happened: pages show both times."""
        return received_late(self.created_at, self.received_at)


def received_late(happened: datetime, received: datetime | None) -> bool:
    """A change reached the server a minute or more after it happened on a phone (sent again
    once the phone was back online): where it is shown, both times are."""
    return received is not None and received - happened >= timedelta(minutes=1)


class LoginThrottle(db.Model):
    """Guess counters (rollcall.auth.throttle), one row per account and address pair, per
    account, and per account's change-password form; forgotten rows are pruned."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)  # guesses counted (before checking)
    last_failure_at: Mapped[datetime | None] = mapped_column(index=True)  # the last guess
    locked_until: Mapped[datetime | None]
