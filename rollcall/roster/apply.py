"""Bring the database in line with a checked roster: add, update in place, deactivate.

Everything the database holds for the school is loaded first. Existing rows are changed in
memory (without flushing); new students, guardians and links are collected as plain values
and written with bulk INSERTs at the end, which keeps a 5,000-student first import fast. A
dry run or a late conflict is undone by a rollback before anything reached the database.
"""

import secrets
from collections import Counter

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert
from sqlalchemy.orm import selectinload

from rollcall.extensions import db
from rollcall.models import Guardian, Homeroom, Role, School, Student, StudentGuardian, User
from rollcall.phones import mask
from rollcall.roster.data import Roster, StudentRecord
from rollcall.roster.fields import key as spelling
from rollcall.roster.fields import person


def changed(obj, **values) -> bool:
    """Set the attributes that differ; True if any did."""
    different = {key: value for key, value in values.items() if getattr(obj, key) != value}
    for key, value in different.items():
        setattr(obj, key, value)
    return bool(different)


class Pending:
    """A row to insert: its values, and its id once written."""

    def __init__(self, model, **values):
        self.model, self.values, self.id = model, values, None

    def __getattr__(self, name):
        try:
            return self.__dict__["values"][name]
        except KeyError:
            raise AttributeError(name) from None


class Index:
    """Rows by (model, attribute(s), value): lookups in a 5,000-student file stay cheap."""

    def __init__(self):
        self._maps: dict = {}

    def add(self, obj, *keys, **computed) -> None:
        """Index obj under its attributes `keys`, and under `computed` names and values."""
        model = obj.model if isinstance(obj, Pending) else type(obj)
        values = [(key, tuple(getattr(obj, k) for k in key) if isinstance(key, tuple)
                   else getattr(obj, key)) for key in keys]
        for key, value in [*values, *computed.items()]:
            if value is not None:
                self._maps.setdefault((model, key), {}).setdefault(value, obj)

    def get(self, model, key, value):
        if value is None:
            return None
        return self._maps.get((model, key), {}).get(value)


# A guardian without a sourcedId is the same person by name and phone: the phone in Rollcall,
# or the one the last import gave (the file may be older than a correction made here).
GUARDIAN_KEYS = ("sourced_id", ("name", "phone_e164"), ("name", "roster_phone"))


class Reconciler:
    """One import's comparison of the roster with the school's rows."""

    def __init__(self, school: School, roster: Roster):
        self.school, self.roster = school, roster
        self.counts: dict[str, Counter] = {kind: Counter() for kind in
                                           ("homerooms", "students", "guardians", "teachers")}
        self.students = list(db.session.scalars(
            db.select(Student).where(Student.school_id == school.id).order_by(Student.id)
            .options(selectinload(Student.guardian_links).selectinload(StudentGuardian.guardian))))
        # Usernames are one account whatever their case (sign-in ignores case too).
        names = [teacher.username.lower() for teacher in roster.teachers] + [
            username.lower() for username, _class in roster.teachers_leaving]
        self.users = {user.username.lower(): user for user in db.session.scalars(
            db.select(User).where(db.func.lower(User.username).in_(names)))} if names else {}
        self.homeroom_for: dict[str, Homeroom] = {}
        self.new_students: list[Pending] = []
        self.new_guardians: list[Pending] = []
        self.new_links: list[tuple] = []  # (student, guardian, contact order)
        self._touched: set[int] = set()
        self.active_before = sum(1 for student in self.students if student.active)
        self.deactivated: dict[str, list[str]] = {"students": [], "homerooms": []}
        self.teacher_changes: list[dict] = []  # per class: the teachers added and removed
        self.student_changes: list[dict] = []  # per student: homeroom and guardians, old → new
        self.by = Index()
        self.homerooms = list(db.session.scalars(db.select(Homeroom).where(
            Homeroom.school_id == school.id).order_by(Homeroom.id)
            .options(selectinload(Homeroom.teachers))))
        for homeroom in self.homerooms:
            self.by.add(homeroom, "sourced_id", "name", spelling=spelling(homeroom.name))
        for student in self.students:
            self._index_student(student)
        self.listed_numbers = {record.student_number for record in roster.students}
        # A STOP texted from a phone is the phone's: a guardian the file brings with it (a
        # name corrected, a new row) gets no texts either.
        self.stopped: dict[str, object] = {}
        for guardian in db.session.scalars(db.select(Guardian).where(
                Guardian.school_id == school.id)):
            self.by.add(guardian, *GUARDIAN_KEYS)
            if guardian.opted_out_at is not None and guardian.phone_e164:
                self.stopped.setdefault(guardian.phone_e164, guardian.opted_out_at)

    def run(self, progress=None) -> None:
        """Compare and change in memory; nothing is flushed here."""
        with db.session.no_autoflush:
            for record in self.roster.homerooms.values():
                self.homeroom_for[record.key] = self._homeroom(record)
            seen = set()
            for record in self.roster.students:
                seen.add(id(self._student(record)))
                if progress:
                    progress(1)
            named = [(record, self._teacher(record)) for record in self.roster.teachers]
            self._link_teachers([(record, user) for record, user in named if user])
            for student in self.students:
                gone = id(student) not in seen if self.roster.full \
                    else student.sourced_id in self.roster.leaving
                if student.active and gone:
                    student.active = False
                    self.counts["students"]["deactivated"] += 1
                    self.deactivated["students"].append(
                        f"{student.name} ({student.student_number})")
            self._deactivate_homerooms()

    def _deactivate_homerooms(self) -> None:
        """A class a full roster no longer lists, or a delta marks tobedeleted (last year's,
        graduated), leaves the board and the teachers' Today; its checks and history stay,
        and listing it again brings it back."""
        listed = {id(homeroom) for homeroom in self.homeroom_for.values()}
        for homeroom in self.homerooms:
            gone = self.roster.full or homeroom.sourced_id in self.roster.leaving
            if homeroom.active and gone and id(homeroom) not in listed:
                homeroom.active = False
                self.counts["homerooms"]["deactivated"] += 1
                self.deactivated["homerooms"].append(homeroom.name)

    def destructive(self) -> bool:
        """True when the import would deactivate any class, or more than a tenth of the
        school's active students: the admin must confirm that (--allow-deactivate)."""
        if not self.roster.full:  # a delta or a partial file deactivates only what it names
            return False
        students = len(self.deactivated["students"])
        return bool(self.deactivated["homerooms"]) or students * 10 > self.active_before

    def write(self) -> None:
        """Flush the changed rows, then insert the new ones in bulk (ids in input order)."""
        db.session.flush()
        _insert_all(Guardian, self.new_guardians)
        for student in self.new_students:
            student.values["homeroom_id"] = student.values.pop("homeroom").id
        _insert_all(Student, self.new_students)
        if self.new_links:
            db.session.execute(insert(StudentGuardian), [
                {"student_id": student.id, "guardian_id": guardian.id, "contact_order": order}
                for student, guardian, order in self.new_links])

    def _homeroom(self, record) -> Homeroom:
        homeroom = self.by.get(Homeroom, "sourced_id", record.sourced_id) or self.by.get(
            Homeroom, "name", record.name) or self.by.get(Homeroom, "spelling",
                                                          spelling(record.name))
        if homeroom is None:
            homeroom = Homeroom(school_id=self.school.id, name=record.name, grade=record.grade,
                                sourced_id=record.sourced_id, active=True, graduating=True)
            db.session.add(homeroom)
            self.by.add(homeroom, "sourced_id", "name", spelling=spelling(record.name))
            self.counts["homerooms"]["added"] += 1
        elif changed(homeroom, name=record.name, grade=record.grade, active=True,
                     sourced_id=record.sourced_id or homeroom.sourced_id):
            self.counts["homerooms"]["updated"] += 1
        return homeroom

    def _student(self, record: StudentRecord):
        by_id = self.by.get(Student, "sourced_id", record.sourced_id)
        by_number = self.by.get(Student, "student_number", record.student_number) or \
            self.by.get(Student, "spelling", spelling(record.student_number))
        if by_id is None and by_number is None:
            self._lost_zeros(record)
        if by_id and by_number and by_id is not by_number:
            self.roster.error(record.file, record.line, "student_number", _l(
                "student number %(number)s belongs to another student in Rollcall",
                number=record.student_number))
        student = by_id or by_number
        homeroom = self.homeroom_for[record.homeroom_key]
        if student is None:
            student = Pending(Student, school_id=self.school.id, active=True,
                              student_number=record.student_number, name=record.name,
                              seat=record.seat, sourced_id=record.sourced_id, homeroom=homeroom)
            self.new_students.append(student)
            self._index_student(student)
            self.counts["students"]["added"] += 1
        else:
            before = {"name": student.name, "guardians": guardian_labels(
                link.guardian for link in sorted(student.guardian_links,
                                                 key=lambda li: li.contact_order)),
                      "homeroom": student.homeroom.name if student.homeroom else "-"}
            moved = homeroom.id is None or student.homeroom_id != homeroom.id
            if moved:  # by relationship: a homeroom new in this import has no id yet
                student.homeroom = homeroom
            if changed(student, student_number=record.student_number, name=record.name,
                       seat=record.seat, active=True,
                       sourced_id=record.sourced_id or student.sourced_id) or moved:
                self.counts["students"]["updated"] += 1
        wanted = self._links(student, record)
        if not isinstance(student, Pending):
            self._note_changes(student, before, wanted)
        return student

    def _index_student(self, student) -> None:
        """By sourcedId and number; by the number's one spelling, and by its digits without
        leading zeros (_lost_zeros)."""
        number = spelling(student.student_number)
        self.by.add(student, "sourced_id", "student_number", spelling=number,
                    digits=number.lstrip("0") if number.isdigit() else None)

    def _lost_zeros(self, record: StudentRecord) -> None:
        """A number the school has with other leading zeros (0901006 and 901006), whose own
        number the file does not list, is the same student's with its zeros lost or added
        by a spreadsheet: refused, not added as a new student while the other leaves."""
        number = spelling(record.student_number)
        known = self.by.get(Student, "digits", number.lstrip("0")) if number.isdigit() else None
        if known is None or isinstance(known, Pending) or \
                known.student_number in self.listed_numbers:
            return
        if len(number) > len(known.student_number):  # the school's own lost them
            self.roster.error(record.file, record.line, "student_number", _l(
                "the school has this student number as %(known)s (%(name)s), without the "
                "leading zeros this file gives it: an earlier file's spreadsheet probably "
                "dropped them; if %(number)s is right, correct the student's number on the "
                "admin's Students page, then import again",
                known=known.student_number, name=known.name, number=number),
                record.student_number)
            return
        self.roster.error(record.file, record.line, "student_number", _l(
            "the school has this student number as %(known)s (%(name)s): they differ only in "
            "leading zeros, which a spreadsheet drops from a column formatted as numbers; set "
            "the column's format to Text (文本) and write the numbers as the school does",
            known=known.student_number, name=known.name), record.student_number)

    def _links(self, student, record: StudentRecord) -> list:
        current = [] if isinstance(student, Pending) else student.guardian_links
        wanted = []
        for order, guardian_record in enumerate(record.guardians, start=1):
            guardian = self._guardian(current, guardian_record)
            wanted.append(guardian)
            link = next((li for li in current if li.guardian is guardian), None)
            if link is None:
                self.new_links.append((student, guardian, order))
            else:
                changed(link, contact_order=order)
        for link in list(current):
            if link.guardian not in wanted:
                current.remove(link)
        return wanted

    def _note_changes(self, student: Student, before: dict, wanted: list) -> None:
        """What changes for a student the school has, old → new, when the homeroom or the
        guardians do: the check lists it before the admin confirms (with the name, should
        that change too)."""
        after = {"name": student.name, "homeroom": student.homeroom.name,
                 "guardians": guardian_labels(wanted)}
        if before["homeroom"] == after["homeroom"] and before["guardians"] == after["guardians"]:
            return
        self.student_changes.append({
            "student": f"{before['name']} ({student.student_number})",
            **{key: (before[key], after[key]) for key in after if before[key] != after[key]}})

    def _find_guardian(self, current_links, record):
        """The guardian the record is: by sourcedId; else one of the student's by name, or
        by phone when one side's name is not known; else the school's by name and phone."""
        if record.sourced_id:
            return self.by.get(Guardian, "sourced_id", record.sourced_id)
        guardian = next((link.guardian for link in current_links
                         if person(link.guardian.name or "") == record.name), None) or self.by.get(
            Guardian, ("name", "phone_e164"), (record.name, record.phone_e164))
        if guardian is None and record.phone_e164:
            guardian = self.by.get(Guardian, ("name", "roster_phone"),
                                   (record.name, record.phone_e164)) or next(
                (link.guardian for link in current_links
                 if not (link.guardian.name and record.name)
                 and link.guardian.phone_e164 == record.phone_e164), None)
        return guardian

    def _guardian(self, current_links, record):
        guardian = self._find_guardian(current_links, record)
        values = dict(name=record.name, relationship_label=record.relationship,
                      phone_e164=record.phone_e164, phone_raw=record.phone_raw,
                      language=record.language)
        if not record.name and guardian is not None and guardian.name:
            del values["name"]  # the file has the family's number only: keep the known name
            if guardian.relationship_label:
                del values["relationship_label"]
        roster_phone = record.phone_e164 or ""
        if guardian is None:
            guardian = Pending(Guardian, school_id=self.school.id, sourced_id=record.sourced_id,
                               absence_texts=record.absence_texts, sms_consent=True,
                               roster_phone=roster_phone,
                               opted_out_at=self.stopped.get(record.phone_e164), **values)
            self.new_guardians.append(guardian)
            self.by.add(guardian, *GUARDIAN_KEYS)
            self.counts["guardians"]["added"] += 1
        elif not isinstance(guardian, Pending) and id(guardian) not in self._touched:
            kept = _corrected_since(guardian, roster_phone)
            if kept:
                del values["phone_e164"], values["phone_raw"]
                self.roster.warn(*(record.phone_at or ("", 0, "")), _l(
                    "%(name)s: kept the phone number corrected in Rollcall; this file still has "
                    "the earlier one or none (correct it in the school's records too)",
                    name=record.name))
            if changed(guardian, **values):
                self.counts["guardians"]["updated"] += 1
            if not kept:
                guardian.roster_phone = roster_phone  # bookkeeping, not a change to report
        self._touched.add(id(guardian))
        return guardian

    def _teacher(self, record) -> User | None:
        """The teacher's account, created or updated; None if the name is another school's
        (the error does not say so: one school's admin learns nothing of another's accounts)."""
        user = self.users.get(record.username.lower())
        if user is not None and user.school_id != self.school.id:
            self.roster.error(record.file, record.line, "username", _l(
                "the username %(name)s cannot be used: choose another", name=record.username))
            return None
        if user is None:
            user = User(school_id=self.school.id, username=record.username,
                        display_name=record.display_name, role=Role.TEACHER, active=True,
                        password_hash="!" + secrets.token_hex(16))  # no password until set
            db.session.add(user)
            self.users[record.username.lower()] = user
            self.counts["teachers"]["added"] += 1
        elif changed(user, display_name=record.display_name):
            self.counts["teachers"]["updated"] += 1
        return user

    def _link_teachers(self, named: list[tuple]) -> None:
        """Give each class the teachers the file names: added to the class, and, when the
        file names all of a class's teachers, the others removed. A class the file names
        no teacher for keeps its own (a class nobody takes the roll of helps nobody)."""
        wanted: dict[str, list[User]] = {}
        for record, user in named:
            for key in record.homeroom_keys:
                if user not in wanted.setdefault(key, []):
                    wanted[key].append(user)
        for key, homeroom in self.homeroom_for.items():
            users = wanted.get(key, [])
            if not users:
                if self.roster.teachers_complete and homeroom.teachers:
                    self.roster.warn(self.roster.source_name, 0, "-", _l(
                        "%(homeroom)s: the file names no teacher for this class; its "
                        "teachers stay: %(teachers)s", homeroom=homeroom.name,
                        teachers=", ".join(map(teacher_label, homeroom.teachers))))
                continue
            added = [user for user in users if user not in homeroom.teachers]
            removed = [user for user in homeroom.teachers if user not in users] \
                if self.roster.teachers_complete else []
            for user in removed:
                homeroom.teachers.remove(user)
            homeroom.teachers.extend(added)
            self.counts["teachers"]["assigned"] += len(added)
            self.counts["teachers"]["unassigned"] += len(removed)
            self._note_teachers(homeroom, added, removed)
        self._unlink_leaving(wanted)

    def _unlink_leaving(self, wanted: dict[str, list[User]]) -> None:
        """A delta's teacher enrollments marked tobedeleted: that teacher leaves that class
        (unless the same file names them for it again); nobody else is touched."""
        for username, class_id in self.roster.teachers_leaving:
            user = self.users.get(username.lower())
            homerooms = self.homerooms if class_id is None else [
                self.by.get(Homeroom, "sourced_id", class_id)]
            for homeroom in homerooms:
                if homeroom is None or user is None or user not in homeroom.teachers \
                        or user in wanted.get(homeroom.sourced_id or "", []):
                    continue
                homeroom.teachers.remove(user)
                self.counts["teachers"]["unassigned"] += 1
                self._note_teachers(homeroom, [], [user])

    def _note_teachers(self, homeroom: Homeroom, added: list, removed: list) -> None:
        """One line per class of the check's teacher changes."""
        if not (added or removed):
            return
        noted = next((change for change in self.teacher_changes
                      if change["homeroom"] == homeroom.name), None)
        if noted is None:
            noted = {"homeroom": homeroom.name, "added": [], "removed": []}
            self.teacher_changes.append(noted)
        noted["added"] += [teacher_label(user) for user in added]
        noted["removed"] += [teacher_label(user) for user in removed]


def guardian_labels(guardians) -> str:
    """Guardians in contact order as a check names them: name and masked phone."""
    return "、".join(f"{guardian.name} {mask(guardian.phone_e164)}" for guardian in guardians) \
        or "-"


def teacher_label(user: User) -> str:
    """A teacher as the import's report and audit name them: display name (username)."""
    return f"{user.display_name} ({user.username})"


def _corrected_since(guardian: Guardian, roster_phone: str) -> bool:
    """True when the office corrected the phone after the last import and the file brings no
    newer number (the one that import gave, or none): the correction is newer than the file."""
    return guardian.roster_phone is not None and roster_phone in (guardian.roster_phone, "") \
        and (guardian.phone_e164 or "") != guardian.roster_phone


def _insert_all(model, pending: list[Pending]) -> None:
    if not pending:
        return
    ids = db.session.scalars(insert(model).returning(model.id, sort_by_parameter_order=True),
                             [row.values for row in pending]).all()
    for row, new_id in zip(pending, ids, strict=True):
        row.id = new_id
